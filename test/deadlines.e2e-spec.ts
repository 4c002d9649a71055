import { DataSource } from 'typeorm';
import { caseBody, intake, openCase, send, sweeperOf } from './support/cases.js';
import { bearer, createAgent, createApiKey, createShop, type AgentFixture } from './support/fixtures.js';
import { createTestApp, startTestInstance, type TestApp } from './support/test-app.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('durable platform deadlines', () => {
  let t: TestApp;
  let key: string;
  let agent: AgentFixture;
  const get = async (caseId: string) => (await t.http.get(`/v1/cases/${caseId}`).set(bearer(key))).body;

  beforeAll(async () => {
    // The clock moves weeks in this file: keep agent sessions alive across it.
    t = await createTestApp({ SESSION_TTL_HOURS: String(24 * 90) });
    const shop = await createShop(t, { platform: 'pinduoduo' });
    key = (await createApiKey(t, shop.id)).key;
    agent = await createAgent(t, shop, 'agent');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('should auto-approve after 48 h of silence with the requested amount reserved', async () => {
    const opened = await openCase(t, key, { requestedAmount: 25000 });
    t.clock.advance(48 * HOUR - 1000);
    expect((await sweeperOf(t).runOnce()).fired).toBe(0);
    expect((await get(opened.id)).state).toBe('open.contact');

    t.clock.advance(1000);
    const swept = await sweeperOf(t).runOnce();
    expect(swept.fired).toBeGreaterThanOrEqual(1);
    const approved = await get(opened.id);
    expect(approved).toMatchObject({ state: 'followUp.refunding', approvedVia: 'auto', amounts: { reserved: 25000 } });
    expect(approved.order.reservedTotal).toBe(25000);

    const timeline = (await t.http.get(`/v1/cases/${opened.id}/events`).set(bearer(key))).body;
    expect(timeline[timeline.length - 1]).toMatchObject({ type: 'MERCHANT_RESPONSE_EXPIRED', actor: { kind: 'system' } });

    const done = await send(t, key, opened.id, { type: 'REFUND_EXECUTED', amount: 25000, refundId: 'RF-auto' });
    expect(done).toMatchObject({ state: 'archived', outcome: 'auto_approved' });
  });

  it('should never auto-approve once the merchant proposed at 47 h', async () => {
    const opened = await openCase(t, key);
    t.clock.advance(47 * HOUR);
    await send(t, agent.token, opened.id, { type: 'CONTACT_BUYER', note: '联系' });
    await send(t, agent.token, opened.id, { type: 'VERIFY', verifiedReasonCode: 'quality_problem', findings: '核实' });
    const proposed = await send(t, agent.token, opened.id, { type: 'PROPOSE', resolution: 'partial_refund', amount: 5000, note: '部分退款' });
    expect(proposed.state).toBe('awaitingBuyer');
    expect(proposed.deadlines.map((d: { timer: string }) => d.timer)).not.toContain('merchant-response');

    t.clock.advance(3 * HOUR);
    await sweeperOf(t).drain();
    const later = await get(opened.id);
    expect(later).toMatchObject({ state: 'awaitingBuyer', approvedVia: null, amounts: { reserved: 0 } });
  });

  it('should close a return after 7 days without the buyer shipping it, releasing the reservation', async () => {
    const opened = await openCase(t, key, { type: 'return' });
    const approved = await send(t, agent.token, opened.id, { type: 'PROPOSE', resolution: 'return_and_refund', note: '同意退货' });
    expect(approved.deadlines).toEqual([
      { timer: 'buyer-return', event: 'BUYER_RETURN_EXPIRED', dueAt: new Date(t.clock.now().getTime() + 7 * DAY).toISOString() },
    ]);
    t.clock.advance(7 * DAY);
    await sweeperOf(t).drain();
    const closed = await get(opened.id);
    expect(closed).toMatchObject({ state: 'archived', outcome: 'closed_no_return', amounts: { reserved: 0, refunded: 0 } });
    expect(closed.order.reservedTotal).toBe(0);
  });

  it('should release the refund 10 days after the return shipped without the merchant confirming receipt', async () => {
    const opened = await openCase(t, key, { type: 'return' });
    await send(t, agent.token, opened.id, { type: 'PROPOSE', resolution: 'return_and_refund', note: '同意退货' });
    t.clock.advance(2 * DAY);
    await send(t, key, opened.id, { type: 'RETURN_SHIPPED', carrier: '圆通速递', trackingNo: 'YT1000' });
    t.clock.advance(10 * DAY - 1);
    await sweeperOf(t).drain();
    expect((await get(opened.id)).state).toBe('followUp.returnInTransit');
    t.clock.advance(1);
    await sweeperOf(t).drain();
    expect(await get(opened.id)).toMatchObject({ state: 'followUp.refunding', amounts: { reserved: 29900 } });
  });

  it('should auto-approve at once a case opened after its 48 h window has passed', async () => {
    const requestedAt = new Date(t.clock.now().getTime() - 50 * HOUR).toISOString();
    const res = await intake(t, key).send(caseBody(t, { requestedAt }));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ state: 'followUp.refunding', approvedVia: 'auto', amounts: { reserved: 29900 }, version: 2 });
    expect(res.body.deadlines).toEqual([]);
  });

  it('should fire the rest of a batch and postpone the one deadline that would over-refund its order', async () => {
    const order = { orderId: `OVER-${Date.now()}`, paidTotal: 1000 };
    const first = await openCase(t, key, { requestedAmount: 1000, order });
    t.clock.advance(1000);
    const second = await openCase(t, key, { requestedAmount: 1000, order });
    t.clock.advance(48 * HOUR);
    const swept = await sweeperOf(t).runOnce();
    expect(swept).toMatchObject({ fired: 1, failed: 1 });
    expect((await get(first.id)).state).toBe('followUp.refunding');
    const blocked = await get(second.id);
    expect(blocked.state).toBe('open.contact');
    expect(blocked.order).toMatchObject({ paidTotal: 1000, reservedTotal: 1000 });
    const [timer] = await t.app.get(DataSource).query(`SELECT attempts, last_error, retry_at FROM case_timers WHERE case_id = $1`, [second.id]);
    expect(timer.attempts).toBe(1);
    expect(timer.last_error).toMatch(/already reserved or refunded too much/);
    expect(new Date(timer.retry_at).getTime()).toBeGreaterThan(t.clock.now().getTime());
  });

  it('should keep the platform deadline in the case view, the queue and the audit when a deadline fails to fire', async () => {
    const order = { orderId: `KEEP-${Date.now()}`, paidTotal: 1000 };
    const first = await openCase(t, key, { requestedAmount: 1000, order });
    t.clock.advance(1000);
    const second = await openCase(t, key, { requestedAmount: 1000, order });
    const platformDeadline = (await get(second.id)).deadlines[0].dueAt;
    const queued = async () => {
      const res = await t.http.get('/v1/queue').query({ limit: 200 }).set(bearer(agent.token));
      expect(res.status).toBe(200);
      return res.body.items.find((item: { caseId: string }) => item.caseId === second.id);
    };
    expect((await queued()).deadline.dueAt).toBe(platformDeadline);

    t.clock.advance(48 * HOUR);
    // Other tests' deadlines may be due too: what counts is what happened to these two cases.
    expect((await sweeperOf(t).runOnce()).failed).toBeGreaterThanOrEqual(1);
    expect((await get(first.id)).state).toBe('followUp.refunding');
    const attempts = async () =>
      (await t.app.get(DataSource).query(`SELECT attempts, due_at FROM case_timers WHERE case_id = $1`, [second.id]))[0] as { attempts: number; due_at: Date };
    expect((await attempts()).attempts).toBe(1);

    const view = await get(second.id);
    expect(view.state).toBe('open.contact');
    expect(view.deadlines).toEqual([expect.objectContaining({ timer: 'merchant-response', dueAt: platformDeadline })]);
    expect((await queued()).deadline).toMatchObject({ timer: 'merchant-response', dueAt: platformDeadline });
    const timeline = (await t.http.get(`/v1/cases/${second.id}/events`).set(bearer(key))).body;
    const retry = timeline[timeline.length - 1];
    expect(retry).toMatchObject({
      type: 'DEADLINE_RETRY_SCHEDULED',
      actor: { kind: 'system', id: 'deadline-sweeper' },
      payload: { deadline: 'merchant-response', dueAt: platformDeadline, attempt: 1, reason: 'REFUNDABLE_AMOUNT_EXCEEDED' },
    });
    expect(new Date(retry.payload.retryAt).getTime()).toBeGreaterThan(t.clock.now().getTime());

    // Not claimed again before its retry time; at it, it fails again and the deadline still stays put.
    await sweeperOf(t).runOnce();
    expect((await attempts()).attempts).toBe(1);
    t.clock.set(new Date(retry.payload.retryAt));
    await sweeperOf(t).runOnce();
    expect((await get(second.id)).deadlines[0].dueAt).toBe(platformDeadline);
    expect((await queued()).deadline.dueAt).toBe(platformDeadline);
    const timer = await attempts();
    expect(timer.attempts).toBe(2);
    expect(new Date(timer.due_at).toISOString()).toBe(platformDeadline);
  });

  it('should fire timers written by one instance in a new instance of the service', async () => {
    const opened = await openCase(t, key);
    const [{ count }] = await t.app.get(DataSource).query(`SELECT count(*)::int AS count FROM case_timers WHERE case_id = $1`, [opened.id]);
    expect(count).toBe(1);

    const second = await startTestInstance(t.databaseUrl, t.adminToken, { DB_POOL_SIZE: '3' });
    try {
      second.clock.set(new Date(t.clock.now().getTime() + 49 * HOUR));
      const swept = await sweeperOf(second).drain();
      expect(swept.fired).toBeGreaterThanOrEqual(1);
      expect((await get(opened.id)).state).toBe('followUp.refunding');
    } finally {
      await second.app.close();
    }
  });
});
