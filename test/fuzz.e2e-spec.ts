import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { pino } from 'pino';
import { openCase, send } from './support/cases.js';
import { WriteProbe } from './support/db-writes.js';
import { bearer, createAgent, createApiKey, createShop, type ShopFixture } from './support/fixtures.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/**
 * Schema-driven fuzzing of the served OpenAPI document: for every operation and every kind of caller,
 * requests built from the operation's own parameters and body schema, some valid and some broken (nulls,
 * wrong types, extreme numbers, NUL, lone surrogates, deep nesting, unknown fields, foreign and malformed
 * ids). Whatever is sent, the service answers below 500, a refusal writes nothing, and its status and
 * code are among the problems the document lists for the operation. Seeded and bounded: the same
 * requests every run.
 */
const SEED = 20261206;
const RUNS_PER_ROLE = 8;
const ROLES = ['anonymous', 'admin', 'integration', 'agent', 'supervisor', 'auditor'] as const;
type Role = (typeof ROLES)[number];

type Schema = {
  $ref?: string;
  type?: string;
  enum?: unknown[];
  format?: string;
  example?: unknown;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  allOf?: Schema[];
  oneOf?: Schema[];
  nullable?: boolean;
};
type Parameter = { name: string; in: 'path' | 'query' | 'header'; required?: boolean; schema?: Schema };
type Operation = {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema; examples?: Record<string, { value: unknown }> }> };
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
};

/** The problem codes the document lists for an operation at a status. */
function documentedCodes(operation: Operation, status: number): unknown[] {
  return operation.responses[String(status)]?.content?.['application/problem+json']?.schema?.allOf?.[1]?.properties?.code?.enum ?? [];
}
type Document = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };

/** Values that broke one layer or another of this service at some point. */
const HOSTILE_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udc00x',
  '😡'.repeat(300),
  'x'.repeat(5000),
  '../../etc/passwd',
  "'; DROP TABLE cases; --",
  '=HYPERLINK("http://x")',
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59+23:59',
  '+275760-09-13T00:00:00.000Z',
  'NaN',
  '-1',
  '1e400',
];
const HOSTILE_NUMBERS = [0, -1, 0.5, 2 ** 31, 2 ** 53, 1e21, -1e21, Number.MAX_SAFE_INTEGER + 2];
const deep = (depth: number): unknown => (depth === 0 ? 1 : { a: deep(depth - 1) });

function hostile(): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.constant(null),
    fc.constantFrom(...HOSTILE_STRINGS),
    fc.constantFrom(...HOSTILE_NUMBERS),
    fc.boolean(),
    fc.constant([]),
    fc.constant({}),
    fc.constant(deep(40)),
    fc.string({ maxLength: 20, unit: 'binary' }),
    fc.jsonValue({ maxDepth: 2 }),
  );
}

function resolve(doc: Document, schema: Schema | undefined): Schema {
  let current = schema ?? {};
  for (let i = 0; i < 10; i++) {
    if (current.$ref) current = doc.components.schemas[current.$ref.split('/').pop()!] ?? {};
    else if (current.allOf?.length === 1) current = current.allOf[0];
    else break;
  }
  return current;
}

/** A value that follows the schema (its example when it has one), or, with `brokenness`, often does not. */
function valueOf(doc: Document, raw: Schema | undefined, brokenness: number, depth = 0): fc.Arbitrary<unknown> {
  const schema = resolve(doc, raw);
  const valid = validValueOf(doc, schema, brokenness, depth);
  return brokenness > 0 ? fc.oneof({ arbitrary: valid, weight: 10 - brokenness }, { arbitrary: hostile(), weight: brokenness }) : valid;
}

function validValueOf(doc: Document, schema: Schema, brokenness: number, depth: number): fc.Arbitrary<unknown> {
  if (schema.oneOf?.length) return fc.oneof(...schema.oneOf.map((s) => valueOf(doc, s, brokenness, depth)));
  if (schema.enum?.length) return fc.constantFrom(...schema.enum);
  const example = schema.example !== undefined ? [fc.constant(schema.example)] : [];
  switch (schema.type) {
    case 'integer':
    case 'number': {
      const min = schema.minimum ?? 0;
      const max = Math.min(schema.maximum ?? 1_000_000, Number.MAX_SAFE_INTEGER);
      return fc.oneof(...example, fc.integer({ min: Math.ceil(min), max: Math.floor(max) }));
    }
    case 'boolean':
      return fc.boolean();
    case 'string':
      if (schema.format === 'binary') return fc.constant('binary');
      if (schema.format === 'date-time')
        return fc.oneof(
          ...example,
          fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
        );
      return fc.oneof(...example, fc.string({ minLength: schema.minLength ?? 1, maxLength: Math.min(schema.maxLength ?? 40, 40) }));
    case 'array':
      return depth > 4 ? fc.constant([]) : fc.array(valueOf(doc, schema.items, brokenness, depth + 1), { minLength: 1, maxLength: 3 });
    default: {
      if (!schema.properties || depth > 4) return fc.oneof(...example, fc.constant({}));
      const properties = Object.fromEntries(Object.entries(schema.properties).map(([name, s]) => [name, valueOf(doc, s, brokenness, depth + 1)]));
      const record = fc.record(properties, { requiredKeys: brokenness > 0 ? [] : (schema.required ?? []).filter((name) => name in properties) });
      return brokenness > 0
        ? fc.tuple(record, fc.option(fc.dictionary(fc.string({ maxLength: 8 }), hostile(), { maxKeys: 2 }))).map(([r, extra]) => ({ ...r, ...extra }))
        : record;
    }
  }
}

/** Path segments already encoded: real ids of this shop and another, random and malformed ones. */
function pathValues(pools: Record<string, string[]>, name: string): fc.Arbitrary<string> {
  const junk = ['not-an-id', '%00', 'x%00y', '%ED%A0%80', '0', '-1', '99999999999999999999', 'a'.repeat(300), '%2e%2e', encodeURIComponent('测试')];
  return fc.oneof(
    { arbitrary: fc.constantFrom(...(pools[name] ?? [randomUUID()])), weight: 3 },
    { arbitrary: fc.constantFrom(randomUUID(), ...junk), weight: 1 },
  );
}

interface FuzzRequest {
  method: string;
  path: string;
  query: Record<string, unknown>;
  headers: Record<string, string>;
  body?: unknown;
  multipart?: { fields: Record<string, unknown>; file: Buffer | undefined };
}

describe('schema-driven fuzzing of every operation', () => {
  let t: TestApp;
  let shop: ShopFixture;
  let other: ShopFixture;
  let probe: WriteProbe;
  const tokens = {} as Record<Role, string | undefined>;
  const pools: Record<string, string[]> = {};
  const logLines: Array<Record<string, unknown>> = [];
  const sent = { total: 0, refused: 0, byStatus: new Map<number, number>() };

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
        done();
      },
    });
    t = await createTestApp({}, pino({ level: 'warn' }, sink));
    shop = await createShop(t);
    other = await createShop(t);
    const key = await createApiKey(t, shop.id);
    const otherKey = await createApiKey(t, other.id);
    const agent = await createAgent(t, shop, 'agent');
    const supervisor = await createAgent(t, shop, 'supervisor');
    const auditor = await createAgent(t, shop, 'auditor');
    // Accounts the fuzzer may delete or revoke without losing its own credentials.
    const victimAgent = await createAgent(t, shop, 'agent');
    const victimKey = await createApiKey(t, shop.id, 'victim');
    const otherAgent = await createAgent(t, other, 'agent');
    Object.assign(tokens, {
      anonymous: undefined,
      admin: t.adminToken,
      integration: key.key,
      agent: agent.token,
      supervisor: supervisor.token,
      auditor: auditor.token,
    });

    const cases = [];
    for (const type of ['refund', 'return', 'exchange', 'complaint'] as const) cases.push(await openCase(t, key.key, { type }));
    await send(t, supervisor.token, cases[0].id, { type: 'CONTACT_BUYER', note: '已联系买家' });
    const foreign = await openCase(t, otherKey.key);
    const endpoint = await t.http
      .post('/v1/webhooks/endpoints')
      .set(bearer(key.key))
      .set('Idempotency-Key', randomUUID())
      .send({ url: 'https://receiver.example.com/hooks' });
    const canned = await t.http.get('/v1/replies/canned').set(bearer(supervisor.token));
    const evidence = await t.http
      .post(`/v1/cases/${cases[0].id}/evidence`)
      .set(bearer(supervisor.token))
      .field('party', 'buyer')
      .field('kind', 'photo')
      .attach('file', Buffer.from('%PDF-1.4\n%fuzz\n'), { filename: 'a.pdf', contentType: 'application/pdf' });

    Object.assign(pools, {
      shopId: [shop.id, other.id],
      caseId: [...cases.map((c) => c.id), foreign.id],
      orderId: [...cases.map((c) => c.order.orderId), foreign.order.orderId].map(encodeURIComponent),
      agentId: [victimAgent.id, otherAgent.id],
      keyId: [victimKey.id, otherKey.id],
      endpointId: endpoint.status === 201 ? [endpoint.body.id] : [],
      id: canned.status === 200 ? canned.body.items.slice(0, 3).map((r: { id: string }) => r.id) : [],
      evidenceId: evidence.status === 201 ? [evidence.body.id] : [],
      messageId: ['1', '2'],
      webhookId: ['msg_1', `msg_${randomUUID()}`],
      // query values the schema cannot tell: days of the shop, ids to filter by
      from: ['2026-01-01', t.clock.now().toISOString().slice(0, 10), t.clock.now().toISOString()],
      to: ['2026-12-31', t.clock.now().toISOString().slice(0, 10), new Date(t.clock.now().getTime() + 86_400_000).toISOString()],
      assigneeId: [agent.id, victimAgent.id],
    });
    pools.queryCaseId = pools.caseId;
    pools.queryOrderId = [...cases.map((c) => c.order.orderId), foreign.order.orderId];
    probe = await WriteProbe.open(t.databaseUrl);
  });

  afterAll(async () => {
    await probe?.close();
    await t?.close();
    const statuses = [...sent.byStatus.entries()].sort(([a], [b]) => a - b).map(([status, n]) => `${status}×${n}`);
    console.log(`fuzz: sent ${sent.total} requests (${sent.refused} refused) over every operation and role: ${statuses.join(' ')}`);
  });

  function requestsFor(doc: Document, path: string, method: string, operation: Operation): fc.Arbitrary<FuzzRequest> {
    const parameters = operation.parameters ?? [];
    const pathParams = parameters.filter((p) => p.in === 'path');
    const queryParams = parameters.filter((p) => p.in === 'query');
    const content = operation.requestBody?.content ?? {};
    const json = content['application/json'];
    const multipart = content['multipart/form-data'];
    // Two in five requests follow the schema throughout; the rest break it more or less.
    const brokenness = fc.oneof({ arbitrary: fc.constant(0), weight: 2 }, { arbitrary: fc.integer({ min: 1, max: 5 }), weight: 3 });
    return brokenness.chain((brokenness) =>
      fc.record({
        method: fc.constant(method),
        path: fc
          .tuple(...pathParams.map((p) => pathValues(pools, p.name)))
          .map((values) => pathParams.reduce((built, p, i) => built.replace(`{${p.name}}`, values[i]), path)),
        query: fc.record(Object.fromEntries(queryParams.map((p) => [p.name, queryValue(doc, p, brokenness)])), { requiredKeys: [] }),
        headers: fc.record(
          {
            'Idempotency-Key': fc.oneof({ arbitrary: fc.uuid(), weight: 8 }, fc.constantFrom('', 'a key with spaces', 'k'.repeat(300))),
            'If-Match': fc.constantFrom('"1"', '"2"', '1', 'W/"x"', '"99999999999"'),
          },
          { requiredKeys: [] },
        ),
        body: json
          ? fc.oneof(
              { arbitrary: valueOf(doc, json.schema, brokenness), weight: 4 },
              { arbitrary: fc.constantFrom(...Object.values(json.examples ?? {}).map((e) => e.value), {}), weight: 2 },
              { arbitrary: hostile(), weight: 1 },
            )
          : fc.constant(undefined),
        multipart: multipart
          ? fc.record({
              fields: valueOf(
                doc,
                {
                  ...multipart.schema,
                  properties: Object.fromEntries(Object.entries(multipart.schema.properties ?? {}).filter(([, s]) => s.format !== 'binary')),
                },
                brokenness,
              ) as fc.Arbitrary<Record<string, unknown>>,
              file: fc.option(
                fc.constantFrom(
                  Buffer.from('%PDF-1.4\n%x\n'),
                  Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0]),
                  Buffer.from('MZ\x90\x00'),
                  Buffer.alloc(0),
                ),
                { nil: undefined },
              ),
            })
          : fc.constant(undefined),
      }),
    );
  }

  function queryValue(doc: Document, parameter: Parameter, brokenness: number): fc.Arbitrary<unknown> {
    const pool = { caseId: pools.queryCaseId, orderId: pools.queryOrderId }[parameter.name] ?? pools[parameter.name];
    const generated = valueOf(doc, parameter.schema, brokenness);
    return pool?.length ? fc.oneof({ arbitrary: fc.constantFrom(...pool), weight: 2 }, { arbitrary: generated, weight: 1 }) : generated;
  }

  function sendOne(role: Role, request: FuzzRequest) {
    const method = request.method as 'get' | 'post' | 'put' | 'patch' | 'delete';
    let call = t.http[method](request.path);
    const token = tokens[role];
    if (token) call = call.set(bearer(token));
    for (const [name, value] of Object.entries(request.headers)) call = call.set(name, value);
    const query = Object.fromEntries(
      Object.entries(request.query)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
    );
    call = call.query(query);
    if (request.multipart) {
      for (const [name, value] of Object.entries(request.multipart.fields ?? {})) {
        if (value !== undefined && value !== null) call = call.field(name, typeof value === 'string' ? value : JSON.stringify(value));
      }
      if (request.multipart.file) call = call.attach('file', request.multipart.file, { filename: 'f.bin' });
      return call;
    }
    if (request.body !== undefined) return call.set('content-type', 'application/json').send(JSON.stringify(request.body));
    return call;
  }

  /** A stream the service opened never ends by itself: once it is open, the request was accepted. */
  async function openStream(role: Role, request: FuzzRequest) {
    try {
      return await sendOne(role, request).timeout({ deadline: 300 });
    } catch (error) {
      if ((error as { timeout?: number }).timeout) return { status: 200, headers: {} as Record<string, string>, body: undefined };
      throw error;
    }
  }

  it('should answer every generated request below 500 and write nothing when it refuses', async () => {
    const doc: Document = (await t.http.get('/docs/json')).body;
    const operations = Object.entries(doc.paths)
      .flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ path, method, operation })))
      // Logging out ends the sessions the other operations use: last.
      .sort((a, b) => Number(a.path === '/v1/auth/logout') - Number(b.path === '/v1/auth/logout'));
    expect(operations.length).toBeGreaterThan(50);

    const failures: string[] = [];
    for (const [index, { path, method, operation }] of operations.entries()) {
      for (const role of ROLES) {
        const requests = fc.sample(requestsFor(doc, path, method, operation), { seed: SEED + index * 31 + ROLES.indexOf(role), numRuns: RUNS_PER_ROLE });
        for (const request of requests) {
          const before = await probe.snapshot();
          const res = 'text/event-stream' in (operation.responses['200']?.content ?? {}) ? await openStream(role, request) : await sendOne(role, request);
          sent.total++;
          sent.byStatus.set(res.status, (sent.byStatus.get(res.status) ?? 0) + 1);
          const what = `${role} ${method.toUpperCase()} ${request.path} ${JSON.stringify(request.query)} ${JSON.stringify(request.body ?? request.multipart?.fields)?.slice(0, 300)}`;
          if (process.env.FUZZ_DEBUG) console.log(res.status, res.body?.code, what.slice(0, 200), JSON.stringify(res.body?.errors ?? '').slice(0, 200));
          if (res.status >= 500) failures.push(`${res.status} ${res.body?.code}: ${what}`);
          if (res.status >= 400) {
            sent.refused++;
            if (!String(res.headers['content-type']).startsWith('application/problem+json')) failures.push(`${res.status} without problem details: ${what}`);
            else if (!documentedCodes(operation, res.status).includes(res.body?.code))
              failures.push(`${res.status} ${res.body?.code} is not documented for the operation: ${what}`);
            const after = await probe.snapshot();
            const changed = Object.keys(after).filter((table) => after[table] !== before[table]);
            if (changed.length > 0) failures.push(`${res.status} ${res.body?.code} wrote ${changed.join(', ')}: ${what}`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
    expect(sent.total).toBe(operations.length * ROLES.length * RUNS_PER_ROLE);
    // Every caller was refused somewhere and let through somewhere: the generator reaches past auth and validation.
    expect(sent.refused).toBeGreaterThan(sent.total / 4);
    expect(sent.total - sent.refused).toBeGreaterThan(100);
  }, 300_000); // a few thousand requests one after another: minutes on a loaded machine, not jest's default minute

  it('should log client errors at warn without a stack trace, and no server error at all', () => {
    const errors = logLines.filter((line) => Number(line.level) >= 50);
    expect(errors.map((line) => `${line.msg} ${JSON.stringify(line.err ?? '').slice(0, 300)}`)).toEqual([]);
    const warnings = logLines.filter((line) => Number(line.level) === 40);
    expect(warnings.length).toBeGreaterThan(100);
    expect(warnings.filter((line) => JSON.stringify(line).includes('    at '))).toEqual([]);
  });
});
