import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { IdempotencyPurger } from '../src/platform/idempotency/idempotency.module.js';
import { caseBody, intake, openCase } from './support/cases.js';
import { bearer, createAgent, createApiKey, createShop, expectProblem, type ShopFixture } from './support/fixtures.js';
import { createTestApp, type TestApp } from './support/test-app.js';

describe('idempotent integration calls', () => {
  let t: TestApp;
  let shop: ShopFixture;
  let key: string;
  const casesOfOrder = async (orderId: string) => (await t.http.get('/v1/cases').query({ orderId }).set(bearer(key))).body.items as Array<{ id: string }>;

  beforeAll(async () => {
    t = await createTestApp({ IDEMPOTENCY_WAIT_MS: '5000', DB_POOL_SIZE: '10' });
    shop = await createShop(t);
    key = (await createApiKey(t, shop.id)).key;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('should refuse intake without an Idempotency-Key', async () => {
    const res = await t.http.post('/v1/cases').set(bearer(key)).send(caseBody(t));
    expectProblem(res, 400, 'IDEMPOTENCY_KEY_REQUIRED');
  });

  it('should not ask agents for a key', async () => {
    const agent = await createAgent(t, shop, 'agent');
    const res = await t.http
      .post('/v1/cases')
      .set(bearer(agent.token))
      .send(caseBody(t, { type: 'complaint', requestedAmount: 0 }));
    expect(res.status).toBe(201);
  });

  it('should replay the stored status and body for the same key and body, creating one case', async () => {
    const body = caseBody(t);
    const idempotencyKey = randomUUID();
    const first = await intake(t, key, idempotencyKey).send(body);
    const second = await intake(t, key, idempotencyKey).send(body);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.text).toBe(first.text);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(await casesOfOrder((body.order as { orderId: string }).orderId)).toHaveLength(1);
  });

  it('should refuse the same key with a different body (422) and leave nothing behind', async () => {
    const idempotencyKey = randomUUID();
    const body = caseBody(t);
    expect((await intake(t, key, idempotencyKey).send(body)).status).toBe(201);
    const other = caseBody(t);
    const res = await intake(t, key, idempotencyKey).send(other);
    expectProblem(res, 422, 'IDEMPOTENCY_KEY_REUSED');
    expect(await casesOfOrder((other.order as { orderId: string }).orderId)).toHaveLength(0);
  });

  it('should replay a refusal exactly, problem and all', async () => {
    const idempotencyKey = randomUUID();
    const body = caseBody(t, { requestedAmount: 99_999_999 });
    const first = await intake(t, key, idempotencyKey).send(body);
    const second = await intake(t, key, idempotencyKey).send(body);
    expectProblem(first, 422, 'AMOUNT_EXCEEDS_REFUNDABLE');
    expect(second.status).toBe(422);
    const { instance: _i1, requestId: _r1, ...firstProblem } = first.body;
    const { instance: _i2, requestId: _r2, ...secondProblem } = second.body;
    expect(secondProblem).toEqual(firstProblem);
  });

  it('should answer 100 concurrent identical requests with one case and equal responses', async () => {
    const idempotencyKey = randomUUID();
    const body = caseBody(t);
    const responses = await Promise.all(Array.from({ length: 100 }, () => intake(t, key, idempotencyKey).send(body)));
    expect(new Set(responses.map((r) => r.status))).toEqual(new Set([201]));
    expect(new Set(responses.map((r) => r.text)).size).toBe(1);
    expect(await casesOfOrder((body.order as { orderId: string }).orderId)).toHaveLength(1);
  }, 60_000);

  it('should answer 409 while the same key is still in flight, and take over a claim whose lease ran out', async () => {
    const waiting = await createTestApp({ IDEMPOTENCY_WAIT_MS: '200', IDEMPOTENCY_LEASE_SECONDS: '60' });
    try {
      const otherShop = await createShop(waiting);
      const otherKey = (await createApiKey(waiting, otherShop.id)).key;
      const idempotencyKey = randomUUID();
      const body = caseBody(waiting);
      // First attempt: claim the key as a request that is still running would.
      await intake(waiting, otherKey, idempotencyKey).send(body);
      await waiting.app
        .get(DataSource)
        .query(`UPDATE idempotency_keys SET state = 'in_flight', response_status = NULL, response_body = NULL, lease_until = $2 WHERE key = $1`, [
          idempotencyKey,
          new Date(waiting.clock.now().getTime() + 60_000),
        ]);
      expectProblem(await intake(waiting, otherKey, idempotencyKey).send(body), 409, 'IDEMPOTENCY_KEY_IN_FLIGHT');

      waiting.clock.advance(61_000);
      const retried = await intake(waiting, otherKey, idempotencyKey).send(body);
      // The platform case is the same order snapshot again: a new case, since the first attempt carried no platform case id.
      expect(retried.status).toBe(201);
    } finally {
      await waiting.close();
    }
  });

  it('should refuse a malformed key', async () => {
    expectProblem(await intake(t, key, 'has spaces').send(caseBody(t)), 400, 'IDEMPOTENCY_KEY_INVALID');
  });

  it('should replay events sent with a key, applying them once', async () => {
    const opened = await openCase(t, key, { type: 'return' });
    const agent = await createAgent(t, shop, 'agent');
    await t.http.post(`/v1/cases/${opened.id}/events`).set(bearer(agent.token)).send({ type: 'PROPOSE', resolution: 'return_and_refund', note: 'ok' });
    const idempotencyKey = randomUUID();
    const event = { type: 'RETURN_SHIPPED', carrier: '顺丰速运', trackingNo: 'SF1' };
    const first = await t.http.post(`/v1/cases/${opened.id}/events`).set(bearer(key)).set('Idempotency-Key', idempotencyKey).send(event);
    const second = await t.http.post(`/v1/cases/${opened.id}/events`).set(bearer(key)).set('Idempotency-Key', idempotencyKey).send(event);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(second.body).toEqual(first.body);
    const timeline = (await t.http.get(`/v1/cases/${opened.id}/events`).set(bearer(key))).body as Array<{ type: string }>;
    expect(timeline.filter((e) => e.type === 'RETURN_SHIPPED')).toHaveLength(1);
  });

  it('should keep keys for the configured hours and purge them after', async () => {
    const idempotencyKey = randomUUID();
    await intake(t, key, idempotencyKey).send(caseBody(t));
    const count = async () => Number((await t.app.get(DataSource).query(`SELECT count(*) AS n FROM idempotency_keys WHERE key = $1`, [idempotencyKey]))[0].n);
    t.clock.advance(23 * 3_600_000);
    await t.app.get(IdempotencyPurger).purge();
    expect(await count()).toBe(1);
    t.clock.advance(2 * 3_600_000);
    await t.app.get(IdempotencyPurger).purge();
    expect(await count()).toBe(0);
  });
});
