import { DataSource } from 'typeorm';
import { backfillMetricFacts } from '../migrations/1795360000000-metrics.js';
import { openCase, send, sweeperOf } from './support/cases.js';
import { createAgent, createApiKey, createShop, type AgentFixture } from './support/fixtures.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/**
 * The migration derives the facts of cases opened before it from their audit trail. Run over a trail the
 * engine wrote, it must give back exactly the facts the engine wrote alongside (except what the trail
 * cannot tell: who was assigned when a deadline lapsed).
 */
describe('metric facts backfill', () => {
  let t: TestApp;
  let key: string;
  let agent: AgentFixture;

  beforeAll(async () => {
    t = await createTestApp({ SESSION_TTL_HOURS: '2000' });
    const shop = await createShop(t);
    key = (await createApiKey(t, shop.id)).key;
    agent = await createAgent(t, shop, 'supervisor');
  });
  afterAll(() => t.close());

  const facts = (ds: DataSource) =>
    ds.query(`SELECT shop_id, case_id, seq, kind, at, case_type, agent_id, label, seconds, currency, amount FROM metric_facts ORDER BY case_id, seq, kind`);

  it('should rebuild from the audit trail exactly the facts the engine wrote', async () => {
    const minutes = (n: number) => t.clock.advance(n * 60_000);
    // A refund recoded to non-quality, partially refunded.
    const partial = await openCase(t, key);
    minutes(7);
    await send(t, agent.token, partial.id, { type: 'CONTACT_BUYER', note: '已联系' });
    await send(t, agent.token, partial.id, { type: 'VERIFY', verifiedReasonCode: 'no_reason_7_days', findings: '不想要了', note: '聊天记录为证' });
    minutes(5);
    await send(t, agent.token, partial.id, { type: 'PROPOSE', resolution: 'partial_refund', amount: 10000, note: '部分退款' });
    // A refund rejected, declined, recoded back to quality on review, then taken to the platform.
    const disputed = await openCase(t, key);
    await send(t, agent.token, disputed.id, { type: 'CONTACT_BUYER', note: '已联系' });
    await send(t, agent.token, disputed.id, { type: 'VERIFY', verifiedReasonCode: 'no_reason_7_days', findings: '不想要了', note: '聊天记录为证' });
    await send(t, agent.token, disputed.id, { type: 'APOLOGISE', note: '抱歉' });
    await send(t, agent.token, disputed.id, { type: 'PROPOSE', resolution: 'reject', note: '不支持' });
    await send(t, key, disputed.id, { type: 'BUYER_DECLINE' });
    await send(t, agent.token, disputed.id, { type: 'VERIFY', verifiedReasonCode: 'quality_problem', findings: '复核为质量问题' });
    await send(t, key, disputed.id, { type: 'PLATFORM_INTERVENED' });
    // An exchange, a complaint with a compensation, a withdrawn return.
    const exchange = await openCase(t, key, { type: 'exchange', requestedAmount: 0, reasonCode: 'wrong_item' });
    minutes(30);
    await send(t, agent.token, exchange.id, { type: 'PROPOSE', resolution: 'exchange', note: '同意换货' });
    await send(t, key, exchange.id, { type: 'RETURN_SHIPPED', carrier: '中通快递', trackingNo: 'ZT99887766' });
    await send(t, agent.token, exchange.id, { type: 'GOODS_RECEIVED', inspection: '收到' });
    await send(t, agent.token, exchange.id, { type: 'EXCHANGE_SHIPPED', carrier: '顺丰速运', trackingNo: 'SF000111' });
    const complaint = await openCase(t, key, { type: 'complaint', requestedAmount: 0, reasonCode: 'logistics_delay' });
    await send(t, agent.token, complaint.id, { type: 'CONTACT_BUYER', note: '已联系' });
    const withdrawn = await openCase(t, key, { type: 'return' });
    await send(t, key, withdrawn.id, { type: 'BUYER_WITHDRAW' });
    // A refund the platform auto-approves, then paid; and one answered after its 48 h, before the sweep.
    const auto = await openCase(t, key, { requestedAmount: 25000 });
    const late = await openCase(t, key);
    t.clock.advanceHours(49);
    await send(t, agent.token, late.id, { type: 'PROPOSE', resolution: 'full_refund', note: '同意' });
    await sweeperOf(t).drain();
    await send(t, key, auto.id, { type: 'REFUND_EXECUTED', amount: 25000, refundId: 'RF-auto' });
    await send(t, key, partial.id, { type: 'BUYER_ACCEPT' });
    await send(t, key, partial.id, { type: 'REFUND_EXECUTED', amount: 10000, refundId: 'RF-partial' });
    await send(t, key, late.id, { type: 'REFUND_EXECUTED', amount: 29900, refundId: 'RF-late' });

    const ds = t.app.get(DataSource);
    const written = await facts(ds);
    const kinds = written.map((f: { kind: string; label: string | null }) => `${f.kind}${f.label ? `:${f.label}` : ''}`).sort();
    expect(kinds).toEqual(
      [
        ...Array(7).fill('opened'),
        ...Array(5).fill('first_response'),
        'response:in_time',
        'response:in_time',
        'response:in_time',
        'response:late',
        'response:missed',
        'archived:auto_approved',
        'archived:exchanged',
        'archived:partially_refunded',
        'archived:refunded',
        'archived:withdrawn',
        'refunded:non_quality',
        'refunded:quality',
        'refunded:quality',
        'intervened',
        'recoded:recoded',
        'recoded:recoded',
        'recoded:restored',
      ].sort(),
    );

    const runner = ds.createQueryRunner();
    try {
      await runner.query(`DELETE FROM metric_facts`);
      await backfillMetricFacts(runner);
    } finally {
      await runner.release();
    }
    const rebuilt = await facts(ds);
    // The trail does not say who was assigned when the deadline lapsed; nobody was here either.
    expect(rebuilt).toEqual(written);
  });
});
