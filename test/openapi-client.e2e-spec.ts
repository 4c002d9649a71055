import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { createTestApp, type TestApp } from './support/test-app.js';

/**
 * A typed client generated from the served document compiles the order system's integration example
 * (docs/examples/order-system.ts) in strict mode, and refuses a call the API would refuse.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const EXAMPLE = join(ROOT, 'docs/examples/order-system.ts');

/** The project's tsconfig for a reader's order system: strict, ESM, Node types for `process`. */
const TSCONFIG = {
  compilerOptions: {
    strict: true,
    noEmit: true,
    target: 'es2022',
    module: 'nodenext',
    moduleResolution: 'nodenext',
    lib: ['es2022', 'dom'],
    types: ['node'],
    skipLibCheck: true,
  },
};

/** The smallest intake the API takes (every optional field left out), with the amount under `amountField`. */
const intake = (amountField: string) => `
import createClient from 'openapi-fetch';
import type { paths } from './openapi.js';

const api = createClient<paths>({ baseUrl: 'http://127.0.0.1:3000' });
export const opened = api.POST('/v1/cases', {
  params: { header: { 'Idempotency-Key': '6d0c8a52-51f1-4a47-9f3e-2b7f0c1d9e84' } },
  body: {
    type: 'refund',
    reasonCode: '商品质量问题',
    ${amountField}: 29900,
    requestedAt: '2026-11-02T09:00:00+08:00',
    buyer: { id: 'tb_buyer_8812' },
    order: { orderId: '3921837712345678', status: 'shipped', paidTotal: 29900, items: [{ sku: 'SKU-RED-42', title: '男士运动鞋 红色 42码', quantity: 1, unitPrice: 29900 }] },
  },
});
`;

/** A problem code no operation answers. */
const UNKNOWN_CODE = `
import createClient from 'openapi-fetch';
import type { paths } from './openapi.js';

const api = createClient<paths>({ baseUrl: 'http://127.0.0.1:3000' });
export async function read(caseId: string): Promise<boolean> {
  const { error } = await api.GET('/v1/cases/{caseId}', { params: { path: { caseId } } });
  return error?.code === 'CASE_MISSING';
}
`;

function diagnosticsOf(folder: string, file: string): string[] {
  const configPath = join(folder, 'tsconfig.json');
  const config = ts.parseJsonConfigFileContent(ts.readConfigFile(configPath, ts.sys.readFile).config, ts.sys, folder);
  const program = ts.createProgram([join(folder, file)], config.options);
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const where = diagnostic.file
      ? `${diagnostic.file.fileName.slice(folder.length + 1)}:${diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line + 1}`
      : '';
    return `${where} ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
  });
}

describe('a client generated from the OpenAPI document', () => {
  let t: TestApp;
  // Inside the project, so that `openapi-fetch` and the Node types resolve from its node_modules.
  const folder = join(ROOT, 'node_modules/.cache/openapi-client', randomBytes(6).toString('hex'));

  beforeAll(async () => {
    t = await createTestApp();
    const document = (await t.http.get('/docs/json')).body;
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'openapi.d.ts'), astToString(await openapiTS(document, { silent: true })));
    writeFileSync(join(folder, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2));
    copyFileSync(EXAMPLE, join(folder, 'order-system.ts'));
    writeFileSync(join(folder, 'minimal-intake.ts'), intake('requestedAmount'));
    writeFileSync(join(folder, 'misspelt-intake.ts'), intake('requestedAmout'));
    writeFileSync(join(folder, 'unknown-code.ts'), UNKNOWN_CODE);
  });

  afterAll(async () => {
    rmSync(folder, { recursive: true, force: true });
    await t?.close();
  });

  it('should type-check the order system example in strict mode', () => {
    expect(diagnosticsOf(folder, 'order-system.ts')).toEqual([]);
  });

  it('should take the smallest intake and refuse it with a field misspelt', () => {
    expect(diagnosticsOf(folder, 'minimal-intake.ts')).toEqual([]);
    const diagnostics = diagnosticsOf(folder, 'misspelt-intake.ts');
    expect(diagnostics).toEqual([expect.stringMatching(/^misspelt-intake\.ts:\d+ .*'requestedAmout' does not exist/s)]);
  });

  it('should refuse a problem code the operation never answers', () => {
    const diagnostics = diagnosticsOf(folder, 'unknown-code.ts');
    expect(diagnostics).toEqual([expect.stringMatching(/^unknown-code\.ts:\d+ .*'"CASE_MISSING"'/s)]);
  });
});
