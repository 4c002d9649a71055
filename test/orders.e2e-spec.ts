import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditRepository } from '../src/audit/audit.repository.js';
import { caseBody, openCase, readChangesUntil, send, type TimelineEntry } from './support/cases.js';
import { bearer, createAgent, createApiKey, createShop, expectProblem, type AgentFixture, type ShopFixture } from './support/fixtures.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const HOUR = 3_600_000;

const TIMEOUT = 60_000;

describe('order updates (GET/PATCH /v1/orders/:orderId)', () => {
  let t: TestApp;
  let shop: ShopFixture;
  let key: string;
  let keyId: string;
  let agent: AgentFixture;

  beforeAll(async () => {
    t = await createTestApp({ SESSION_TTL_HOURS: '2000' });
    shop = await createShop(t);
    const apiKey = await createApiKey(t, shop.id);
    key = apiKey.key;
    keyId = apiKey.id;
    agent = await createAgent(t, shop, 'supervisor');
  }, TIMEOUT);
  afterAll(async () => {
    await t?.close();
  }, TIMEOUT);

  const patchOrder = (orderId: string, body: unknown, token = key) =>
    t.http
      .patch(`/v1/orders/${encodeURIComponent(orderId)}`)
      .set(bearer(token))
      .send(body as object);
  const getOrder = (orderId: string, token = key) => t.http.get(`/v1/orders/${encodeURIComponent(orderId)}`).set(bearer(token));
  const getCase = async (caseId: string) => (await t.http.get(`/v1/cases/${caseId}`).set(bearer(key))).body;
  async function timelineOf(caseId: string): Promise<TimelineEntry[]> {
    const res = await t.http.get(`/v1/cases/${caseId}/events`).set(bearer(key));
    if (res.status !== 200) throw new Error(`timeline: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }
  const propose = (caseId: string, body: Record<string, unknown>) =>
    t.http
      .post(`/v1/cases/${caseId}/events`)
      .set(bearer(agent.token))
      .send({ type: 'PROPOSE', ...body });
  const newOrderId = () => `ORD-${randomBytes(5).toString('hex')}`;

  /** What a refused request must leave as it was: the order view, and each case's version and timeline. */
  async function stateOf(orderId: string, caseIds: string[]) {
    const order = await getOrder(orderId);
    expect(order.status).toBe(200);
    const cases = await Promise.all(caseIds.map(async (id) => ({ id, version: (await getCase(id)).version, timeline: await timelineOf(id) })));
    return { order: order.body, cases };
  }

  it(
    'should show the order as reported at intake, with its money and its cases, to the API key and every agent role',
    async () => {
      const body = caseBody(t, { requestedAmount: 10000 });
      const order = body.order as Record<string, unknown>;
      const opened = await openCase(t, key, body);
      const res = await getOrder(order.orderId as string);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        orderId: order.orderId,
        status: 'shipped',
        currency: 'CNY',
        paidTotal: 29900,
        reservedTotal: 0,
        refundedTotal: 0,
        refundable: 29900,
        shippedAt: order.shippedAt,
        items: [{ sku: 'SKU-RED-42', title: '男士运动鞋 红色 42码', quantity: 1, unitPrice: 29900, goodsKind: 'standard' }],
        cases: [{ id: opened.id, state: 'open.contact', version: 1 }],
      });

      for (const role of ['agent', 'supervisor', 'auditor'] as const) {
        const staff = await createAgent(t, shop, role);
        const seen = await getOrder(order.orderId as string, staff.token);
        expect({ role, status: seen.status, body: seen.body }).toEqual({ role, status: 200, body: res.body });
        // Only the order system reports order changes.
        expectProblem(await patchOrder(order.orderId as string, { status: 'delivered' }, staff.token), 403, 'FORBIDDEN');
      }
      expectProblem(await patchOrder(order.orderId as string, { status: 'delivered' }, t.adminToken), 403, 'FORBIDDEN');
      expect((await t.http.patch(`/v1/orders/${order.orderId as string}`).send({ status: 'delivered' })).status).toBe(401);
      expect(await getOrder(order.orderId as string)).toMatchObject({ status: 200, body: res.body });
      expect((await getCase(opened.id)).version).toBe(1);
    },
    TIMEOUT,
  );

  it(
    'should record a shipment as ORDER_UPDATED on the open case (timeline and change feed), after which a return can be proposed',
    async () => {
      const own = await createShop(t);
      const ownKey = await createApiKey(t, own.id);
      const supervisor = await createAgent(t, own, 'supervisor');
      const orderId = newOrderId();
      const opened = await openCase(t, ownKey.key, { order: { orderId, status: 'unshipped', shippedAt: undefined } });
      const proposeReturn = () =>
        t.http
          .post(`/v1/cases/${opened.id}/events`)
          .set(bearer(supervisor.token))
          .send({ type: 'PROPOSE', resolution: 'return_and_refund', note: '同意退货退款' });

      // Not shipped: a return cannot be offered.
      const before = await proposeReturn();
      expectProblem(before, 422, 'RETURN_NOT_ELIGIBLE');
      expect((await t.http.get(`/v1/cases/${opened.id}`).set(bearer(ownKey.key))).body.version).toBe(1);

      const shippedAt = new Date(t.clock.now().getTime() - 2 * HOUR).toISOString();
      const res = await t.http.patch(`/v1/orders/${orderId}`).set(bearer(ownKey.key)).send({ status: 'shipped', shippedAt });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        orderId,
        status: 'shipped',
        currency: 'CNY',
        paidTotal: 29900,
        reservedTotal: 0,
        refundedTotal: 0,
        refundable: 29900,
        shippedAt,
        items: [{ sku: 'SKU-RED-42', title: '男士运动鞋 红色 42码', quantity: 1, unitPrice: 29900, goodsKind: 'standard' }],
        cases: [{ id: opened.id, state: 'open.contact', version: 2 }],
      });
      expect((await t.http.get(`/v1/orders/${orderId}`).set(bearer(ownKey.key))).body).toEqual(res.body);

      const updatedCase = await t.http.get(`/v1/cases/${opened.id}`).set(bearer(ownKey.key));
      expect(updatedCase.headers.etag).toBe('"2"');
      expect(updatedCase.body).toMatchObject({ version: 2, state: 'open.contact', order: { orderId, status: 'shipped', paidTotal: 29900 } });

      const timeline: TimelineEntry[] = (await t.http.get(`/v1/cases/${opened.id}/events`).set(bearer(ownKey.key))).body;
      expect(timeline.map((e) => e.type)).toEqual(['CASE_OPENED', 'ORDER_UPDATED']);
      expect(timeline[1]).toMatchObject({
        seq: 2,
        type: 'ORDER_UPDATED',
        actor: { kind: 'integration', id: ownKey.id },
        fromState: 'open.contact',
        toState: 'open.contact',
      });
      expect(timeline[1].payload).toEqual({ orderId, changes: { status: { from: 'unshipped', to: 'shipped' }, shippedAt: { from: null, to: shippedAt } } });

      const feed = await readChangesUntil(t, ownKey.key, { expected: 2 });
      expect(feed.items.map((i) => [i.caseId, i.version, i.type])).toEqual([
        [opened.id, 1, 'CASE_OPENED'],
        [opened.id, 2, 'ORDER_UPDATED'],
      ]);
      expect(feed.items[1]).toMatchObject({ orderId, actor: { kind: 'integration', id: ownKey.id }, payload: timeline[1].payload });

      // Shipped now: the same proposal is accepted (a refund case offered a return waits for the buyer).
      const after = await proposeReturn();
      expect(after.status).toBe(200);
      expect(after.body).toMatchObject({ state: 'awaitingBuyer', version: 3, proposal: { resolution: 'return_and_refund', amount: 29900 } });
      const accepted = await send(t, ownKey.key, opened.id, { type: 'BUYER_ACCEPT' });
      expect(accepted).toMatchObject({ state: 'followUp.awaitingReturn', amounts: { reserved: 29900 } });
      expect((await t.http.get(`/v1/orders/${orderId}`).set(bearer(ownKey.key))).body).toMatchObject({ reservedTotal: 29900, refundable: 0 });
    },
    TIMEOUT,
  );

  it(
    'should refuse a return once the order reports refund-only goods, while a refund stays possible',
    async () => {
      const orderId = newOrderId();
      const opened = await openCase(t, key, { type: 'return', order: { orderId } });
      const originalItems = (await getOrder(orderId)).body.items;
      const fruit = [{ sku: 'APPLE-5KG', title: '烟台红富士 5kg', quantity: 1, unitPrice: 29900, goodsKind: 'fruit' }];

      const res = await patchOrder(orderId, { items: fruit });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ items: fruit, status: 'shipped', cases: [{ id: opened.id, state: 'open.contact', version: 2 }] });
      const timeline = await timelineOf(opened.id);
      expect(timeline[1]).toMatchObject({ type: 'ORDER_UPDATED', fromState: 'open.contact', toState: 'open.contact' });
      expect(timeline[1].payload).toEqual({ orderId, changes: { items: { from: originalItems, to: fruit } } });

      expectProblem(await propose(opened.id, { resolution: 'return_and_refund', note: '退货' }), 422, 'RETURN_NOT_ELIGIBLE');
      expect((await getCase(opened.id)).version).toBe(2);
      const refunded = await propose(opened.id, { resolution: 'full_refund', note: '仅退款' });
      expect(refunded.status).toBe(200);
      expect(refunded.body).toMatchObject({ state: 'followUp.refunding', version: 3, amounts: { reserved: 29900 } });
    },
    TIMEOUT,
  );

  it(
    'should hold proposals to a lowered paid total',
    async () => {
      const orderId = newOrderId();
      const opened = await openCase(t, key, { order: { orderId } });

      const res = await patchOrder(orderId, { paidTotal: 20000 });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ paidTotal: 20000, reservedTotal: 0, refundedTotal: 0, refundable: 20000, cases: [{ id: opened.id, version: 2 }] });
      expect((await timelineOf(opened.id))[1]).toMatchObject({
        type: 'ORDER_UPDATED',
        payload: { orderId, changes: { paidTotal: { from: 29900, to: 20000 } } },
      });

      // The buyer asked for 29,900 but only 20,000 was paid now.
      expectProblem(await propose(opened.id, { resolution: 'full_refund', note: '全额退款' }), 422, 'AMOUNT_EXCEEDS_PAID');
      expect((await getCase(opened.id)).version).toBe(2);

      await send(t, agent.token, opened.id, { type: 'CONTACT_BUYER', note: '联系' });
      await send(t, agent.token, opened.id, { type: 'VERIFY', verifiedReasonCode: 'quality_problem', findings: '核实' });
      expectProblem(await propose(opened.id, { resolution: 'partial_refund', amount: 20001, note: '部分退款' }), 422, 'AMOUNT_EXCEEDS_PAID');
      const offered = await propose(opened.id, { resolution: 'partial_refund', amount: 20000, note: '部分退款' });
      expect(offered.status).toBe(200);
      expect(offered.body).toMatchObject({ state: 'awaitingBuyer', proposal: { resolution: 'partial_refund', amount: 20000 } });
    },
    TIMEOUT,
  );

  it(
    'should refuse a status going back with 409 ORDER_STATUS_REGRESSION and write nothing',
    async () => {
      const orderId = newOrderId();
      const opened = await openCase(t, key, { order: { orderId, status: 'delivered' } });
      const before = await stateOf(orderId, [opened.id]);

      const back = await patchOrder(orderId, { status: 'shipped', paidTotal: 10000 });
      expectProblem(back, 409, 'ORDER_STATUS_REGRESSION');
      expect(back.body.currentStatus).toBe('delivered');
      expectProblem(await patchOrder(orderId, { status: 'unshipped' }), 409, 'ORDER_STATUS_REGRESSION');
      expect(await stateOf(orderId, [opened.id])).toEqual(before);

      // Forward is fine, and `closed` may follow any status; nothing follows `closed`.
      expect((await patchOrder(orderId, { status: 'completed' })).body).toMatchObject({ status: 'completed', cases: [{ id: opened.id, version: 2 }] });
      expect((await patchOrder(orderId, { status: 'closed' })).body).toMatchObject({ status: 'closed', cases: [{ id: opened.id, version: 3 }] });
      const reopened = await patchOrder(orderId, { status: 'delivered' });
      expectProblem(reopened, 409, 'ORDER_STATUS_REGRESSION');
      expect(reopened.body.currentStatus).toBe('closed');
      const timeline = await timelineOf(opened.id);
      expect(timeline.map((e) => e.type)).toEqual(['CASE_OPENED', 'ORDER_UPDATED', 'ORDER_UPDATED']);
      expect(timeline.slice(1).map((e) => e.payload.changes)).toEqual([
        { status: { from: 'delivered', to: 'completed' } },
        { status: { from: 'completed', to: 'closed' } },
      ]);
      expect((await getOrder(orderId)).body).toMatchObject({ status: 'closed', paidTotal: 29900 });
    },
    TIMEOUT,
  );

  it(
    'should refuse a paid total below the reserved and refunded money with 409 ORDER_MONEY_CONFLICT, and leave archived cases alone',
    async () => {
      const orderId = newOrderId();
      const opened = await openCase(t, key, { order: { orderId } });
      await propose(opened.id, { resolution: 'full_refund', note: '全额退款' }).expect(200);
      const before = await stateOf(orderId, [opened.id]);
      expect(before.order).toMatchObject({ paidTotal: 29900, reservedTotal: 29900, refundable: 0 });

      const below = await patchOrder(orderId, { paidTotal: 29899 });
      expectProblem(below, 409, 'ORDER_MONEY_CONFLICT');
      expect(below.body).toMatchObject({ reservedTotal: 29900, refundedTotal: 0 });
      expectProblem(await patchOrder(orderId, { status: 'delivered', paidTotal: 100 }), 409, 'ORDER_MONEY_CONFLICT');
      expect(await stateOf(orderId, [opened.id])).toEqual(before);

      // Raising it, and lowering it back to exactly what is reserved, are fine (the case is approved, not archived).
      expect((await patchOrder(orderId, { paidTotal: 30000 })).body).toMatchObject({
        paidTotal: 30000,
        refundable: 100,
        cases: [{ id: opened.id, state: 'followUp.refunding', version: 3 }],
      });
      expect((await patchOrder(orderId, { paidTotal: 29900 })).body).toMatchObject({ paidTotal: 29900, refundable: 0, cases: [{ id: opened.id, version: 4 }] });

      const done = await send(t, key, opened.id, { type: 'REFUND_EXECUTED', amount: 29900, refundId: 'RF-ORD-1' });
      expect(done).toMatchObject({ state: 'archived', version: 5 });
      const refundedBelow = await patchOrder(orderId, { paidTotal: 29899 });
      expectProblem(refundedBelow, 409, 'ORDER_MONEY_CONFLICT');
      expect(refundedBelow.body).toMatchObject({ reservedTotal: 0, refundedTotal: 29900 });

      // The order still takes news, but its archived case records nothing.
      const delivered = await patchOrder(orderId, { status: 'delivered' });
      expect(delivered.status).toBe(200);
      expect(delivered.body).toMatchObject({ status: 'delivered', refundedTotal: 29900, cases: [{ id: opened.id, state: 'archived', version: 5 }] });
      expect((await timelineOf(opened.id)).map((e) => e.type)).toEqual(['CASE_OPENED', 'PROPOSE', 'ORDER_UPDATED', 'ORDER_UPDATED', 'REFUND_EXECUTED']);
    },
    TIMEOUT,
  );

  it(
    'should give every case of the order that is not archived an ORDER_UPDATED, and none to an archived one',
    async () => {
      const orderId = newOrderId();
      const withdrawn = await openCase(t, key, { requestedAmount: 10000, order: { orderId } });
      t.clock.advance(1000);
      const first = await openCase(t, key, { requestedAmount: 10000, order: { orderId } });
      t.clock.advance(1000);
      const second = await openCase(t, key, { requestedAmount: 10000, order: { orderId } });
      await send(t, key, withdrawn.id, { type: 'BUYER_WITHDRAW' });
      await send(t, agent.token, second.id, { type: 'CONTACT_BUYER', note: '联系' });

      const res = await patchOrder(orderId, { status: 'delivered' });
      expect(res.status).toBe(200);
      expect(res.body.cases).toEqual([
        { id: withdrawn.id, state: 'archived', version: 2 },
        { id: first.id, state: 'open.contact', version: 2 },
        { id: second.id, state: 'open.verify', version: 3 },
      ]);
      expect((await timelineOf(withdrawn.id)).map((e) => e.type)).toEqual(['CASE_OPENED', 'BUYER_WITHDRAW']);
      const payload = { orderId, changes: { status: { from: 'shipped', to: 'delivered' } } };
      expect((await timelineOf(first.id))[1]).toMatchObject({
        seq: 2,
        type: 'ORDER_UPDATED',
        actor: { kind: 'integration', id: keyId },
        fromState: 'open.contact',
        toState: 'open.contact',
        payload,
      });
      expect((await timelineOf(second.id))[2]).toMatchObject({ seq: 3, type: 'ORDER_UPDATED', fromState: 'open.verify', toState: 'open.verify', payload });
    },
    TIMEOUT,
  );

  it(
    'should keep the order on file when a later intake carries an older snapshot of it',
    async () => {
      const orderId = newOrderId();
      const first = await openCase(t, key, { requestedAmount: 5000, order: { orderId } });
      expect((await patchOrder(orderId, { status: 'delivered', paidTotal: 20000 })).status).toBe(200);

      // The second intake's snapshot is the one from before the update (shipped, 299.00 paid): it must not
      // bring the paid total back up, so 250.00 is more than is refundable.
      const stale = await t.http
        .post('/v1/cases')
        .set(bearer(key))
        .set('Idempotency-Key', randomUUID())
        .send(caseBody(t, { requestedAmount: 25000, order: { orderId } }));
      expectProblem(stale, 422, 'AMOUNT_EXCEEDS_REFUNDABLE');
      const second = await openCase(t, key, { requestedAmount: 15000, order: { orderId } });
      const order = (await getOrder(orderId)).body;
      expect(order).toMatchObject({ status: 'delivered', paidTotal: 20000 });
      expect(order.cases.map((c: { id: string }) => c.id).sort()).toEqual([first.id, second.id].sort());
      const timeline = await timelineOf(first.id);
      expect(timeline.map((e) => e.type)).toEqual(['CASE_OPENED', 'ORDER_UPDATED']);
    },
    TIMEOUT,
  );

  it(
    'should answer 404 ORDER_NOT_FOUND for an unknown order and for another shop’s order, touching neither',
    async () => {
      const missing = `NO-SUCH-${randomBytes(4).toString('hex')}`;
      expectProblem(await patchOrder(missing, { status: 'delivered' }), 404, 'ORDER_NOT_FOUND');
      expectProblem(await getOrder(missing), 404, 'ORDER_NOT_FOUND');

      const orderId = newOrderId();
      const mine = await openCase(t, key, { order: { orderId } });
      const before = await stateOf(orderId, [mine.id]);
      const other = await createShop(t);
      const otherKey = (await createApiKey(t, other.id)).key;
      expectProblem(await patchOrder(orderId, { status: 'delivered' }, otherKey), 404, 'ORDER_NOT_FOUND');
      expectProblem(await getOrder(orderId, otherKey), 404, 'ORDER_NOT_FOUND');

      // The other shop may know an order with the same id: its update is its own.
      const theirs = await openCase(t, otherKey, { order: { orderId, paidTotal: 50000 } });
      const res = await patchOrder(orderId, { status: 'delivered' }, otherKey);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ orderId, status: 'delivered', paidTotal: 50000, cases: [{ id: theirs.id, version: 2 }] });
      expect(await stateOf(orderId, [mine.id])).toEqual(before);
    },
    TIMEOUT,
  );

  it(
    'should write nothing for a report that changes nothing',
    async () => {
      const orderId = newOrderId();
      const body = caseBody(t, { order: { orderId } });
      const order = body.order as { shippedAt: string };
      const opened = await openCase(t, key, body);
      const before = await stateOf(orderId, [opened.id]);

      // The same instant written with another offset is the same shipping time.
      const shanghai = new Date(Date.parse(order.shippedAt) + 8 * HOUR).toISOString().replace('Z', '+08:00');
      for (const patch of [
        {},
        { status: 'shipped' },
        { paidTotal: 29900 },
        { shippedAt: shanghai },
        { status: 'shipped', paidTotal: 29900, shippedAt: order.shippedAt },
      ]) {
        const res = await patchOrder(orderId, patch);
        expect({ patch, status: res.status, body: res.body }).toEqual({ patch, status: 200, body: before.order });
      }
      expect(await stateOf(orderId, [opened.id])).toEqual(before);
    },
    TIMEOUT,
  );

  it(
    'should not count the same items, sent again, as a change',
    async () => {
      const orderId = newOrderId();
      const body = caseBody(t, { order: { orderId } });
      const opened = await openCase(t, key, body);
      const before = await stateOf(orderId, [opened.id]);

      const items = (body.order as { items: unknown[] }).items;
      const res = await patchOrder(orderId, { items });
      expect(res.status).toBe(200);
      expect(res.body).toEqual(before.order);
      expect(await stateOf(orderId, [opened.id])).toEqual(before);
    },
    TIMEOUT,
  );

  it(
    'should name each invalid field with 400 VALIDATION_FAILED and write nothing',
    async () => {
      const orderId = newOrderId();
      const opened = await openCase(t, key, { order: { orderId } });
      const before = await stateOf(orderId, [opened.id]);
      const cases: Array<[unknown, string[]]> = [
        [{ paidTotal: -1 }, ['paidTotal']],
        [{ paidTotal: 1.5 }, ['paidTotal']],
        [{ paidTotal: '29900' }, ['paidTotal']],
        [{ status: 'lost' }, ['status']],
        [{ shippedAt: 'yesterday' }, ['shippedAt']],
        [{ shippedAt: '2026-11-20T09:30:00' }, ['shippedAt']],
        [{ shippedAt: '2026-02-30T09:30:00Z' }, ['shippedAt']],
        [{ colour: 'red' }, ['colour']],
        [{ items: [] }, ['items']],
        [{ items: [{ sku: 'X', title: 'x', quantity: 0, unitPrice: 100 }] }, ['items.0.quantity']],
        [{ status: 'lost', paidTotal: -5, shippedAt: 'soon', extra: true }, ['status', 'paidTotal', 'shippedAt', 'extra']],
      ];
      for (const [patch, fields] of cases) {
        const res = await patchOrder(orderId, patch);
        expectProblem(res, 400, 'VALIDATION_FAILED');
        expect({ patch, fields: new Set((res.body.errors as Array<{ field: string }>).map((e) => e.field)) }).toEqual({ patch, fields: new Set(fields) });
      }
      expect(await stateOf(orderId, [opened.id])).toEqual(before);
    },
    TIMEOUT,
  );

  it(
    'should replay a retried update with the same Idempotency-Key instead of applying it twice',
    async () => {
      const orderId = newOrderId();
      const opened = await openCase(t, key, { order: { orderId } });
      const idempotencyKey = randomUUID();
      const first = await patchOrder(orderId, { paidTotal: 30000 }).set('Idempotency-Key', idempotencyKey);
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ paidTotal: 30000, cases: [{ id: opened.id, version: 2 }] });
      const retry = await patchOrder(orderId, { paidTotal: 30000 }).set('Idempotency-Key', idempotencyKey);
      expect(retry.status).toBe(200);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.body).toEqual(first.body);
      expectProblem(await patchOrder(orderId, { paidTotal: 31000 }).set('Idempotency-Key', idempotencyKey), 422, 'IDEMPOTENCY_KEY_REUSED');
      expect((await timelineOf(opened.id)).map((e) => e.type)).toEqual(['CASE_OPENED', 'ORDER_UPDATED']);
      expect((await getOrder(orderId)).body.paidTotal).toBe(30000);
    },
    TIMEOUT,
  );

  it(
    'should apply concurrent order updates and case events one after the other, each case keeping an unbroken timeline',
    async () => {
      const orderId = newOrderId();
      const a = await openCase(t, key, { requestedAmount: 10000, order: { orderId } });
      const b = await openCase(t, key, { requestedAmount: 10000, order: { orderId } });
      const chain = async (caseId: string) => {
        await send(t, agent.token, caseId, { type: 'CONTACT_BUYER', note: '联系' });
        await send(t, agent.token, caseId, { type: 'VERIFY', verifiedReasonCode: 'quality_problem', findings: '核实' });
        // Approves and reserves the money: the order row is written by the case event too.
        await send(t, agent.token, caseId, { type: 'PROPOSE', resolution: 'full_refund', note: '退款' });
      };
      const paidTotals = [30000, 31000, 32000, 33000];
      const [patched] = await Promise.all([
        Promise.all(paidTotals.map((paidTotal) => patchOrder(orderId, { paidTotal }).then((res) => ({ paidTotal, status: res.status, body: res.body })))),
        chain(a.id),
        chain(b.id),
      ]);
      expect(patched.filter((p) => p.status !== 200)).toEqual([]);

      const order = (await getOrder(orderId)).body;
      expect(order).toMatchObject({ reservedTotal: 20000, refundedTotal: 0, refundable: order.paidTotal - 20000 });
      const audit = t.app.get(AuditRepository);
      const db = t.app.get(DataSource);
      for (const c of [a, b]) {
        const timeline = await timelineOf(c.id);
        expect(timeline.map((e) => e.seq)).toEqual(timeline.map((_, i) => i + 1));
        expect(timeline.filter((e) => e.type !== 'ORDER_UPDATED').map((e) => e.type)).toEqual(['CASE_OPENED', 'CONTACT_BUYER', 'VERIFY', 'PROPOSE']);
        const steps = timeline
          .filter((e) => e.type === 'ORDER_UPDATED')
          .map((e) => (e.payload.changes as { paidTotal: { from: number; to: number } }).paidTotal);
        expect(steps.map((s) => s.to).sort()).toEqual(paidTotals);
        expect(steps[0].from).toBe(29900);
        for (let i = 1; i < steps.length; i++) expect(steps[i].from).toBe(steps[i - 1].to);
        expect(steps[steps.length - 1].to).toBe(order.paidTotal);
        // Each ORDER_UPDATED keeps the state it found.
        for (const e of timeline.filter((x) => x.type === 'ORDER_UPDATED')) expect(e.fromState).toBe(e.toState);
        expect(await audit.verifyCase(db.manager, shop.id, c.id)).toEqual({ events: timeline.length, firstBroken: null });
        expect(await getCase(c.id)).toMatchObject({ version: timeline.length, state: 'followUp.refunding', amounts: { reserved: 10000 } });
      }
    },
    TIMEOUT,
  );
});
