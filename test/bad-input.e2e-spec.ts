import { randomUUID } from 'node:crypto';
import { caseBody, intake, openCase } from './support/cases.js';
import { bearer, createAgent, createApiKey, createShop, expectProblem, type AgentFixture, type ShopFixture } from './support/fixtures.js';
import { countWrites } from './support/db-writes.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/**
 * One test per family of bad input that an independent black-box test found answering 500. Each sends
 * what that test sent, expects a 4xx problem naming what is wrong, and checks nothing was written.
 */
describe('bad input is a client error, never a 500', () => {
  let t: TestApp;
  let shop: ShopFixture;
  let key: string;
  let supervisor: AgentFixture;
  let agent: AgentFixture;

  beforeAll(async () => {
    t = await createTestApp();
    shop = await createShop(t);
    key = (await createApiKey(t, shop.id)).key;
    supervisor = await createAgent(t, shop, 'supervisor');
    agent = await createAgent(t, shop, 'agent');
  });
  afterAll(() => t.close());

  /** Runs `send` and expects no table of the shop's data to have changed. */
  async function unchanged<T>(send: () => Promise<T>): Promise<T> {
    const before = await countWrites(t.databaseUrl);
    const result = await send();
    expect(await countWrites(t.databaseUrl)).toEqual(before);
    return result;
  }

  it('should refuse a refund or return of 0 naming requestedAmount', async () => {
    for (const type of ['refund', 'return'] as const) {
      const res = await unchanged(() => intake(t, key).send(caseBody(t, { type, requestedAmount: 0 })));
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'requestedAmount' })]);
    }
    // a complaint asks for no money: 0 stays valid there
    expect((await intake(t, key).send(caseBody(t, { type: 'complaint', requestedAmount: 0 }))).status).toBe(201);
  });

  describe('deeply nested JSON', () => {
    const nested = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
    const nestedArrays = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

    it.each([
      ['POST /v1/auth/login', 'post', (): string => '/v1/auth/login', (): Record<string, string> => ({})],
      ['POST /v1/cases', 'post', (): string => '/v1/cases', (): Record<string, string> => ({ ...bearer(key), 'Idempotency-Key': randomUUID() })],
      ['PATCH /v1/shops/:id', 'patch', (): string => `/v1/shops/${shop.id}`, (): Record<string, string> => bearer(t.adminToken)],
    ] as const)('should answer %s with 400 BODY_TOO_DEEP', async (_name, method, path, headers) => {
      for (const body of [nested(5000), nestedArrays(3000)]) {
        const res = await unchanged(() => t.http[method](path()).set(headers()).set('content-type', 'application/json').send(body));
        expectProblem(res, 400, 'BODY_TOO_DEEP');
      }
    });

    it('should still take bodies nested as deep as real requests', async () => {
      const deep = { policy: { merchantResponseHours: 48 } };
      const res = await t.http.patch(`/v1/shops/${shop.id}`).set(bearer(t.adminToken)).send(deep);
      expect(res.status).toBe(200);
    });
  });

  it.each([
    ['shop name', () => `/v1/shops/${shop.id}`, { name: null }, 'name'],
    ['shop time zone', () => `/v1/shops/${shop.id}`, { timezone: null }, 'timezone'],
    ['shop policy', () => `/v1/shops/${shop.id}`, { policy: null }, 'policy'],
    ['a policy window', () => `/v1/shops/${shop.id}`, { policy: { merchantResponseHours: null } }, 'policy.merchantResponseHours'],
    ['shop distribution', () => `/v1/shops/${shop.id}`, { distributionEnabled: null }, 'distributionEnabled'],
    ['agent display name', () => `/v1/shops/${shop.id}/agents/${agent.id}`, { displayName: null }, 'displayName'],
  ])('should refuse null for the %s naming the field', async (_name, path, body, field) => {
    const res = await unchanged(() => t.http.patch(path()).set(bearer(t.adminToken)).send(body));
    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('should keep null where it means something (an agent without a case limit)', async () => {
    const res = await t.http.patch(`/v1/shops/${shop.id}/agents/${agent.id}`).set(bearer(t.adminToken)).send({ maxOpenCases: null });
    expect(res.status).toBe(200);
  });

  describe('timestamps PostgreSQL cannot hold', () => {
    it.each([
      ['year 0', '0000-01-01T00:00:00Z'],
      ['year 9999, whose 48 h window ends in year 10000', '9999-12-31T12:00:00Z'],
      ['an offset of +23:59', '2026-11-02T09:00:00+23:59'],
      ['an offset of -15:00', '2026-11-02T09:00:00-15:00'],
    ])('should refuse %s as requestedAt', async (_name, requestedAt) => {
      const res = await unchanged(() => intake(t, key).send(caseBody(t, { requestedAt })));
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'requestedAt' })]);
    });

    it('should refuse them in order updates, queries and exports', async () => {
      const opened = await openCase(t, key);
      const order = await t.http
        .patch(`/v1/orders/${opened.orderId}`)
        .set(bearer(key))
        .set('Idempotency-Key', randomUUID())
        .send({ shippedAt: '0000-01-01T00:00:00Z' });
      expectProblem(order, 400, 'VALIDATION_FAILED');
      const list = await t.http.get('/v1/cases').query({ dueBefore: '9999-12-31T23:59:59+23:59' }).set(bearer(supervisor.token));
      expectProblem(list, 400, 'VALIDATION_FAILED');
      const exported = await t.http.get('/v1/audit/export').query({ from: '0000-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }).set(bearer(supervisor.token));
      expectProblem(exported, 400, 'VALIDATION_FAILED');
    });
  });

  describe('the NUL character in a path or query parameter', () => {
    it.each([
      ['a case id', () => `/v1/cases/%00`],
      ['a case id with text', () => `/v1/cases/abc%00def/events`],
      ['an order id', () => `/v1/orders/ORD%00`],
      ['a shop id', () => `/v1/shops/%00`],
      ['a webhook message id', () => `/v1/webhooks/messages/1%00`],
      ['a query parameter', () => `/v1/cases?orderId=ORD%00`],
      ['a buyer search', () => `/v1/cases?state=%00`],
      ['a queue filter', () => `/v1/queue?cursor=%00`],
    ])('should refuse it in %s with 400', async (_name, path) => {
      const token = path().startsWith('/v1/orders') || path().startsWith('/v1/webhooks') ? key : supervisor.token;
      const res = await t.http.get(path()).set(bearer(token));
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    });

    it('should name the parameter', async () => {
      const res = await t.http.get('/v1/orders/ORD%00').set(bearer(key));
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'orderId' })]);
      const query = await t.http.get('/v1/cases?orderId=ORD%00').set(bearer(supervisor.token));
      expectProblem(query, 400, 'VALIDATION_FAILED');
      expect(query.body.errors).toEqual([expect.objectContaining({ field: 'orderId' })]);
    });
  });

  describe('crafted cursors', () => {
    const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8').toString('base64url');

    it.each([
      ['a case list cursor with an id that is no UUID', '/v1/cases', { at: '2026-11-02T09:00:00Z', id: 'x' }],
      ['a case list cursor with a year PostgreSQL cannot read', '/v1/cases', { at: '+275760-09-13T00:00:00.000Z', id: randomUUID() }],
      ['an access log cursor with a loose date', '/v1/audit/access-log', { at: '1', id: randomUUID() }],
      ['a queue cursor with a fractional amount', '/v1/queue', { dueAt: null, requestedAmount: 0.5, id: randomUUID() }],
      ['a change feed cursor beyond bigint', '/v1/changes', `99999999999999999999.${randomUUID()}.1`],
      ['a change feed cursor of 19 nines', '/v1/changes', `9999999999999999999.${randomUUID()}.1`],
      ['a change feed cursor with a seq past integer', '/v1/changes', `1.${randomUUID()}.9999999999`],
    ])('should refuse %s with INVALID_CURSOR', async (_name, path, cursor) => {
      const res = await t.http
        .get(path)
        .query({ cursor: b64(cursor) })
        .set(bearer(supervisor.token));
      expectProblem(res, 400, 'INVALID_CURSOR');
    });

    it('should refuse a webhook message cursor beyond bigint', async () => {
      const endpoint = await t.http
        .post('/v1/webhooks/endpoints')
        .set(bearer(key))
        .set('Idempotency-Key', randomUUID())
        .send({ url: 'https://receiver.example.com/hooks' });
      expect(endpoint.status).toBe(201);
      const res = await t.http.get(`/v1/webhooks/endpoints/${endpoint.body.id}/messages`).query({ cursor: '9999999999999999999' }).set(bearer(key));
      expectProblem(res, 400, 'INVALID_CURSOR');
    });
  });

  describe('a lone UTF-16 surrogate', () => {
    it.each([
      ['a value', '"buyerText":"\\ud800"', 'buyerText'],
      ['a value with the halves swapped', '"buyerText":"\\udc00\\ud800"', 'buyerText'],
      ['a nested value', '"buyerText":"ok","buyer":{"id":"b1","nickname":"\\ud83d"}', 'buyer.nickname'],
      ['a property name', '"buyerText":"ok","\\ud83d":"x"', '(body)'],
    ])('should refuse it in %s before the idempotency fingerprint', async (_name, fragment, field) => {
      // the fragment replaces buyerText; buyer (sent later in the body) is left out so the fragment's wins
      const { buyer: _buyer, ...rest } = caseBody(t, { buyerText: 'MARKER' });
      const body = JSON.stringify(rest).replace('"buyerText":"MARKER"', fragment.includes('"buyer"') ? fragment : `${fragment},"buyer":{"id":"b1"}`);
      const res = await unchanged(() => intake(t, key).set('content-type', 'application/json').send(body));
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    });

    it('should refuse it in an agent note too', async () => {
      const opened = await openCase(t, key);
      const res = await unchanged(() =>
        t.http
          .post(`/v1/cases/${opened.id}/events`)
          .set(bearer(supervisor.token))
          .set('content-type', 'application/json')
          .send('{"type":"CONTACT_BUYER","note":"\\ud800 您好"}'),
      );
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'note' })]);
    });

    it('should take a well-formed pair (an emoji)', async () => {
      const res = await intake(t, key).send(caseBody(t, { buyerText: '鞋底开胶了 😡' }));
      expect(res.status).toBe(201);
    });
  });
});
