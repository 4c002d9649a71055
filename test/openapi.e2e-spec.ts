import { randomUUID } from 'node:crypto';
import { CaseEventPipe } from '../src/cases/case-event.pipe.js';
import { CASE_EVENT_PAYLOADS } from '../src/cases/dto/case-event.dto.js';
import { bearer, createAgent, createApiKey, createShop } from './support/fixtures.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/**
 * The served OpenAPI document is complete enough to generate a client from: every operation has its
 * response shapes, request examples, problem responses with their codes, one section, a readable name
 * and the security schemes of the callers its route really admits (probed, not just read).
 */

type Schema = {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  nullable?: boolean;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  discriminator?: { propertyName: string; mapping?: Record<string, string> };
};
type Example = { summary?: string; value: unknown };
type Media = { schema?: Schema; example?: unknown; examples?: Record<string, Example> };
type Response = { description?: string; content?: Record<string, Media> };
type Parameter = { name: string; in: string; required?: boolean; schema?: Schema };
type Operation = {
  operationId?: string;
  tags?: string[];
  security?: Array<Record<string, string[]>>;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, Media> };
  responses: Record<string, Response>;
};
type Document = {
  tags?: Array<{ name: string; description?: string }>;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema>; securitySchemes: Record<string, { type: string; scheme?: string; bearerFormat?: string }> };
};

/** The sections, in order; README.md and docs/api.md use the same headings. */
const SECTIONS = [
  'Shops and API keys',
  'Agents and sign-in',
  'Cases',
  'Orders',
  'Evidence and disputes',
  'Queue',
  'Replies',
  'Audit',
  'Webhooks',
  'Change feed',
  'Metrics',
  'Reference',
  'Health',
];
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];
const PROBLEM = 'application/problem+json';
const PROBLEM_REF = '#/components/schemas/Problem';

interface Entry {
  key: string;
  path: string;
  method: string;
  operation: Operation;
}

function operationsOf(doc: Document): Entry[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method]).map((method) => ({ key: `${method.toUpperCase()} ${path}`, path, method, operation: item[method] })),
  );
}

function resolve(doc: Document, schema: Schema): Schema {
  return schema.$ref ? resolve(doc, doc.components.schemas[schema.$ref.replace('#/components/schemas/', '')] ?? {}) : schema;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return Number.isInteger(value) ? 'integer' : typeof value;
}

/** Where `value` departs from `schema` (the subset of OpenAPI 3.0 the service's document uses). */
function mismatches(doc: Document, raw: Schema, value: unknown, at: string): string[] {
  const schema = resolve(doc, raw);
  if (value === null) return schema.nullable ? [] : [`${at}: null is not allowed`];
  if (schema.allOf) {
    // One object made of every part: a field of one part is not unknown to another.
    const parts = schema.allOf.map((part) => resolve(doc, part));
    if (parts.length === 1) return mismatches(doc, { ...parts[0], nullable: schema.nullable }, value, at);
    const merged: Schema = {
      type: 'object',
      required: parts.flatMap((part) => part.required ?? []),
      properties: Object.assign({}, ...parts.map((part) => part.properties ?? {})),
      additionalProperties: parts.some((part) => part.additionalProperties === true) || undefined,
    };
    return [...mismatches(doc, merged, value, at), ...parts.flatMap((part) => (part.enum ? mismatches(doc, part, value, at) : []))];
  }
  if (schema.oneOf) {
    const chosen = schema.discriminator?.mapping?.[String((value as Record<string, unknown>)?.[schema.discriminator.propertyName])];
    if (chosen) return mismatches(doc, { $ref: chosen }, value, at);
    return schema.oneOf.some((branch) => mismatches(doc, branch, value, at).length === 0) ? [] : [`${at}: matches no branch`];
  }
  if (schema.enum && !schema.enum.includes(value)) return [`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`];
  const actual = typeOf(value);
  switch (schema.type) {
    case 'integer':
      return actual === 'integer' ? [] : [`${at}: ${actual} is not an integer`];
    case 'number':
      return actual === 'integer' || actual === 'number' ? [] : [`${at}: ${actual} is not a number`];
    case 'string':
    case 'boolean':
      return actual === schema.type ? [] : [`${at}: ${actual} is not a ${schema.type}`];
    case 'array':
      return actual !== 'array'
        ? [`${at}: ${actual} is not an array`]
        : (value as unknown[]).flatMap((item, i) => (schema.items ? mismatches(doc, schema.items, item, `${at}[${i}]`) : []));
  }
  if (actual !== 'object') return schema.type === 'object' || schema.properties ? [`${at}: ${actual} is not an object`] : [];
  const record = value as Record<string, unknown>;
  const missing = (schema.required ?? []).filter((name) => !(name in record)).map((name) => `${at}.${name}: missing`);
  const fields = Object.entries(record).flatMap(([name, item]) => {
    const property = schema.properties?.[name];
    if (property) return mismatches(doc, property, item, `${at}.${name}`);
    if (typeof schema.additionalProperties === 'object') return mismatches(doc, schema.additionalProperties, item, `${at}.${name}`);
    return schema.properties && schema.additionalProperties !== true ? [`${at}.${name}: not in the schema`] : [];
  });
  return [...missing, ...fields];
}

/** Every example of a content map with the schema it should follow. */
function examplesOf(content: Record<string, Media> | undefined): Array<{ media: string; name: string; schema?: Schema; value: unknown }> {
  return Object.entries(content ?? {}).flatMap(([media, { schema, example, examples }]) => [
    ...(example === undefined ? [] : [{ media, name: 'example', schema, value: example }]),
    ...Object.entries(examples ?? {}).map(([name, { value }]) => ({ media, name, schema, value })),
  ]);
}

function problemCodes(response: Response | undefined): string[] {
  const narrowed = response?.content?.[PROBLEM]?.schema?.allOf?.[1];
  return (narrowed?.properties?.code?.enum as string[] | undefined) ?? [];
}

describe('the OpenAPI document', () => {
  let t: TestApp;
  let doc: Document;
  let entries: Entry[];

  beforeAll(async () => {
    t = await createTestApp();
    doc = (await t.http.get('/docs/json')).body;
    entries = operationsOf(doc);
  });

  afterAll(async () => {
    await t?.close();
    if (!entries) return;
    const bodies = entries.filter(({ operation }) => operation.requestBody);
    const count = (predicate: (operation: Operation) => boolean) => entries.filter(({ operation }) => predicate(operation)).length;
    console.log(
      `openapi: ${entries.length} operations; ` +
        `${count((o) => Object.entries(o.responses).every(([s, r]) => !s.startsWith('2') || s === '204' || Object.values(r.content ?? {}).some((m) => m.schema)))} with response schemas; ` +
        `${bodies.filter(({ operation }) => Object.values(operation.requestBody!.content).some((m) => m.example !== undefined || m.examples)).length}/${bodies.length} request bodies with examples; ` +
        `${count((o) => Object.keys(o.responses).some((s) => s.startsWith('4')))} with 4xx problems`,
    );
  });

  it('should describe the body of every success response', () => {
    const failures = entries.flatMap(({ key, operation }) => {
      const successes = Object.entries(operation.responses).filter(([status]) => status.startsWith('2'));
      if (successes.length === 0) return [`${key}: no success response`];
      return successes
        .filter(([status]) => status !== '204')
        .flatMap(([status, response]) => {
          const media = Object.entries(response.content ?? {});
          if (media.length === 0) return [`${key} ${status}: no content`];
          return media.filter(([, { schema }]) => !schema || Object.keys(schema).length === 0).map(([type]) => `${key} ${status} ${type}: no schema`);
        });
    });
    expect(failures).toEqual([]);
    const binary = (key: string, status = '200') => doc.paths[key.split(' ')[1]][key.split(' ')[0].toLowerCase()].responses[status].content ?? {};
    expect(binary('GET /v1/cases/{caseId}/dossier')['application/zip'].schema).toEqual({ type: 'string', format: 'binary' });
    expect(Object.keys(binary('GET /v1/audit/export'))).toEqual(['text/csv', 'application/x-ndjson']);
    expect(binary('GET /v1/metrics/summary')['application/json'].schema?.$ref).toBe('#/components/schemas/MetricsSummary');
    expect(binary('POST /v1/cases', '201')['application/json'].schema?.$ref).toBe('#/components/schemas/CaseView');
    expect(doc.components.schemas.CasePage.properties).toEqual(expect.objectContaining({ items: expect.any(Object), nextCursor: expect.any(Object) }));
  });

  it('should give every request body an example', () => {
    const failures = entries.flatMap(({ key, operation }) =>
      Object.entries(operation.requestBody?.content ?? {})
        .filter(([, media]) => media.example === undefined && Object.keys(media.examples ?? {}).length === 0)
        .map(([type]) => `${key} ${type}: no example`),
    );
    expect(failures).toEqual([]);
  });

  it('should hold every example of a request or response to its schema', () => {
    const failures = entries.flatMap(({ key, operation }) => [
      ...examplesOf(operation.requestBody?.content)
        .filter(({ media }) => media !== 'multipart/form-data')
        .flatMap(({ media, name, schema, value }) => (schema ? mismatches(doc, schema, value, `${key} request ${media} ${name}`) : [])),
      ...Object.entries(operation.responses).flatMap(([status, response]) =>
        examplesOf(response.content).flatMap(({ media, name, schema, value }) =>
          schema ? mismatches(doc, schema, value, `${key} ${status} ${media} ${name}`) : [],
        ),
      ),
    ]);
    expect(failures).toEqual([]);
  });

  it('should list the problems of every operation as problem details with their codes', () => {
    const failures = entries.flatMap(({ key, operation }) => {
      const problems = Object.entries(operation.responses).filter(([status]) => Number(status) >= 400);
      // Only a route that takes neither credentials nor input can answer no problem at all (GET /health/live).
      const canFail = (operation.security ?? []).length > 0 || (operation.parameters ?? []).length > 0 || operation.requestBody !== undefined;
      const found = problems.flatMap(([status, response]) => {
        const media = response.content?.[PROBLEM];
        if (!media) return [`${key} ${status}: not ${PROBLEM}`];
        const codes = problemCodes(response);
        return [
          ...(media.schema?.allOf?.[0]?.$ref === PROBLEM_REF ? [] : [`${key} ${status}: not the Problem schema`]),
          ...(codes.length > 0 ? [] : [`${key} ${status}: no codes`]),
          ...codes.filter((code) => !response.description?.includes(`\`${code}\``)).map((code) => `${key} ${status}: ${code} not described`),
          ...codes
            .filter((code) => (media.examples?.[code]?.value as { code?: string; status?: number } | undefined)?.status !== Number(status))
            .map((code) => `${key} ${status}: no example of ${code}`),
        ];
      });
      const has4xx = problems.some(([status]) => status.startsWith('4'));
      return [...found, ...(canFail && !has4xx ? [`${key}: no 4xx problem`] : [])];
    });
    expect(failures).toEqual([]);

    const codesAt = (key: string, status: number) => problemCodes(doc.paths[key.split(' ')[1]][key.split(' ')[0].toLowerCase()].responses[String(status)]);
    // What every route of a kind gets, from its access list, input and Idempotency-Key.
    expect(codesAt('GET /v1/cases/{caseId}', 401)).toEqual(['UNAUTHENTICATED', 'INVALID_CREDENTIALS']);
    expect(codesAt('GET /v1/cases/{caseId}', 400)).toEqual(['VALIDATION_FAILED', 'MALFORMED_URL']);
    expect(codesAt('GET /v1/cases/{caseId}', 414)).toEqual(['URI_TOO_LONG']);
    expect(codesAt('POST /v1/cases', 400)).toEqual(
      expect.arrayContaining(['VALIDATION_FAILED', 'MALFORMED_JSON', 'BODY_TOO_DEEP', 'IDEMPOTENCY_KEY_REQUIRED', 'IDEMPOTENCY_KEY_INVALID']),
    );
    expect(codesAt('POST /v1/cases', 413)).toEqual(['PAYLOAD_TOO_LARGE']);
    expect(codesAt('POST /v1/cases', 422)).toEqual(expect.arrayContaining(['IDEMPOTENCY_KEY_REUSED', 'AMOUNT_EXCEEDS_REFUNDABLE', 'ORDER_NOT_SHIPPED']));
    expect(codesAt('GET /v1/cases', 400)).toEqual(['VALIDATION_FAILED', 'INVALID_CURSOR']);
    expect(codesAt('GET /v1/reasons', 403)).toEqual([]);
    expect(codesAt('POST /v1/auth/login', 401)).toEqual(['INVALID_LOGIN']);
    // What services throw, declared per route.
    expect(codesAt('POST /v1/cases/{caseId}/events', 404)).toEqual(['CASE_NOT_FOUND']);
    expect(codesAt('POST /v1/cases/{caseId}/events', 409)).toEqual(
      expect.arrayContaining(['EVENT_NOT_ALLOWED', 'IDEMPOTENCY_KEY_IN_FLIGHT', 'EVIDENCE_WINDOW_CLOSED']),
    );
    expect(codesAt('POST /v1/cases/{caseId}/events', 412)).toEqual(['VERSION_MISMATCH']);
    expect(codesAt('POST /v1/cases/{caseId}/events', 422)).toEqual(
      expect.arrayContaining(['REFUND_AMOUNT_MISMATCH', 'VERIFIED_REASON_REQUIRED', 'REPLY_BLOCKED']),
    );
    expect(codesAt('POST /v1/cases/{caseId}/events', 422)).not.toContain('AUTO_APPROVAL_NOT_APPLICABLE');
    expect(codesAt('POST /v1/cases/{caseId}/evidence', 413)).toEqual(['EVIDENCE_TOO_LARGE']);
    expect(codesAt('POST /v1/cases/{caseId}/evidence', 415)).toEqual(expect.arrayContaining(['MULTIPART_REQUIRED', 'EVIDENCE_TYPE_NOT_ALLOWED']));
    expect(codesAt('PATCH /v1/orders/{orderId}', 409)).toEqual(
      expect.arrayContaining(['ORDER_STATUS_REGRESSION', 'ORDER_MONEY_CONFLICT', 'IDEMPOTENCY_KEY_IN_FLIGHT']),
    );
    expect(codesAt('GET /v1/cases/{caseId}/dossier', 500)).toEqual(['EVIDENCE_BLOB_MISSING']);
  });

  it('should put every operation in exactly one of the sections, declared in order', () => {
    expect(doc.tags?.map((tag) => tag.name)).toEqual(SECTIONS);
    expect(doc.tags?.filter((tag) => !tag.description)).toEqual([]);
    const failures = entries
      .filter(({ operation }) => operation.tags?.length !== 1 || !SECTIONS.includes(operation.tags[0]))
      .map(({ key, operation }) => `${key}: ${JSON.stringify(operation.tags)}`);
    expect(failures).toEqual([]);
    expect(doc.paths['/v1/machine'].get.tags).toEqual(['Reference']);
    expect(doc.paths['/v1/cases/{caseId}/dossier'].get.tags).toEqual(['Evidence and disputes']);
  });

  it('should name every operation once, as a generated client would call it', () => {
    const ids = entries.map(({ operation }) => operation.operationId);
    expect(
      entries
        .filter(({ operation }) => !/^[a-z][a-zA-Z0-9]*$/.test(operation.operationId ?? ''))
        .map(({ key, operation }) => `${key}: ${operation.operationId}`),
    ).toEqual([]);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    expect(doc.paths['/v1/cases'].post.operationId).toBe('openCase');
    expect(doc.paths['/v1/cases/{caseId}/events'].post.operationId).toBe('sendCaseEvent');
    expect(doc.paths['/v1/cases'].get.operationId).toBe('listCases');
  });

  it('should describe the three kinds of token as bearer schemes, none of them JWT', () => {
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['adminToken', 'agentSession', 'apiKey']);
    for (const scheme of Object.values(doc.components.securitySchemes)) expect(scheme).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(JSON.stringify(doc)).not.toMatch(/JWT/);
    expect(doc.components.securitySchemes.apiKey.bearerFormat).toMatch(/^ak_/);
    expect(doc.components.securitySchemes.agentSession.bearerFormat).toMatch(/^st_/);
    const securityOf = (key: string) => doc.paths[key.split(' ')[1]][key.split(' ')[0].toLowerCase()].security;
    expect(securityOf('POST /v1/shops')).toEqual([{ adminToken: [] }]);
    expect(securityOf('PATCH /v1/orders/{orderId}')).toEqual([{ apiKey: [] }]);
    expect(securityOf('POST /v1/cases')).toEqual([{ apiKey: [] }, { agentSession: [] }]);
    expect(securityOf('GET /v1/queue')).toEqual([{ agentSession: [] }]);
    expect(securityOf('GET /v1/reasons')).toEqual([{ adminToken: [] }, { apiKey: [] }, { agentSession: [] }]);
    expect(securityOf('POST /v1/auth/login')).toEqual([]);
    expect(securityOf('GET /health/ready')).toEqual([]);
  });

  it('should ask each operation for exactly the credentials its route lets through, and document what it answers them', async () => {
    const shop = await createShop(t);
    const key = (await createApiKey(t, shop.id)).key;
    const [agent, supervisor, auditor] = [await createAgent(t, shop, 'agent'), await createAgent(t, shop, 'supervisor'), await createAgent(t, shop, 'auditor')];
    const schemes: Record<string, Array<[string, string]>> = {
      adminToken: [['admin', t.adminToken]],
      apiKey: [['integration', key]],
      agentSession: [
        ['agent', agent.token],
        ['supervisor', supervisor.token],
        ['auditor', auditor.token],
      ],
    };
    // Requests the access checks answer first, and the handlers refuse harmlessly: unknown ids, an unknown
    // query parameter, a body no route accepts. Signing out ends the sessions: last.
    const probe = async ({ path, method, operation }: Entry, token: string | undefined) => {
      const url = path.replace(/\{(\w+)\}/g, (_, name: string) =>
        operation.parameters?.find((p) => p.name === name)?.schema?.format === 'uuid' ? randomUUID() : 'probe-1',
      );
      let call = t.http[method as 'get'](`${url}?openapiProbe=1`).timeout({ response: 5000 });
      if (token) call = call.set(bearer(token));
      try {
        const res = await (operation.requestBody ? call.send({ openapiProbe: 1 }) : call);
        return { status: res.status, code: res.body?.code as string | undefined };
      } catch (error) {
        // A stream that opened is an admitted request.
        if ((error as { timeout?: number }).timeout) return { status: 200, code: undefined };
        throw error;
      }
    };
    const refused = (answer: { status: number; code?: string }) => answer.status === 401 || (answer.status === 403 && answer.code === 'FORBIDDEN');

    const failures: string[] = [];
    const ordered = [...entries].sort((a, b) => Number(a.path === '/v1/auth/logout') - Number(b.path === '/v1/auth/logout'));
    for (const entry of ordered) {
      const listed = new Set((entry.operation.security ?? []).flatMap((requirement) => Object.keys(requirement)));
      const undocumented = (who: string, answer: { status: number; code?: string }) => {
        if (answer.status >= 400 && !problemCodes(entry.operation.responses[String(answer.status)]).includes(answer.code ?? '')) {
          failures.push(`${entry.key} as ${who}: ${answer.status} ${answer.code} is not documented`);
        }
      };
      const anonymous = await probe(entry, undefined);
      undocumented('anonymous', anonymous);
      if ((listed.size === 0) === refused(anonymous))
        failures.push(`${entry.key}: anonymous answered ${anonymous.status} ${anonymous.code}, security ${JSON.stringify(entry.operation.security)}`);
      // Any credential will do on a public route; the anonymous probe above covered it.
      for (const [scheme, callers] of listed.size === 0 ? [] : Object.entries(schemes)) {
        const answers: string[] = [];
        let admitted = false;
        for (const [who, token] of callers) {
          const answer = await probe(entry, token);
          undocumented(who, answer);
          answers.push(`${who} ${answer.status} ${answer.code ?? ''}`);
          admitted ||= !refused(answer);
        }
        if (admitted !== listed.has(scheme))
          failures.push(`${entry.key}: ${scheme} ${listed.has(scheme) ? 'listed' : 'not listed'}, but ${answers.join(', ')}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('should document what the router, the body parsers and the Idempotency-Key check answer', async () => {
    const shop = await createShop(t);
    const key = (await createApiKey(t, shop.id)).key;
    const supervisor = await createAgent(t, shop, 'supervisor');
    const tokenFor = (operation: Operation) => {
      const schemes = (operation.security ?? []).flatMap((requirement) => Object.keys(requirement));
      return schemes.includes('apiKey') ? key : schemes.includes('agentSession') ? supervisor.token : schemes.includes('adminToken') ? t.adminToken : undefined;
    };
    const failures: string[] = [];
    let sent = 0;
    for (const { key: name, path, method, operation } of entries) {
      const token = tokenFor(operation);
      const send = async (
        what: string,
        url: string,
        adjust: (call: ReturnType<TestApp['http']['get']>) => ReturnType<TestApp['http']['get']> = (call) => call,
      ) => {
        let call = t.http[method as 'get'](url);
        if (token) call = call.set(bearer(token));
        const res = await adjust(call);
        sent++;
        const documented = problemCodes(operation.responses[String(res.status)]);
        if (res.status < 400 || !documented.includes(res.body?.code))
          failures.push(`${name} ${what}: ${res.status} ${res.body?.code} (documented at ${res.status}: ${documented.join(', ') || 'nothing'})`);
      };
      if (path.includes('{')) {
        await send('undecodable path parameter', path.replace(/\{\w+\}/g, '%ED%A0%80'));
        await send('over-long path parameter', path.replace(/\{\w+\}/g, 'a'.repeat(300)));
      }
      const concrete = path.replace(/\{\w+\}/g, randomUUID());
      if (operation.requestBody?.content['application/json']) {
        await send('malformed JSON', concrete, (call) => call.set('content-type', 'application/json').send('{"type":'));
        await send('deep JSON', concrete, (call) => call.set('content-type', 'application/json').send(`${'['.repeat(40)}${']'.repeat(40)}`));
      }
      if (operation.requestBody) await send('a media type nobody parses', concrete, (call) => call.set('content-type', 'application/xml').send('<case/>'));
      const idempotencyKey = operation.parameters?.find((p) => p.in === 'header' && p.name === 'Idempotency-Key');
      if (idempotencyKey && token === key) {
        await send('an invalid Idempotency-Key', concrete, (call) => call.set('Idempotency-Key', 'a key with spaces').send({}));
        if (idempotencyKey.required) await send('no Idempotency-Key', concrete, (call) => call.send({}));
      }
    }
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThan(100);
  });

  it('should describe the case event body as one schema per event type a client may send, discriminated by type', async () => {
    const body = doc.paths['/v1/cases/{caseId}/events'].post.requestBody!.content['application/json'];
    const mapping = body.schema?.discriminator?.mapping ?? {};
    expect(body.schema?.discriminator?.propertyName).toBe('type');

    const machine = await t.http.get('/v1/machine').set(bearer(t.adminToken));
    const clientEvents = (machine.body.events as Array<{ type: string; source: string }>)
      .filter((event) => event.source !== 'timer')
      .map((event) => event.type);
    expect(Object.keys(mapping).sort()).toEqual([...clientEvents].sort());
    expect(Object.keys(mapping).sort()).toEqual(Object.keys(CASE_EVENT_PAYLOADS).sort());
    expect(body.schema?.oneOf?.map((branch) => branch.$ref).sort()).toEqual(Object.values(mapping).sort());
    for (const [type, ref] of Object.entries(mapping)) {
      const branch = resolve(doc, { $ref: ref });
      expect({ type, enum: branch.properties?.type?.enum, required: branch.required?.includes('type') }).toEqual({ type, enum: [type], required: true });
    }
    // The payload fields come from the classes that validate them.
    expect(resolve(doc, { $ref: mapping.REFUND_EXECUTED }).required?.sort()).toEqual(['amount', 'refundId', 'type']);
    expect(Object.keys(resolve(doc, { $ref: mapping.PROPOSE }).properties ?? {}).sort()).toEqual(['amount', 'guardOverride', 'note', 'resolution', 'type']);

    const examples = Object.entries(body.examples ?? {});
    expect(Object.keys(mapping).filter((type) => !examples.some(([, example]) => (example.value as { type: string }).type === type))).toEqual([]);
    const pipe = new CaseEventPipe();
    for (const [name, example] of examples) {
      await expect(pipe.transform(example.value).then(() => name)).resolves.toBe(name);
    }
  });

  it('should resolve every reference', () => {
    const refs: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        for (const [name, value] of Object.entries(node)) {
          if (name === '$ref' && typeof value === 'string') refs.push(value);
          else walk(value);
        }
      }
    };
    walk(doc);
    expect(refs.length).toBeGreaterThan(100);
    const unresolved = [...new Set(refs)].filter((ref) => {
      const [, section, name] = /^#\/components\/(\w+)\/(.+)$/.exec(ref) ?? [];
      return !section || !(doc.components as Record<string, Record<string, unknown>>)[section]?.[name];
    });
    expect(unresolved).toEqual([]);
  });
});
