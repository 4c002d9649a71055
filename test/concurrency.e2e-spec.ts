import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CaseEngine } from '../src/cases/case-engine.js';
import type { OrderSnapshot } from '../src/orders/order.types.js';
import { caseBody, intake, openCase, sweeperOf } from './support/cases.js';
import { bearer, createAgent, createApiKey, createShop, type AgentFixture, type ShopFixture } from './support/fixtures.js';
import { createTestApp, type TestApp } from './support/test-app.js';

describe('concurrency', () => {
  let t: TestApp;
  let shop: ShopFixture;
  let key: string;
  let agent: AgentFixture;

  beforeAll(async () => {
    // The timer test moves the clock by two days: keep the agent's session alive across it.
    t = await createTestApp({ DB_POOL_SIZE: '12', SESSION_TTL_HOURS: String(24 * 90) });
    shop = await createShop(t);
    key = (await createApiKey(t, shop.id)).key;
    agent = await createAgent(t, shop, 'supervisor');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('should fire each of 2,000 due timers exactly once with 4 sweepers running at once', async () => {
    const engine = t.app.get(CaseEngine);
    const total = 2000;
    const ids: string[] = [];
    const body = caseBody(t);
    for (let i = 0; i < total; i += 50) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(50, total - i) }, () =>
          engine.open({
            shopId: shop.id,
            platform: 'tmall',
            platformCaseId: null,
            type: 'refund',
            claimedReasonCode: 'quality_problem',
            claimedReasonCategory: 'quality',
            platformReason: null,
            buyerText: null,
            requestedAmount: 100,
            requestedAt: t.clock.now(),
            buyer: { id: 'buyer' },
            order: { ...(body.order as OrderSnapshot), orderId: `BULK-${randomBytes(6).toString('hex')}`, paidTotal: 100 },
            policy: { merchantResponseMs: 48 * 3_600_000, buyerReturnMs: 1, merchantReceiptMs: 1, disputeEvidenceMs: 1, buyerEscalationMs: 1 },
            actor: { kind: 'system', id: 'test' },
          }),
        ),
      );
      ids.push(...batch.map((opened) => opened.record.record.id));
    }
    t.clock.advance(49 * 3_600_000);

    const sweeper = sweeperOf(t);
    const results = await Promise.all(Array.from({ length: 4 }, () => sweeper.drain(100)));
    expect(results.reduce((sum, r) => sum + r.fired, 0)).toBe(total);
    expect(results.every((r) => r.failed === 0)).toBe(true);

    const db = t.app.get(DataSource);
    const fired: Array<{ case_id: string; n: number }> = await db.query(
      `SELECT case_id, count(*)::int AS n FROM case_events WHERE type = 'MERCHANT_RESPONSE_EXPIRED' AND case_id = ANY($1::uuid[]) GROUP BY case_id`,
      [ids],
    );
    expect(fired).toHaveLength(total);
    expect(fired.every((row) => row.n === 1)).toBe(true);
    const [{ left }] = await db.query(`SELECT count(*)::int AS left FROM case_timers WHERE case_id = ANY($1::uuid[])`, [ids]);
    expect(left).toBe(0);
    const states: Array<{ state: string; n: number }> = await db.query(
      `SELECT state, count(*)::int AS n FROM cases WHERE id = ANY($1::uuid[]) GROUP BY state`,
      [ids],
    );
    expect(states).toEqual([{ state: 'followUp.refunding', n: total }]);
  }, 120_000);

  it('should never reserve more than was paid when 50 cases of one order are approved at once', async () => {
    const orderId = `SHARED-${randomBytes(4).toString('hex')}`;
    const order = { orderId, paidTotal: 10_000 };
    const cases = [];
    for (let i = 0; i < 50; i++) cases.push(await openCase(t, key, { requestedAmount: 1_000, order }));

    const responses = await Promise.all(
      cases.map((c) => t.http.post(`/v1/cases/${c.id}/events`).set(bearer(agent.token)).send({ type: 'PROPOSE', resolution: 'full_refund', note: '同意' })),
    );
    const approved = responses.filter((r) => r.status === 200);
    const refused = responses.filter((r) => r.status !== 200);
    expect(approved).toHaveLength(10);
    expect(refused.every((r) => r.status === 409 && r.body.code === 'REFUNDABLE_AMOUNT_EXCEEDED')).toBe(true);

    const [row] = await t.app.get(DataSource).query(`SELECT paid_total, reserved_total, refunded_total FROM orders WHERE external_order_id = $1`, [orderId]);
    expect({ paid: Number(row.paid_total), reserved: Number(row.reserved_total), refunded: Number(row.refunded_total) }).toEqual({
      paid: 10_000,
      reserved: 10_000,
      refunded: 0,
    });
  }, 60_000);

  it('should keep refunded + reserved within paid for any mix of concurrent approvals, refunds and withdrawals', async () => {
    const db = t.app.get(DataSource);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1_000, max: 20_000 }),
        fc.array(fc.record({ amount: fc.integer({ min: 1, max: 6_000 }), then: fc.constantFrom('refund', 'withdraw', 'nothing') }), {
          minLength: 2,
          maxLength: 12,
        }),
        async (paidTotal, plans) => {
          const orderId = `PROP-${randomBytes(6).toString('hex')}`;
          const opened = [];
          for (const plan of plans) {
            const res = await intake(t, key).send(caseBody(t, { requestedAmount: plan.amount, order: { orderId, paidTotal } }));
            if (res.status === 201) opened.push({ id: res.body.id as string, plan });
            else expect(res.body.code).toBe('AMOUNT_EXCEEDS_REFUNDABLE');
          }
          await Promise.all(
            opened.map(async ({ id, plan }) => {
              const proposed = await t.http
                .post(`/v1/cases/${id}/events`)
                .set(bearer(agent.token))
                .send({ type: 'PROPOSE', resolution: 'full_refund', note: 'ok' });
              if (proposed.status !== 200) return;
              if (plan.then === 'refund')
                await t.http
                  .post(`/v1/cases/${id}/events`)
                  .set(bearer(key))
                  .send({ type: 'REFUND_EXECUTED', amount: plan.amount, refundId: `RF-${id}` });
              if (plan.then === 'withdraw') await t.http.post(`/v1/cases/${id}/events`).set(bearer(key)).send({ type: 'BUYER_WITHDRAW' });
            }),
          );
          const [order] = await db.query(`SELECT id, paid_total, reserved_total, refunded_total FROM orders WHERE shop_id = $1 AND external_order_id = $2`, [
            shop.id,
            orderId,
          ]);
          if (!order) {
            // Every request asked for more than was paid: each intake was refused and rolled back whole.
            expect(opened).toEqual([]);
            return;
          }
          const [sums] = await db.query(
            `SELECT coalesce(sum(reserved_amount), 0) AS reserved, coalesce(sum(refunded_amount), 0) AS refunded FROM cases WHERE order_id = $1`,
            [order.id],
          );
          expect(Number(order.reserved_total) + Number(order.refunded_total)).toBeLessThanOrEqual(Number(order.paid_total));
          expect({ reserved: Number(order.reserved_total), refunded: Number(order.refunded_total) }).toEqual({
            reserved: Number(sums.reserved),
            refunded: Number(sums.refunded),
          });
        },
      ),
      { numRuns: 8 },
    );
  }, 120_000);
});
