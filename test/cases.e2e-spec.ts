import { DataSource } from 'typeorm';
import { AuditRepository } from '../src/audit/audit.repository.js';
import { caseBody, intake, openCase, send } from './support/cases.js';
import { bearer, createAgent, createApiKey, createShop, expectProblem, type AgentFixture, type ShopFixture } from './support/fixtures.js';
import { createTestApp, type TestApp } from './support/test-app.js';

describe('case lifecycle over HTTP', () => {
  let t: TestApp;
  let shop: ShopFixture;
  let key: string;
  let agent: AgentFixture;
  const orderOf = async (caseId: string) => (await t.http.get(`/v1/cases/${caseId}`).set(bearer(key))).body.order;

  beforeAll(async () => {
    t = await createTestApp();
    shop = await createShop(t, { platform: 'taobao' });
    key = (await createApiKey(t, shop.id)).key;
    agent = await createAgent(t, shop, 'agent');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('should open a refund case in open.contact with the merchant-response deadline 48 h after requestedAt', async () => {
    const requestedAt = new Date(t.clock.now().getTime() - 3 * 3_600_000).toISOString();
    const res = await intake(t, key).send(caseBody(t, { requestedAt }));
    expect(res.status).toBe(201);
    expect(res.headers.etag).toBe('"1"');
    expect(res.body).toMatchObject({
      type: 'refund',
      platform: 'taobao',
      state: 'open.contact',
      status: 'open',
      amounts: { requested: 29900, reserved: 0, refunded: 0 },
      reasons: { claimed: { code: 'quality_problem', category: 'quality' }, platformReason: '商品质量问题', verified: null },
    });
    expect(res.body.deadlines).toEqual([
      { timer: 'merchant-response', event: 'MERCHANT_RESPONSE_EXPIRED', dueAt: new Date(Date.parse(requestedAt) + 48 * 3_600_000).toISOString() },
    ]);
    expect(res.body.allowedEvents).toEqual(expect.arrayContaining(['CONTACT_BUYER', 'PROPOSE', 'BUYER_WITHDRAW']));
  });

  it('should take a refund through all six steps to archived/refunded', async () => {
    const opened = await openCase(t, key);
    await send(t, agent.token, opened.id, { type: 'CONTACT_BUYER', note: '已联系买家' });
    const verified = await send(t, agent.token, opened.id, { type: 'VERIFY', verifiedReasonCode: 'quality_problem', findings: '照片确认开胶' });
    expect(verified.reasons.verified).toMatchObject({ code: 'quality_problem', category: 'quality' });
    await send(t, agent.token, opened.id, { type: 'APOLOGISE', note: '非常抱歉给您带来不便' });
    const approved = await send(t, agent.token, opened.id, { type: 'PROPOSE', resolution: 'full_refund', note: '全额退款' });
    expect(approved).toMatchObject({ state: 'followUp.refunding', amounts: { reserved: 29900, refunded: 0 }, skippedSteps: [] });
    expect(approved.deadlines).toEqual([]);
    expect(approved.order).toMatchObject({ reservedTotal: 29900, refundedTotal: 0 });

    const done = await send(t, key, opened.id, { type: 'REFUND_EXECUTED', amount: 29900, refundId: 'RF-1' });
    expect(done).toMatchObject({ state: 'archived', status: 'archived', outcome: 'refunded', amounts: { reserved: 0, refunded: 29900 } });
    expect(done.order).toMatchObject({ reservedTotal: 0, refundedTotal: 29900 });
    expect(done.allowedEvents).toEqual([]);
  });

  it('should approve a refund-only case of an unshipped order straight from contact, recording the skipped steps', async () => {
    const opened = await openCase(t, key, { order: { status: 'unshipped', shippedAt: undefined } });
    const approved = await send(t, agent.token, opened.id, { type: 'PROPOSE', resolution: 'full_refund', note: '未发货，直接退款' });
    expect(approved.state).toBe('followUp.refunding');
    expect(approved.skippedSteps).toEqual(['contact', 'verify', 'apologise']);
    expect(approved.amounts.reserved).toBe(29900);
  });

  it('should refuse a partial refund without a verified reason, then allow it after VERIFY', async () => {
    const opened = await openCase(t, key);
    const refused = await t.http
      .post(`/v1/cases/${opened.id}/events`)
      .set(bearer(agent.token))
      .send({ type: 'PROPOSE', resolution: 'partial_refund', amount: 10000, note: '部分退款' });
    expectProblem(refused, 422, 'VERIFIED_REASON_REQUIRED');
    expect((await t.http.get(`/v1/cases/${opened.id}`).set(bearer(key))).body.version).toBe(opened.version);

    await send(t, agent.token, opened.id, { type: 'CONTACT_BUYER', note: '已联系' });
    await send(t, agent.token, opened.id, { type: 'VERIFY', verifiedReasonCode: 'quality_problem', findings: '轻微瑕疵' });
    const offered = await send(t, agent.token, opened.id, { type: 'PROPOSE', resolution: 'partial_refund', amount: 10000, note: '部分退款' });
    expect(offered.state).toBe('awaitingBuyer');
    expect(offered.amounts.reserved).toBe(0);
    const accepted = await send(t, key, opened.id, { type: 'BUYER_ACCEPT' });
    expect(accepted).toMatchObject({ state: 'followUp.refunding', amounts: { reserved: 10000 } });
    const done = await send(t, key, opened.id, { type: 'REFUND_EXECUTED', amount: 10000, refundId: 'RF-2' });
    expect(done.outcome).toBe('partially_refunded');
  });

  it('should take a return through shipment, receipt and refund', async () => {
    const opened = await openCase(t, key, { type: 'return' });
    const approved = await send(t, agent.token, opened.id, { type: 'PROPOSE', resolution: 'return_and_refund', note: '同意退货' });
    expect(approved.state).toBe('followUp.awaitingReturn');
    expect(approved.deadlines.map((d: { timer: string }) => d.timer)).toEqual(['buyer-return']);
    const shipped = await send(t, key, opened.id, { type: 'RETURN_SHIPPED', carrier: '顺丰速运', trackingNo: 'SF1234567890' });
    expect(shipped.state).toBe('followUp.returnInTransit');
    expect(shipped.deadlines.map((d: { timer: string }) => d.timer)).toEqual(['merchant-receipt']);
    const received = await send(t, agent.token, opened.id, { type: 'GOODS_RECEIVED', inspection: '商品完好' });
    expect(received.state).toBe('followUp.refunding');
    const done = await send(t, key, opened.id, { type: 'REFUND_EXECUTED', amount: 29900, refundId: 'RF-3' });
    expect(done).toMatchObject({ state: 'archived', outcome: 'refunded' });
  });

  it('should take an exchange through return and replacement shipment', async () => {
    const opened = await openCase(t, key, { type: 'exchange', requestedAmount: 0, reasonCode: 'wrong_item' });
    await send(t, agent.token, opened.id, { type: 'PROPOSE', resolution: 'exchange', note: '同意换货' });
    await send(t, key, opened.id, { type: 'RETURN_SHIPPED', carrier: '中通快递', trackingNo: 'ZT99887766' });
    const received = await send(t, agent.token, opened.id, { type: 'GOODS_RECEIVED', inspection: '收到退回商品' });
    expect(received.state).toBe('followUp.exchanging');
    const done = await send(t, agent.token, opened.id, { type: 'EXCHANGE_SHIPPED', carrier: '顺丰速运', trackingNo: 'SF000111' });
    expect(done).toMatchObject({ state: 'archived', outcome: 'exchanged', amounts: { reserved: 0, refunded: 0 } });
  });

  it('should take a complaint through the playbook to a resolved remedy, without any auto-approve deadline', async () => {
    const opened = await openCase(t, key, { type: 'complaint', requestedAmount: 0, reasonCode: 'logistics_delay' });
    expect(opened.deadlines).toEqual([]);
    await send(t, agent.token, opened.id, { type: 'CONTACT_BUYER', note: '联系买家' });
    await send(t, agent.token, opened.id, { type: 'VERIFY', verifiedReasonCode: 'logistics_delay', findings: '物流延误三天' });
    await send(t, agent.token, opened.id, { type: 'APOLOGISE', note: '抱歉' });
    const proposed = await send(t, agent.token, opened.id, { type: 'PROPOSE', resolution: 'compensation', note: '赠送优惠券' });
    expect(proposed.state).toBe('awaitingBuyer');
    const accepted = await send(t, key, opened.id, { type: 'BUYER_ACCEPT' });
    expect(accepted.state).toBe('followUp.remedying');
    const done = await send(t, agent.token, opened.id, { type: 'REMEDY_DONE', note: '优惠券已发放' });
    expect(done).toMatchObject({ state: 'archived', outcome: 'resolved' });
  });

  it('should archive a withdrawn case and release its reservation', async () => {
    const opened = await openCase(t, key, { type: 'return' });
    await send(t, agent.token, opened.id, { type: 'PROPOSE', resolution: 'return_and_refund', note: '同意退货' });
    expect((await orderOf(opened.id)).reservedTotal).toBe(29900);
    const withdrawn = await send(t, key, opened.id, { type: 'BUYER_WITHDRAW' });
    expect(withdrawn).toMatchObject({ state: 'archived', outcome: 'withdrawn', amounts: { reserved: 0 } });
    expect(withdrawn.order.reservedTotal).toBe(0);
    expect(withdrawn.deadlines).toEqual([]);
  });

  it('should refuse a return for an unshipped order and for refund-only goods with specific codes', async () => {
    const unshipped = await intake(t, key).send(caseBody(t, { type: 'return', order: { status: 'unshipped', shippedAt: undefined } }));
    expectProblem(unshipped, 422, 'ORDER_NOT_SHIPPED');
    const fresh = await intake(t, key).send(
      caseBody(t, { type: 'exchange', order: { items: [{ sku: 'APPLE-5KG', title: '烟台红富士 5kg', quantity: 1, unitPrice: 29900, goodsKind: 'fruit' }] } }),
    );
    expectProblem(fresh, 422, 'SPECIAL_GOODS_REFUND_ONLY');
    const refundOnly = await intake(t, key).send(
      caseBody(t, { type: 'refund', order: { items: [{ sku: 'APPLE-5KG', title: '烟台红富士 5kg', quantity: 1, unitPrice: 29900, goodsKind: 'fruit' }] } }),
    );
    expect(refundOnly.status).toBe(201);
  });

  it('should refuse a requested amount above what is refundable on the order', async () => {
    const res = await intake(t, key).send(caseBody(t, { requestedAmount: 30000 }));
    expectProblem(res, 422, 'AMOUNT_EXCEEDS_REFUNDABLE');
    expect(res.body.refundable).toBe(29900);
  });

  it('should name every invalid intake field', async () => {
    const res = await intake(t, key).send({
      type: 'refund',
      reasonCode: 'x',
      requestedAmount: -1,
      requestedAt: 'yesterday',
      buyer: {},
      order: { orderId: 'o', status: 'lost', paidTotal: 1.5, items: [] },
    });
    expectProblem(res, 400, 'VALIDATION_FAILED');
    const fields = new Set((res.body.errors as Array<{ field: string }>).map((e) => e.field));
    expect(fields).toEqual(new Set(['reasonCode', 'requestedAmount', 'requestedAt', 'buyer.id', 'order.status', 'order.paidTotal', 'order.items']));
  });

  it('should return the existing case for the same platform case id instead of a duplicate', async () => {
    const body = caseBody(t, { platformCaseId: 'TB-RF-DUP-1' });
    const first = await intake(t, key).send(body);
    const second = await intake(t, key).send({ ...body, buyerText: 'again' });
    expect([first.status, second.status]).toEqual([201, 200]);
    expect(second.body.id).toBe(first.body.id);
  });

  it('should answer a disallowed event with 409 and the allowed events, and a stale version with 412', async () => {
    const opened = await openCase(t, key);
    const notAllowed = await t.http.post(`/v1/cases/${opened.id}/events`).set(bearer(agent.token)).send({ type: 'GOODS_RECEIVED', inspection: 'x' });
    expectProblem(notAllowed, 409, 'EVENT_NOT_ALLOWED');
    expect(notAllowed.body.allowedEvents).toEqual(['CONTACT_BUYER', 'PROPOSE', 'BUYER_WITHDRAW', 'PLATFORM_INTERVENED']);
    expect(notAllowed.body.state).toBe('open.contact');

    const fresh = await t.http
      .post(`/v1/cases/${opened.id}/events`)
      .set(bearer(agent.token))
      .set('If-Match', `"${opened.version}"`)
      .send({ type: 'CONTACT_BUYER', note: 'a' });
    expect(fresh.status).toBe(200);
    const stale = await t.http
      .post(`/v1/cases/${opened.id}/events`)
      .set(bearer(agent.token))
      .set('If-Match', `"${opened.version}"`)
      .send({ type: 'VERIFY', verifiedReasonCode: 'quality_problem', findings: 'b' });
    expectProblem(stale, 412, 'VERSION_MISMATCH');
    expect(stale.body.currentVersion).toBe(opened.version + 1);
    expectProblem(
      await t.http.post(`/v1/cases/${opened.id}/events`).set(bearer(agent.token)).set('If-Match', 'banana').send({ type: 'APOLOGISE', note: 'c' }),
      400,
      'INVALID_IF_MATCH',
    );
  });

  it('should validate event payloads by type', async () => {
    const opened = await openCase(t, key);
    const unknown = await t.http.post(`/v1/cases/${opened.id}/events`).set(bearer(agent.token)).send({ type: 'MERCHANT_RESPONSE_EXPIRED' });
    expectProblem(unknown, 400, 'VALIDATION_FAILED');
    expect(unknown.body.errors[0].field).toBe('type');
    const bad = await t.http.post(`/v1/cases/${opened.id}/events`).set(bearer(agent.token)).send({ type: 'PROPOSE', resolution: 'everything', amount: 'lots' });
    expectProblem(bad, 400, 'VALIDATION_FAILED');
    expect(new Set(bad.body.errors.map((e: { field: string }) => e.field))).toEqual(new Set(['resolution', 'amount', 'note']));
  });

  it('should let agents record playbook steps and only the order system report buyer and money events', async () => {
    const opened = await openCase(t, key);
    expectProblem(
      await t.http.post(`/v1/cases/${opened.id}/events`).set(bearer(key)).send({ type: 'CONTACT_BUYER', note: 'x' }),
      403,
      'EVENT_SOURCE_FORBIDDEN',
    );
    expectProblem(await t.http.post(`/v1/cases/${opened.id}/events`).set(bearer(agent.token)).send({ type: 'BUYER_WITHDRAW' }), 403, 'EVENT_SOURCE_FORBIDDEN');
    const auditor = await createAgent(t, shop, 'auditor');
    expectProblem(await t.http.post(`/v1/cases/${opened.id}/events`).set(bearer(auditor.token)).send({ type: 'CONTACT_BUYER', note: 'x' }), 403, 'FORBIDDEN');
    expect((await t.http.get(`/v1/cases/${opened.id}`).set(bearer(auditor.token))).status).toBe(200);
  });

  it('should require a note to recode a quality reason to non-quality, and mark the recode', async () => {
    const opened = await openCase(t, key);
    await send(t, agent.token, opened.id, { type: 'CONTACT_BUYER', note: '已联系' });
    const withoutNote = await t.http
      .post(`/v1/cases/${opened.id}/events`)
      .set(bearer(agent.token))
      .send({ type: 'VERIFY', verifiedReasonCode: 'no_reason_7_days', findings: '买家承认不想要了' });
    expectProblem(withoutNote, 422, 'RECODE_NOTE_REQUIRED');
    const recoded = await send(t, agent.token, opened.id, {
      type: 'VERIFY',
      verifiedReasonCode: 'no_reason_7_days',
      findings: '买家承认不想要了',
      note: '聊天记录为证',
    });
    expect(recoded.reasons).toMatchObject({
      claimed: { category: 'quality' },
      verified: { code: 'no_reason_7_days', category: 'non_quality' },
      recodedToNonQuality: true,
    });
  });

  it('should never show a case of one shop to another shop', async () => {
    const opened = await openCase(t, key);
    const other = await createShop(t);
    const otherKey = (await createApiKey(t, other.id)).key;
    const otherAgent = await createAgent(t, other, 'supervisor');
    expectProblem(await t.http.get(`/v1/cases/${opened.id}`).set(bearer(otherKey)), 404, 'CASE_NOT_FOUND');
    expectProblem(await t.http.get(`/v1/cases/${opened.id}/events`).set(bearer(otherAgent.token)), 404, 'CASE_NOT_FOUND');
    expectProblem(
      await t.http.post(`/v1/cases/${opened.id}/events`).set(bearer(otherAgent.token)).send({ type: 'CONTACT_BUYER', note: 'x' }),
      404,
      'CASE_NOT_FOUND',
    );
    const list = await t.http.get('/v1/cases').set(bearer(otherKey));
    expect(list.body.items).toEqual([]);
  });

  it('should list cases by state, type and order with cursor pages', async () => {
    const lister = await createShop(t);
    const listerKey = (await createApiKey(t, lister.id)).key;
    const listerAgent = await createAgent(t, lister, 'agent');
    const refunds = [];
    for (let i = 0; i < 3; i++) {
      refunds.push(await openCase(t, listerKey));
      t.clock.advance(1000);
    }
    const complaint = await openCase(t, listerKey, { type: 'complaint', requestedAmount: 0 });
    await send(t, listerAgent.token, refunds[0].id, { type: 'PROPOSE', resolution: 'full_refund', note: 'ok' });

    const ids = async (query: Record<string, string | number>) =>
      (await t.http.get('/v1/cases').query(query).set(bearer(listerKey))).body.items.map((c: { id: string }) => c.id);
    expect(await ids({ type: 'complaint' })).toEqual([complaint.id]);
    expect(await ids({ state: 'followUp' })).toEqual([refunds[0].id]);
    expect(await ids({ state: 'open', type: 'refund' })).toEqual([refunds[1].id, refunds[2].id]);
    expect(await ids({ state: 'open.contact', type: 'refund' })).toEqual([refunds[1].id, refunds[2].id]);
    const orderId = (await t.http.get(`/v1/cases/${refunds[2].id}`).set(bearer(listerKey))).body.order.orderId;
    expect(await ids({ orderId })).toEqual([refunds[2].id]);
    expect(await ids({ dueBefore: new Date(t.clock.now().getTime() + 48 * 3_600_000).toISOString() })).toEqual([refunds[1].id, refunds[2].id]);

    const first = await t.http.get('/v1/cases').query({ limit: 3 }).set(bearer(listerKey));
    const second = await t.http.get('/v1/cases').query({ limit: 3, cursor: first.body.nextCursor }).set(bearer(listerKey));
    expect([...first.body.items, ...second.body.items].map((c: { id: string }) => c.id)).toEqual([...refunds, complaint].map((c) => c.id));
    expect(second.body.nextCursor).toBeNull();
  });

  it('should keep a hash-chained timeline that the database refuses to rewrite', async () => {
    const opened = await openCase(t, key);
    await send(t, agent.token, opened.id, { type: 'CONTACT_BUYER', note: '已联系' });
    await send(t, agent.token, opened.id, { type: 'PROPOSE', resolution: 'full_refund', note: '退款' });
    const timeline = (await t.http.get(`/v1/cases/${opened.id}/events`).set(bearer(agent.token))).body;
    expect(timeline.map((e: { type: string }) => e.type)).toEqual(['CASE_OPENED', 'CONTACT_BUYER', 'PROPOSE']);
    expect(timeline[1]).toMatchObject({
      seq: 2,
      actor: { kind: 'agent', id: agent.id },
      fromState: 'open.contact',
      toState: 'open.verify',
      payload: { note: '已联系' },
    });
    expect(timeline[0].actor).toMatchObject({ kind: 'integration' });
    for (let i = 1; i < timeline.length; i++) expect(timeline[i].prevHash).toBe(timeline[i - 1].hash);

    const db = t.app.get(DataSource);
    const audit = t.app.get(AuditRepository);
    expect(await audit.verifyCase(db.manager, shop.id, opened.id)).toEqual({ events: 3, firstBroken: null });
    await expect(db.query(`UPDATE case_events SET payload = '{}' WHERE case_id = $1`, [opened.id])).rejects.toThrow(/append-only/);
    await expect(db.query(`DELETE FROM case_events WHERE case_id = $1`, [opened.id])).rejects.toThrow(/append-only/);

    // Behind the trigger's back, a rewritten payload breaks the chain exactly at that event.
    await db.transaction(async (tx) => {
      await tx.query(`ALTER TABLE case_events DISABLE TRIGGER case_events_append_only`);
      await tx.query(`UPDATE case_events SET payload = '{"note":"改过的"}' WHERE case_id = $1 AND seq = 2`, [opened.id]);
      await tx.query(`ALTER TABLE case_events ENABLE TRIGGER case_events_append_only`);
    });
    expect(await audit.verifyCase(db.manager, shop.id, opened.id)).toEqual({ events: 3, firstBroken: { seq: 2, reason: 'hash does not match the content' } });
  });

  it('should describe the machine and the reason taxonomy', async () => {
    const machine = await t.http.get('/v1/machine').set(bearer(agent.token));
    expect(machine.status).toBe(200);
    expect(machine.body.states.map((s: { path: string }) => s.path)).toEqual(
      expect.arrayContaining(['open.contact', 'awaitingBuyer', 'followUp.refunding', 'dispute.evidence', 'archived']),
    );
    const mermaid = await t.http.get('/v1/machine/mermaid').set(bearer(agent.token));
    expect(mermaid.text).toMatch(/^stateDiagram-v2/);
    const openapi = await t.http.get('/docs/json');
    const eventsBody = openapi.body.paths['/v1/cases/{caseId}/events'].post.requestBody.content['application/json'];
    expect(Object.keys(eventsBody.schema.discriminator.mapping)).toEqual(expect.arrayContaining(['CONTACT_BUYER', 'PROPOSE', 'REFUND_EXECUTED']));
    const reasons = await t.http.get('/v1/reasons').set(bearer(key));
    expect(reasons.body.reasons.filter((r: { category: string }) => r.category === 'quality')).toHaveLength(7);
  });
});
