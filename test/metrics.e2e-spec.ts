import { randomUUID } from 'node:crypto';
import { openCase, send, sweeperOf } from './support/cases.js';
import { bearer, createApiKey, createShop, expectProblem, type ShopFixture } from './support/fixtures.js';
import {
  addDays,
  cellOf,
  emptySummary,
  fieldsOf,
  GOLD_TEAM_NOT_MET,
  leaves,
  metricsCsv,
  metricsJson,
  namedAgent,
  openCaseCounters,
  outcomes,
  periodOf,
  pointsFrom,
  ratio,
  type NamedAgent,
} from './support/metrics.js';
import { createTestApp, startTestInstance, type TestApp } from './support/test-app.js';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const SHANGHAI = '+08:00';
const LOS_ANGELES = '-08:00'; // PST: daylight saving time ended on 2026-11-01

/**
 * The main fixture. T0 = 2026-11-10T01:00Z = 09:00 on 2026-11-10 in Shanghai. Shop days (Asia/Shanghai):
 * D1 = 2026-11-10 (T0−9h … T0+15h), D2 = 2026-11-11 (… T0+39h), D3 = 2026-11-12 (… T0+63h). Now ends at T0+51h.
 *
 * case  type       claimed reason (category)       opened      first response        response window   archived (outcome, s, assignee)            refund
 * C1    refund     quality_problem (q)   29900     T0 D1       +30m A contact 1800   in_time +2h D1    +4h D1 partially_refunded 14400 A          20000 q D1
 * C2    return     not_as_described (q)  15000     T0 D1       +1h A propose 3600    in_time +1h D1    +26h D2 refunded 93600 A                   15000 q D2
 * C3    exchange   wrong_item (q)        29900     T0 D1       +90m B propose 5400   in_time +90m D1   — (open, B, no merchant deadline)
 * C4    complaint  other (nq)            20000     T0 D1       +10m B contact 600    — (no 48 h clock) +3h D1 partially_refunded 10800 B          compensation: not a refund
 * C5    refund     no_reason_7_days (nq) 10000     T0 D1       —                     missed +48h D3    +49h D3 auto_approved 176400 —             10000 nq D3
 * C10   return     not_as_described (q)   9900     +2h D1      —                     missed +50h D3    — (open, unassigned)
 * C6    refund     damaged_in_transit (q) 5000     +6h D1      —                     never (withdrawn) +7h D1 withdrawn 3600 A
 * C7    refund     quality_problem (q)    8000     +14.5h D1 (23:30)  +23h B 30600   in_time +23h D2   +24h D2 refunded 34200 B (was A)           8000 nq D2 (recoded +23h D2)
 * C8    refund     quality_problem (q)   12000     +15.5h D2 (00:30)  —              never (platform)  +21h D2 refunded 19800 —                   12000 q D2 (ruling; intervened +16h D2)
 * C9    refund     missing_parts (q)      6000     +24h D2 (requested T0−23h)  +26h A 176400  late +26h D2  +27h D2 refunded 180000 A        6000 q D2
 * C11   refund     quality_problem (q)    7000     +50h D3 (requested T0+2.5h, due +50.5h) — open, B, overdue at +51h
 * C12   return     not_as_described (q)   4000     +50h D3 (requested T0+6h, due +54h)     — open, A, due soon at +51h
 *
 * Ratings (counted when reported): C1 satisfied +5h D1 (A; reported again +29h: no change) · C7 neutral +25h D2 (B) ·
 * C2 neutral +27h then dissatisfied +28h D2 (A) · C8 satisfied +28h D2 (no assignee) · C4 dissatisfied +29h D2 (B; rated D1, reported D2).
 * Paid orders: D1 1000 (first reported as 999), D2 1500, D3 500; none for 2026-11-09.
 *
 * The other shop (America/Los_Angeles), in the same hours: O1 refund q 25000 opened T0 (11-09 17:00 local) answered +20m
 * by OA and refunded +20m (1200 s), rated dissatisfied; O4 refund q 7777 opened T0, auto-approved +48h; O2 refund q 3000
 * opened +14.5h (same instant as C7) intervened +16h; O3 complaint opened +15.5h (same instant as C8); 50 paid orders a day.
 */
describe('after-sales metrics', () => {
  let t: TestApp;
  const T0 = Date.parse('2026-11-10T01:00:00.000Z');
  const at = (hours: number) => new Date(T0 + hours * HOUR).toISOString();
  const moveTo = (hours: number) => t.clock.set(at(hours));

  let shop: ShopFixture;
  let key: string;
  let ann: NamedAgent;
  let bo: NamedAgent;
  let zoe: NamedAgent;
  let auditor: NamedAgent;
  const c: Record<string, string> = {};

  let other: ShopFixture;
  let otherKey: string;
  let oli: NamedAgent;
  let oscar: NamedAgent;
  const o: Record<string, string> = {};

  async function assign(supervisor: NamedAgent, caseId: string, agent: NamedAgent) {
    const res = await t.http.put(`/v1/cases/${caseId}/assignee`).set(bearer(supervisor.token)).send({ agentId: agent.id });
    if (res.status !== 200) throw new Error(`assign: ${res.status} ${JSON.stringify(res.body)}`);
  }

  async function rate(token: string, caseId: string, body: Record<string, unknown>) {
    const res = await t.http.put(`/v1/cases/${caseId}/rating`).set(bearer(token)).send(body);
    if (res.status !== 200) throw new Error(`rating: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async function paidOrders(token: string, days: Array<{ date: string; paidOrders: number }>) {
    const res = await t.http.put('/v1/metrics/paid-orders').set(bearer(token)).send({ days });
    if (res.status !== 200) throw new Error(`paid-orders: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  const open = (token: string, overrides: Record<string, unknown>) => openCase(t, token, overrides).then((body) => body.id as string);
  const summary = (query: Record<string, string>, token = key) => metricsJson(t, token, 'summary', query);
  const series = (metric: string, from: string, to: string, token = key) => metricsJson(t, token, 'timeseries', { metric, from, to });
  const agents = (query: Record<string, string>, token = key) => metricsJson(t, token, 'agents', query);

  const firstRatings: Record<string, { reportedAt: string }> = {};

  beforeAll(async () => {
    t = await createTestApp({ SESSION_TTL_HOURS: '2000' });
    moveTo(0);
    shop = await createShop(t, { timezone: 'Asia/Shanghai' });
    key = (await createApiKey(t, shop.id)).key;
    ann = await namedAgent(t, shop, 'agent', 'Ann Agent');
    bo = await namedAgent(t, shop, 'agent', 'Bo Agent');
    zoe = await namedAgent(t, shop, 'supervisor', 'Zoe Supervisor');
    auditor = await namedAgent(t, shop, 'auditor', 'Aud Auditor');

    other = await createShop(t, { timezone: 'America/Los_Angeles' });
    otherKey = (await createApiKey(t, other.id)).key;
    oli = await namedAgent(t, other, 'agent', 'Oli Agent');
    oscar = await namedAgent(t, other, 'supervisor', 'Oscar Supervisor');

    // T0, 09:00 D1.
    c.C1 = await open(key, { type: 'refund', reasonCode: 'quality_problem', requestedAmount: 29900 });
    c.C2 = await open(key, { type: 'return', reasonCode: 'not_as_described', requestedAmount: 15000 });
    c.C3 = await open(key, { type: 'exchange', reasonCode: 'wrong_item', requestedAmount: 29900 });
    c.C4 = await open(key, { type: 'complaint', reasonCode: 'other', requestedAmount: 20000 });
    c.C5 = await open(key, { type: 'refund', reasonCode: 'no_reason_7_days', requestedAmount: 10000 });
    await assign(zoe, c.C1, ann);
    await assign(zoe, c.C2, ann);
    await assign(zoe, c.C3, bo);
    await assign(zoe, c.C4, bo);
    o.O1 = await open(otherKey, { type: 'refund', reasonCode: 'quality_problem', requestedAmount: 25000 });
    o.O4 = await open(otherKey, { type: 'refund', reasonCode: 'quality_problem', requestedAmount: 7777 });
    await assign(oscar, o.O1, oli);
    await paidOrders(key, [
      { date: '2026-11-10', paidOrders: 999 },
      { date: '2026-11-11', paidOrders: 1500 },
    ]);
    await paidOrders(key, [
      { date: '2026-11-12', paidOrders: 500 },
      { date: '2026-11-10', paidOrders: 1000 },
    ]);
    await paidOrders(
      otherKey,
      ['2026-11-09', '2026-11-10', '2026-11-11', '2026-11-12'].map((date) => ({ date, paidOrders: 50 })),
    );

    t.clock.set(new Date(T0 + 10 * MINUTE));
    await send(t, bo.token, c.C4, { type: 'CONTACT_BUYER', note: '您好，已收到您的反馈' });
    await send(t, bo.token, c.C4, { type: 'VERIFY', verifiedReasonCode: 'other', findings: '核实情况' });
    t.clock.set(new Date(T0 + 20 * MINUTE));
    await send(t, oli.token, o.O1, { type: 'PROPOSE', resolution: 'full_refund', note: '同意退款' });
    await send(t, otherKey, o.O1, { type: 'REFUND_EXECUTED', amount: 25000, refundId: 'RF-O1' });
    t.clock.set(new Date(T0 + 30 * MINUTE));
    await send(t, ann.token, c.C1, { type: 'CONTACT_BUYER', note: '您好，已收到您的退款申请' });
    await send(t, ann.token, c.C1, { type: 'VERIFY', verifiedReasonCode: 'quality_problem', findings: '照片显示开胶' });
    t.clock.set(new Date(T0 + 40 * MINUTE));
    await send(t, bo.token, c.C4, { type: 'PROPOSE', resolution: 'compensation', amount: 2000, note: '补偿20元' });
    moveTo(1);
    await send(t, ann.token, c.C2, { type: 'PROPOSE', resolution: 'return_and_refund', note: '同意退货退款' });
    await send(t, key, c.C4, { type: 'BUYER_ACCEPT' });
    moveTo(1.5);
    await send(t, bo.token, c.C3, { type: 'PROPOSE', resolution: 'exchange', note: '同意换货' });
    moveTo(2);
    await send(t, ann.token, c.C1, { type: 'PROPOSE', resolution: 'partial_refund', amount: 20000, note: '部分退款200元' });
    c.C10 = await open(key, { type: 'return', reasonCode: 'not_as_described', requestedAmount: 9900 });
    moveTo(3);
    await send(t, key, c.C1, { type: 'BUYER_ACCEPT' });
    await send(t, key, c.C4, { type: 'REFUND_EXECUTED', amount: 2000, refundId: 'RF-C4' });
    moveTo(4);
    await send(t, key, c.C1, { type: 'REFUND_EXECUTED', amount: 20000, refundId: 'RF-C1' });
    moveTo(5);
    await send(t, key, c.C2, { type: 'RETURN_SHIPPED', carrier: '顺丰速运', trackingNo: 'SF1000' });
    firstRatings.C1 = await rate(key, c.C1, { rating: 'satisfied', ratedAt: at(4.5), comment: '很满意' });
    moveTo(6);
    c.C6 = await open(key, { type: 'refund', reasonCode: 'damaged_in_transit', requestedAmount: 5000 });
    await assign(zoe, c.C6, ann);
    moveTo(7);
    await send(t, key, c.C6, { type: 'BUYER_WITHDRAW' });

    // 23:30 and 00:30 in Shanghai; 07:30 and 08:30 of 2026-11-10 in Los Angeles.
    moveTo(14.5);
    c.C7 = await open(key, { type: 'refund', reasonCode: 'quality_problem', requestedAmount: 8000 });
    await assign(zoe, c.C7, ann);
    o.O2 = await open(otherKey, { type: 'refund', reasonCode: 'quality_problem', requestedAmount: 3000 });
    moveTo(15.5);
    c.C8 = await open(key, { type: 'refund', reasonCode: 'quality_problem', requestedAmount: 12000 });
    o.O3 = await open(otherKey, { type: 'complaint', reasonCode: 'other', requestedAmount: 1000 });
    moveTo(16);
    await send(t, key, c.C8, { type: 'PLATFORM_INTERVENED' });
    await send(t, otherKey, o.O2, { type: 'PLATFORM_INTERVENED' });
    moveTo(20);
    await send(t, key, c.C8, { type: 'PLATFORM_RULING', favour: 'buyer' });
    moveTo(21);
    await send(t, key, c.C8, { type: 'REFUND_EXECUTED', amount: 12000, refundId: 'RF-C8' });
    moveTo(22);
    await assign(zoe, c.C7, bo);
    moveTo(23);
    await send(t, bo.token, c.C7, { type: 'CONTACT_BUYER', note: '您好，已收到您的退款申请' });
    await send(t, bo.token, c.C7, { type: 'VERIFY', verifiedReasonCode: 'ordered_wrong', findings: '买家拍错尺码', note: '买家承认拍错，非质量问题' });
    await send(t, bo.token, c.C7, { type: 'PROPOSE', resolution: 'full_refund', note: '同意退款' });
    moveTo(24);
    await send(t, key, c.C7, { type: 'REFUND_EXECUTED', amount: 8000, refundId: 'RF-C7' });
    c.C9 = await open(key, { type: 'refund', reasonCode: 'missing_parts', requestedAmount: 6000, requestedAt: at(-23), order: { shippedAt: at(-72) } });
    const claimed = await t.http.post('/v1/queue/claim').set(bearer(ann.token));
    if (claimed.status !== 200 || claimed.body.id !== c.C9) throw new Error(`claim: ${claimed.status} ${JSON.stringify(claimed.body)}`);
    moveTo(25);
    await send(t, ann.token, c.C2, { type: 'GOODS_RECEIVED', inspection: '退回商品完好' });
    await rate(key, c.C7, { rating: 'neutral', ratedAt: at(24.5) });
    moveTo(26);
    await send(t, ann.token, c.C9, { type: 'PROPOSE', resolution: 'full_refund', note: '同意退款' });
    await send(t, key, c.C2, { type: 'REFUND_EXECUTED', amount: 15000, refundId: 'RF-C2' });
    moveTo(27);
    await send(t, key, c.C9, { type: 'REFUND_EXECUTED', amount: 6000, refundId: 'RF-C9' });
    await rate(key, c.C2, { rating: 'neutral', ratedAt: at(26.5) });
    moveTo(28);
    await rate(key, c.C2, { rating: 'dissatisfied', ratedAt: at(27.5) });
    await rate(key, c.C8, { rating: 'satisfied', ratedAt: at(27.5) });
    moveTo(29);
    firstRatings.C1again = await rate(key, c.C1, { rating: 'satisfied', ratedAt: at(4.5), comment: '很满意' });
    await rate(key, c.C4, { rating: 'dissatisfied', ratedAt: at(14) });
    await rate(otherKey, o.O1, { rating: 'dissatisfied' });

    // The 48 h window of C5 and O4 ends at +48h, C10's at +50h: sweep exactly then.
    moveTo(48);
    await sweeperOf(t).drain();
    moveTo(49);
    await send(t, key, c.C5, { type: 'REFUND_EXECUTED', amount: 10000, refundId: 'RF-C5' });
    moveTo(50);
    await sweeperOf(t).drain();
    c.C11 = await open(key, { type: 'refund', reasonCode: 'quality_problem', requestedAmount: 7000, requestedAt: at(2.5), order: { shippedAt: at(-48) } });
    await assign(zoe, c.C11, bo);
    c.C12 = await open(key, { type: 'return', reasonCode: 'not_as_described', requestedAmount: 4000, requestedAt: at(6), order: { shippedAt: at(-48) } });
    await assign(zoe, c.C12, ann);
    moveTo(51); // 12:00 D3; no sweep: C11 is 30 minutes overdue, C12 due in 3 h.
  });

  afterAll(async () => {
    await t?.close();
  });

  const D1 = '2026-11-10';
  const D2 = '2026-11-11';
  const D3 = '2026-11-12';

  /** The whole summary of D1–D3, worked out by hand from the table above. */
  function expectedSummary() {
    return {
      shopId: shop.id,
      timezone: 'Asia/Shanghai',
      period: { from: D1, to: D3, days: 3, start: '2026-11-09T16:00:00.000Z', end: '2026-11-12T16:00:00.000Z' },
      // D1: C1 C2 C3 C4 C5 C10 C6 C7 · D2: C8 C9 · D3: C11 C12
      opened: { total: 12, byType: { refund: 7, return: 3, exchange: 1, complaint: 1 } },
      // in time: C2 C3 C1 C7 · late: C9 · missed: C5 C10 (C4 complaint, C6 withdrawn, C8 intervened, C11/C12 pending: none)
      responseWindow: { settled: 7, answeredInTime: 4, answeredLate: 1, missed: 2, inTimeShare: ratio(4, 7) },
      autoApproved: { count: 2, amount: { CNY: 10000 + 9900 } },
      // 600 1800 3600 5400 30600 176400: median = 3rd, p90 = ceil(5.4) = 6th
      firstResponse: { count: 6, medianSeconds: 3600, p90Seconds: 176400 },
      // 3600 10800 14400 19800 34200 93600 176400 180000: median = 4th, p90 = ceil(7.2) = 8th
      resolution: { count: 8, medianSeconds: 19800, p90Seconds: 180000 },
      outcomes: { total: 8, byOutcome: outcomes({ refunded: 4, partially_refunded: 2, withdrawn: 1, auto_approved: 1 }) },
      qualityRefundRate: {
        basis: 'paid_orders',
        rate: ratio(4, 1000 + 1500 + 500),
        label: 'quality refunds ÷ paid orders',
        qualityRefunds: 4, // C1 C8 C2 C9
        refunds: 6, // + C7 (recoded) C5; C4's compensation is not a refund
        refundedAmount: { CNY: 20000 + 12000 + 8000 + 15000 + 6000 + 10000 },
        qualityRefundedAmount: { CNY: 20000 + 12000 + 15000 + 6000 },
        paidOrders: 3000,
        paidOrderDaysKnown: 3,
        paidOrderDaysMissing: 0,
      },
      intervention: { window: { from: '2026-10-14', to: D3, days: 30 }, volume: 1, cases: 12, rate: ratio(1, 12) },
      recodedQualityToNonQuality: 1,
      // satisfied C1 C8 · neutral C7 · dissatisfied C2 C4
      satisfaction: { ratings: 5, satisfied: 2, neutral: 1, dissatisfied: 2, satisfiedShare: ratio(2, 5), goldTeam: GOLD_TEAM_NOT_MET },
    };
  }

  it('should give every figure of the period as worked out by hand', async () => {
    expect(await summary({ from: D1, to: D3 })).toEqual(expectedSummary());
    // Any agent session of the shop reads the same figures.
    expect(await summary({ from: D1, to: D3 }, auditor.token)).toEqual(expectedSummary());
    expect(await summary({ from: D1, to: D3 }, ann.token)).toEqual(expectedSummary());
  });

  it('should count a single day with only the facts anchored in it', async () => {
    expect(await summary({ from: D2, to: D2 })).toEqual({
      shopId: shop.id,
      timezone: 'Asia/Shanghai',
      period: { from: D2, to: D2, days: 1, start: '2026-11-10T16:00:00.000Z', end: '2026-11-11T16:00:00.000Z' },
      opened: { total: 2, byType: { refund: 2, return: 0, exchange: 0, complaint: 0 } },
      responseWindow: { settled: 2, answeredInTime: 1, answeredLate: 1, missed: 0, inTimeShare: ratio(1, 2) },
      autoApproved: { count: 0, amount: {} },
      firstResponse: { count: 2, medianSeconds: 30600, p90Seconds: 176400 },
      resolution: { count: 4, medianSeconds: 34200, p90Seconds: 180000 },
      outcomes: { total: 4, byOutcome: outcomes({ refunded: 4 }) },
      qualityRefundRate: {
        basis: 'paid_orders',
        rate: ratio(3, 1500),
        label: 'quality refunds ÷ paid orders',
        qualityRefunds: 3,
        refunds: 4,
        refundedAmount: { CNY: 12000 + 8000 + 15000 + 6000 },
        qualityRefundedAmount: { CNY: 12000 + 15000 + 6000 },
        paidOrders: 1500,
        paidOrderDaysKnown: 1,
        paidOrderDaysMissing: 0,
      },
      intervention: { window: { from: '2026-10-13', to: D2, days: 30 }, volume: 1, cases: 10, rate: ratio(1, 10) },
      recodedQualityToNonQuality: 1,
      satisfaction: { ratings: 4, satisfied: 1, neutral: 1, dissatisfied: 2, satisfiedShare: ratio(1, 4), goldTeam: GOLD_TEAM_NOT_MET },
    });
    const day1 = await summary({ from: D1, to: D1 });
    expect(day1.opened).toEqual({ total: 8, byType: { refund: 4, return: 2, exchange: 1, complaint: 1 } });
    expect(day1.satisfaction).toMatchObject({ ratings: 1, satisfied: 1 });
  });

  it('should put 23:30 and 00:30 shop time on different days, and the same instants on one day in another zone', async () => {
    expect((await series('opened', D1, D3)).points).toEqual(
      pointsFrom(D1, SHANGHAI, [
        [8, 8],
        [2, 2],
        [2, 2],
      ]),
    );
    // C7 (15:30Z) and C8 (16:30Z) straddle midnight in Shanghai …
    expect((await summary({ from: D1, to: D1 })).opened.byType.refund).toBe(4);
    // … while O2 (15:30Z) and O3 (16:30Z) are both on the morning of 2026-11-10 in Los Angeles, and O1/O4 (T0) on 11-09.
    const otherSeries = await series('opened', '2026-11-09', D3, otherKey);
    expect(otherSeries).toMatchObject({ metric: 'opened', interval: 'day', timezone: 'America/Los_Angeles', from: '2026-11-09', to: D3 });
    expect(otherSeries.points).toEqual(
      pointsFrom('2026-11-09', LOS_ANGELES, [
        [2, 2],
        [2, 2],
        [0, 0],
        [0, 0],
      ]),
    );
    expect((await summary({ from: D1, to: D1 }, otherKey)).opened).toEqual({ total: 2, byType: { refund: 1, return: 0, exchange: 0, complaint: 1 } });
  });

  it('should rate quality refunds against paid orders only when every day has a count, else against all refunds', async () => {
    expect(await metricsJson(t, key, 'paid-orders', { from: '2026-11-09', to: D3 })).toEqual({
      from: '2026-11-09',
      to: D3,
      days: [
        { date: '2026-11-09', paidOrders: null },
        { date: D1, paidOrders: 1000 },
        { date: D2, paidOrders: 1500 },
        { date: D3, paidOrders: 500 },
      ],
    });
    expect((await summary({ from: D1, to: D3 })).qualityRefundRate).toMatchObject({ basis: 'paid_orders', paidOrders: 3000 });
    expect((await summary({ from: '2026-11-09', to: D3 })).qualityRefundRate).toEqual({
      basis: 'refunds',
      rate: ratio(4, 6),
      label: 'quality share of refunds (paid-order counts missing)',
      qualityRefunds: 4,
      refunds: 6,
      refundedAmount: { CNY: 71000 },
      qualityRefundedAmount: { CNY: 53000 },
      paidOrders: null,
      paidOrderDaysKnown: 3,
      paidOrderDaysMissing: 1,
    });
    expect((await series('qualityRefundRate', '2026-11-09', D3)).points).toEqual(
      pointsFrom('2026-11-09', SHANGHAI, [
        [0, 0, 'refunds'],
        [ratio(1, 1000), 1000, 'paid_orders'],
        [ratio(3, 1500), 1500, 'paid_orders'],
        [0, 500, 'paid_orders'],
      ]),
    );
  });

  it('should give each metric per day with its n, zeros on empty days and one point per day', async () => {
    const from = '2026-11-09';
    const expected: Record<string, Array<[unknown, number]>> = {
      opened: [
        [0, 0],
        [8, 8],
        [2, 2],
        [2, 2],
      ],
      answeredInTimeShare: [
        [0, 0],
        [1, 3],
        [ratio(1, 2), 2],
        [0, 2],
      ],
      autoApproved: [
        [0, 0],
        [0, 0],
        [0, 0],
        [2, 2],
      ],
      autoApprovedAmount: [
        [0, 0],
        [0, 0],
        [0, 0],
        [19900, 2],
      ],
      firstResponseMedian: [
        [null, 0],
        [1800, 4],
        [30600, 2],
        [null, 0],
      ],
      firstResponseP90: [
        [null, 0],
        [5400, 4],
        [176400, 2],
        [null, 0],
      ],
      resolutionMedian: [
        [null, 0],
        [10800, 3],
        [34200, 4],
        [176400, 1],
      ],
      resolutionP90: [
        [null, 0],
        [14400, 3],
        [180000, 4],
        [176400, 1],
      ],
      archived: [
        [0, 0],
        [3, 3],
        [4, 4],
        [1, 1],
      ],
      interventionVolume30d: [
        [0, 0],
        [0, 8],
        [1, 10],
        [1, 12],
      ],
      interventionRate30d: [
        [0, 0],
        [0, 8],
        [ratio(1, 10), 10],
        [ratio(1, 12), 12],
      ],
      recoded: [
        [0, 0],
        [0, 0],
        [1, 1],
        [0, 0],
      ],
      // C1 counts on D1 only (reported again on D2 unchanged); C4, rated on D1, counts on D2 where it was reported.
      satisfiedShare: [
        [0, 0],
        [1, 1],
        [ratio(1, 4), 4],
        [0, 0],
      ],
    };
    for (const [metric, values] of Object.entries(expected)) {
      const body = await series(metric, from, D3);
      expect({ metric, points: body.points }).toEqual({ metric, points: pointsFrom(from, SHANGHAI, values) });
      expect(body).toMatchObject({ metric, interval: 'day', timezone: 'Asia/Shanghai', from, to: D3 });
    }
    const usd = await metricsJson(t, key, 'timeseries', { metric: 'autoApprovedAmount', from: D3, to: D3, currency: 'USD' });
    expect(usd.points).toEqual(pointsFrom(D3, SHANGHAI, [[0, 2]]));
    const explicit = await metricsJson(t, key, 'timeseries', { metric: 'opened', from: D1, to: D3, interval: 'day' });
    expect(explicit.points.map((p: { value: number }) => p.value)).toEqual([8, 2, 2]);
  });

  it('should answer a bad metric or interval with 400 naming the field', async () => {
    for (const [query, field] of [
      [{ metric: 'happiness' }, 'metric'],
      [{}, 'metric'],
      [{ metric: 'opened', interval: 'week' }, 'interval'],
      [{ metric: 'opened', interval: 'hour' }, 'interval'],
    ] as const) {
      const res = await t.http
        .get('/v1/metrics/timeseries')
        .query({ from: D1, to: D3, ...query })
        .set(bearer(key));
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(res.body)).toContain(field);
    }
  });

  it('should give per-agent handled, open, overdue, due-soon, first-response and satisfaction figures', async () => {
    const body = await agents({ from: D1, to: D3 });
    expect(body).toEqual({
      period: { from: D1, to: D3, days: 3, start: '2026-11-09T16:00:00.000Z', end: '2026-11-12T16:00:00.000Z' },
      timezone: 'Asia/Shanghai',
      asOf: at(51),
      agents: [
        {
          agentId: ann.id,
          displayName: 'Ann Agent',
          role: 'agent',
          active: true,
          handled: 4, // C1 C6 C2 C9
          openNow: 1, // C12
          overdueNow: 0,
          dueSoonNow: 1, // C12: 3 h left, inside the 6 h warning lead
          firstResponse: { count: 3, medianSeconds: 3600 }, // 1800 3600 176400
          satisfaction: { ratings: 2, satisfied: 1, satisfiedShare: ratio(1, 2) }, // C1 satisfied, C2 dissatisfied
        },
        {
          agentId: bo.id,
          displayName: 'Bo Agent',
          role: 'agent',
          active: true,
          handled: 2, // C4 C7 (C7 was Ann's until +22h)
          openNow: 2, // C3 C11
          overdueNow: 1, // C11: due +50.5h, not swept
          dueSoonNow: 0,
          firstResponse: { count: 3, medianSeconds: 5400 }, // 600 5400 30600
          satisfaction: { ratings: 2, satisfied: 0, satisfiedShare: 0 }, // C7 neutral, C4 dissatisfied
        },
        {
          agentId: zoe.id,
          displayName: 'Zoe Supervisor',
          role: 'supervisor',
          active: true,
          handled: 0,
          openNow: 0,
          overdueNow: 0,
          dueSoonNow: 0,
          firstResponse: { count: 0, medianSeconds: null },
          satisfaction: { ratings: 0, satisfied: 0, satisfiedShare: 0 },
        },
      ],
    });
    // The "now" figures do not depend on the period; the period ones do.
    const day1 = await agents({ from: D1, to: D1 });
    expect(
      day1.agents.map((a: { handled: number; openNow: number; firstResponse: { count: number } }) => [a.handled, a.openNow, a.firstResponse.count]),
    ).toEqual([
      [2, 1, 2],
      [1, 2, 2],
      [0, 0, 0],
    ]);
  });

  it('should never count another shop’s cases, ratings or paid orders, and refuse to rate its cases', async () => {
    const from = '2026-11-09';
    expect(await summary({ from, to: D3 }, otherKey)).toEqual({
      shopId: other.id,
      timezone: 'America/Los_Angeles',
      period: periodOf(from, D3, LOS_ANGELES),
      opened: { total: 4, byType: { refund: 3, return: 0, exchange: 0, complaint: 1 } },
      responseWindow: { settled: 2, answeredInTime: 1, answeredLate: 0, missed: 1, inTimeShare: ratio(1, 2) },
      autoApproved: { count: 1, amount: { CNY: 7777 } },
      firstResponse: { count: 1, medianSeconds: 1200, p90Seconds: 1200 },
      resolution: { count: 1, medianSeconds: 1200, p90Seconds: 1200 },
      outcomes: { total: 1, byOutcome: outcomes({ refunded: 1 }) },
      qualityRefundRate: {
        basis: 'paid_orders',
        rate: ratio(1, 200),
        label: 'quality refunds ÷ paid orders',
        qualityRefunds: 1,
        refunds: 1,
        refundedAmount: { CNY: 25000 },
        qualityRefundedAmount: { CNY: 25000 },
        paidOrders: 200,
        paidOrderDaysKnown: 4,
        paidOrderDaysMissing: 0,
      },
      intervention: { window: { from: '2026-10-14', to: D3, days: 30 }, volume: 1, cases: 4, rate: ratio(1, 4) },
      recodedQualityToNonQuality: 0,
      satisfaction: { ratings: 1, satisfied: 0, neutral: 0, dissatisfied: 1, satisfiedShare: 0, goldTeam: GOLD_TEAM_NOT_MET },
    });
    const otherAgents = await agents({ from, to: D3 }, otherKey);
    expect(
      otherAgents.agents.map((a: { agentId: string; handled: number; firstResponse: unknown; satisfaction: unknown }) => [
        a.agentId,
        a.handled,
        a.firstResponse,
        a.satisfaction,
      ]),
    ).toEqual([
      [oli.id, 1, { count: 1, medianSeconds: 1200 }, { ratings: 1, satisfied: 0, satisfiedShare: 0 }],
      [oscar.id, 0, { count: 0, medianSeconds: null }, { ratings: 0, satisfied: 0, satisfiedShare: 0 }],
    ]);
    // The first shop's lists hold none of the other shop's agents, and its figures were exact above.
    expect((await agents({ from, to: D3 })).agents.map((a: { agentId: string }) => a.agentId)).toEqual([ann.id, bo.id, zoe.id]);
    expect((await summary({ from, to: D3 })).opened.total).toBe(12);
    expect((await metricsJson(t, key, 'paid-orders', { from: '2026-11-09', to: '2026-11-09' })).days).toEqual([{ date: '2026-11-09', paidOrders: null }]);

    const foreign = await t.http.put(`/v1/cases/${o.O1}/rating`).set(bearer(key)).send({ rating: 'satisfied' });
    expectProblem(foreign, 404, 'CASE_NOT_FOUND');
    const unknown = await t.http.put(`/v1/cases/${randomUUID()}/rating`).set(bearer(key)).send({ rating: 'satisfied' });
    expectProblem(unknown, 404, 'CASE_NOT_FOUND');
    // Nothing changed for either shop.
    expect((await summary({ from, to: D3 }, otherKey)).satisfaction).toMatchObject({ ratings: 1, dissatisfied: 1 });
  });

  it('should give zeros, empty amounts and null medians for a period with nothing in it', async () => {
    const period = periodOf('2026-10-01', '2026-10-05', SHANGHAI);
    expect(await summary({ from: '2026-10-01', to: '2026-10-05' })).toEqual(emptySummary(shop.id, 'Asia/Shanghai', period));
    expect((await series('firstResponseMedian', '2026-10-01', '2026-10-03')).points).toEqual(
      pointsFrom('2026-10-01', SHANGHAI, [
        [null, 0],
        [null, 0],
        [null, 0],
      ]),
    );
    expect((await series('satisfiedShare', '2026-10-01', '2026-10-02')).points).toEqual(
      pointsFrom('2026-10-01', SHANGHAI, [
        [0, 0],
        [0, 0],
      ]),
    );
    const quiet = await agents({ from: '2026-10-01', to: '2026-10-05' });
    expect(
      quiet.agents.map((a: { handled: number; openNow: number; firstResponse: unknown; satisfaction: unknown }) => [
        a.handled,
        a.openNow,
        a.firstResponse,
        a.satisfaction,
      ]),
    ).toEqual([
      [0, 1, { count: 0, medianSeconds: null }, { ratings: 0, satisfied: 0, satisfiedShare: 0 }],
      [0, 2, { count: 0, medianSeconds: null }, { ratings: 0, satisfied: 0, satisfiedShare: 0 }],
      [0, 0, { count: 0, medianSeconds: null }, { ratings: 0, satisfied: 0, satisfiedShare: 0 }],
    ]);
  });

  it('should answer every metrics endpoint in CSV with the same values as the JSON', async () => {
    const query = { from: D1, to: D3 };
    const json = await summary(query);
    const csv = await metricsCsv(t, key, 'summary', query);
    expect(csv.contentType).toBe('text/csv; charset=utf-8');
    expect(csv.header).toEqual(['metric', 'value']);
    const expectedLeaves = leaves(json);
    expect(csv.rows.map((r) => r.metric)).toEqual(expectedLeaves.map(([name]) => name));
    for (const [name, value] of expectedLeaves) {
      const cell = csv.rows.find((r) => r.metric === name)!.value;
      if (typeof value === 'number' && !Number.isInteger(value)) expect([name, Number(cell)]).toEqual([name, expect.closeTo(value, 12)]);
      else expect([name, cell]).toEqual([name, cellOf(value)]);
    }
    const byName = Object.fromEntries(csv.rows.map((r) => [r.metric, r.value]));
    expect(byName).toMatchObject({
      'opened.total': '12',
      'opened.byType.refund': '7',
      'autoApproved.amount.CNY': '19900',
      'firstResponse.medianSeconds': '3600',
      'qualityRefundRate.basis': 'paid_orders',
      'qualityRefundRate.paidOrders': '3000',
      'satisfaction.goldTeam.met': 'false',
      'period.from': D1,
      'intervention.window.from': '2026-10-14',
    });
    const emptyCsv = await metricsCsv(t, key, 'summary', { from: '2026-10-01', to: '2026-10-05' });
    const emptyByName = Object.fromEntries(emptyCsv.rows.map((r) => [r.metric, r.value]));
    expect(emptyByName).toMatchObject({
      'opened.total': '0',
      'firstResponse.medianSeconds': '',
      'qualityRefundRate.paidOrders': '',
      'qualityRefundRate.basis': 'refunds',
    });

    const seriesCsv = await metricsCsv(t, key, 'timeseries', { metric: 'firstResponseMedian', from: '2026-11-09', to: D3 });
    expect(seriesCsv.contentType).toBe('text/csv; charset=utf-8');
    expect(seriesCsv.header).toEqual(['date', 'value', 'n']);
    expect(seriesCsv.rows).toEqual([
      { date: '2026-11-09', value: '', n: '0' },
      { date: D1, value: '1800', n: '4' },
      { date: D2, value: '30600', n: '2' },
      { date: D3, value: '', n: '0' },
    ]);
    const rateCsv = await metricsCsv(t, key, 'timeseries', { metric: 'qualityRefundRate', from: '2026-11-09', to: D3 });
    expect(rateCsv.header).toEqual(['date', 'value', 'n', 'basis']);
    expect(rateCsv.rows.map((r) => [r.date, Number(r.value), r.n, r.basis])).toEqual([
      ['2026-11-09', 0, '0', 'refunds'],
      [D1, expect.closeTo(1 / 1000, 12), '1000', 'paid_orders'],
      [D2, expect.closeTo(3 / 1500, 12), '1500', 'paid_orders'],
      [D3, 0, '500', 'paid_orders'],
    ]);

    const agentsCsv = await metricsCsv(t, zoe.token, 'agents', query);
    expect(agentsCsv.contentType).toBe('text/csv; charset=utf-8');
    expect(agentsCsv.header).toEqual([
      'agentId',
      'displayName',
      'role',
      'active',
      'handled',
      'openNow',
      'overdueNow',
      'dueSoonNow',
      'firstResponses',
      'firstResponseMedianSeconds',
      'ratings',
      'satisfied',
      'satisfiedShare',
    ]);
    expect(agentsCsv.rows.map((r) => ({ ...r, satisfiedShare: Number(r.satisfiedShare) }))).toEqual([
      {
        agentId: ann.id,
        displayName: 'Ann Agent',
        role: 'agent',
        active: 'true',
        handled: '4',
        openNow: '1',
        overdueNow: '0',
        dueSoonNow: '1',
        firstResponses: '3',
        firstResponseMedianSeconds: '3600',
        ratings: '2',
        satisfied: '1',
        satisfiedShare: 0.5,
      },
      {
        agentId: bo.id,
        displayName: 'Bo Agent',
        role: 'agent',
        active: 'true',
        handled: '2',
        openNow: '2',
        overdueNow: '1',
        dueSoonNow: '0',
        firstResponses: '3',
        firstResponseMedianSeconds: '5400',
        ratings: '2',
        satisfied: '0',
        satisfiedShare: 0,
      },
      {
        agentId: zoe.id,
        displayName: 'Zoe Supervisor',
        role: 'supervisor',
        active: 'true',
        handled: '0',
        openNow: '0',
        overdueNow: '0',
        dueSoonNow: '0',
        firstResponses: '0',
        firstResponseMedianSeconds: '',
        ratings: '0',
        satisfied: '0',
        satisfiedShare: 0,
      },
    ]);
  });

  it('should default to the 30 shop days ending today', async () => {
    const defaults = await summary({});
    expect(defaults.period).toEqual(periodOf('2026-10-14', D3, SHANGHAI));
    expect(defaults).toEqual(await summary({ from: '2026-10-14', to: D3 }));
    expect(defaults.opened.total).toBe(12);
    const defaultSeries = await metricsJson(t, key, 'timeseries', { metric: 'opened' });
    expect(defaultSeries).toMatchObject({ interval: 'day', from: '2026-10-14', to: D3 });
    expect(defaultSeries.points).toHaveLength(30);
    expect(defaultSeries.points.slice(-3).map((p: { value: number }) => p.value)).toEqual([8, 2, 2]);
    expect((await agents({})).period).toEqual(periodOf('2026-10-14', D3, SHANGHAI));
  });

  it('should keep a repeated rating where it was and report the rating as counted', async () => {
    // Reported again unchanged at +29h: still the rating reported at +5h (D1), for Ann.
    expect(firstRatings.C1).toMatchObject({ caseId: c.C1, rating: 'satisfied', ratedAt: at(4.5), reportedAt: at(5), agentId: ann.id, comment: '很满意' });
    expect(firstRatings.C1again).toMatchObject({ caseId: c.C1, rating: 'satisfied', reportedAt: at(5), agentId: ann.id });
  });

  it('should not freeze settled days: a replaced rating, a corrected paid-order count and a new case show at once', async () => {
    // Read D1–D2 (both settled: over for more than an hour) so they may be cached.
    expect((await summary({ from: D1, to: D2 })).satisfaction).toEqual({
      ratings: 5,
      satisfied: 2,
      neutral: 1,
      dissatisfied: 2,
      satisfiedShare: ratio(2, 5),
      goldTeam: GOLD_TEAM_NOT_MET,
    });
    expect((await series('satisfiedShare', D1, D3)).points).toEqual(
      pointsFrom(D1, SHANGHAI, [
        [1, 1],
        [ratio(1, 4), 4],
        [0, 0],
      ]),
    );

    // C1's satisfied (reported on D1) becomes dissatisfied, reported now (D3), still Ann's case.
    const replaced = await rate(key, c.C1, { rating: 'dissatisfied', ratedAt: at(50.5) });
    expect(replaced).toMatchObject({ caseId: c.C1, rating: 'dissatisfied', ratedAt: at(50.5), reportedAt: at(51), agentId: ann.id });

    expect((await summary({ from: D1, to: D2 })).satisfaction).toEqual({
      ratings: 4,
      satisfied: 1,
      neutral: 1,
      dissatisfied: 2,
      satisfiedShare: ratio(1, 4),
      goldTeam: GOLD_TEAM_NOT_MET,
    });
    expect((await summary({ from: D1, to: D3 })).satisfaction).toEqual({
      ratings: 5,
      satisfied: 1,
      neutral: 1,
      dissatisfied: 3,
      satisfiedShare: ratio(1, 5),
      goldTeam: GOLD_TEAM_NOT_MET,
    });
    expect((await series('satisfiedShare', D1, D3)).points).toEqual(
      pointsFrom(D1, SHANGHAI, [
        [0, 0],
        [ratio(1, 4), 4],
        [0, 1],
      ]),
    );
    const annNow = (await agents({ from: D1, to: D3 })).agents.find((a: { agentId: string }) => a.agentId === ann.id);
    expect(annNow.satisfaction).toEqual({ ratings: 2, satisfied: 0, satisfiedShare: 0 });

    // A corrected paid-order count of a settled day.
    await paidOrders(key, [{ date: D1, paidOrders: 2000 }]);
    expect((await summary({ from: D1, to: D3 })).qualityRefundRate).toMatchObject({ basis: 'paid_orders', paidOrders: 4000, rate: ratio(4, 4000) });
    expect((await series('qualityRefundRate', D1, D1)).points).toEqual(pointsFrom(D1, SHANGHAI, [[ratio(1, 2000), 2000, 'paid_orders']]));

    // Today is not settled: a new case counts as soon as it is opened.
    expect((await summary({ from: D3, to: D3 })).opened.total).toBe(2);
    await open(key, { type: 'complaint', reasonCode: 'other', requestedAmount: 1000 });
    expect((await summary({ from: D3, to: D3 })).opened).toEqual({ total: 3, byType: { refund: 1, return: 1, exchange: 0, complaint: 1 } });
    expect((await summary({ from: D1, to: D2 })).opened.total).toBe(10);
  });

  it('should keep each agent’s count of open cases equal to the open cases they hold', async () => {
    const counters = await openCaseCounters(t);
    // Ann: C12 open (C1 C2 C6 C9 archived); Bo: C3 C11 (C7 transferred to him and archived, C4 archived).
    expect(counters.filter((row) => row.agentId === ann.id || row.agentId === bo.id)).toEqual(
      expect.arrayContaining([
        { agentId: ann.id, counter: 1, live: 1 },
        { agentId: bo.id, counter: 2, live: 2 },
      ]),
    );
    expect(counters.filter((row) => row.counter !== row.live)).toEqual([]);
  });

  it('should let another instance change a settled day this one keeps in memory, and show the change at once', async () => {
    const second = await startTestInstance(t.databaseUrl, t.adminToken, { DB_POOL_SIZE: '2' });
    try {
      second.clock.set(t.clock.now());
      const before = { ratings: 4, satisfied: 1, neutral: 1, dissatisfied: 2, satisfiedShare: ratio(1, 4), goldTeam: GOLD_TEAM_NOT_MET };
      // Both instances have read (and keep) D1–D2.
      expect((await summary({ from: D1, to: D2 })).satisfaction).toEqual(before);
      const read = await second.http.get('/v1/metrics/summary').query({ from: D1, to: D2 }).set(bearer(key));
      expect(read.body.satisfaction).toEqual(before);
      // Through the second instance, C7's neutral (reported on D2, Bo's) becomes satisfied, reported now (D3).
      const replaced = await second.http.put(`/v1/cases/${c.C7}/rating`).set(bearer(key)).send({ rating: 'satisfied' });
      expect(replaced.status).toBe(200);
      expect(replaced.body).toMatchObject({ rating: 'satisfied', reportedAt: at(51), agentId: bo.id });
      const after = { ratings: 3, satisfied: 1, neutral: 0, dissatisfied: 2, satisfiedShare: ratio(1, 3), goldTeam: GOLD_TEAM_NOT_MET };
      // The second instance computes D2 again and stores it (a new generation) …
      const reread = await second.http.get('/v1/metrics/summary').query({ from: D1, to: D2 }).set(bearer(key));
      expect(reread.body.satisfaction).toEqual(after);
      // … so this instance's copy of D2 is no longer the stored one: it reads the day again.
      expect((await summary({ from: D1, to: D2 })).satisfaction).toEqual(after);
      // D2: C2 and C4 dissatisfied, C8 satisfied · D3: C1 dissatisfied, C7 satisfied.
      expect((await series('satisfiedShare', D2, D3)).points).toEqual(
        pointsFrom(D2, SHANGHAI, [
          [ratio(1, 3), 3],
          [ratio(1, 2), 2],
        ]),
      );
    } finally {
      await second.app.close();
    }
  });
});

describe('metrics: the 30-day intervention window, validation and a new shop', () => {
  let t: TestApp;
  let shop: ShopFixture;
  let key: string;
  let agent: NamedAgent;
  let supervisor: NamedAgent;
  let auditor: NamedAgent;
  let caseId: string;
  const open = (overrides: Record<string, unknown> = {}) => openCase(t, key, { requestedAmount: 1000, ...overrides }).then((body) => body.id as string);
  const summary = (query: Record<string, string>, token = key) => metricsJson(t, token, 'summary', query);

  beforeAll(async () => {
    t = await createTestApp({ SESSION_TTL_HOURS: '2000' });
    t.clock.set('2026-11-02T02:00:00.000Z'); // 10:00 on 11-02 in Shanghai
    shop = await createShop(t, { timezone: 'Asia/Shanghai' });
    key = (await createApiKey(t, shop.id)).key;
    agent = await namedAgent(t, shop, 'agent', 'Al');
    supervisor = await namedAgent(t, shop, 'supervisor', 'Sue');
    auditor = await namedAgent(t, shop, 'auditor', 'Audra');
    // Z1 (intervened) and Z2 on 11-02: 35 days before 12-07.
    const z1 = await open();
    caseId = await open();
    t.clock.set('2026-11-02T03:00:00.000Z');
    await send(t, key, z1, { type: 'PLATFORM_INTERVENED' });
    // Z3 (intervened) and Z4 on 11-20.
    t.clock.set('2026-11-20T02:00:00.000Z');
    const z3 = await open();
    await open();
    t.clock.set('2026-11-20T03:00:00.000Z');
    await send(t, key, z3, { type: 'PLATFORM_INTERVENED' });
    // Z5 (intervened) on 12-07.
    t.clock.set('2026-12-07T02:00:00.000Z');
    const z5 = await open({ type: 'return', reasonCode: 'not_as_described' });
    await send(t, key, z5, { type: 'PLATFORM_INTERVENED' });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('should count interventions and cases over the 30 shop days ending on `to`, leaving out a case 35 days old', async () => {
    const december = await summary({ from: '2026-12-01', to: '2026-12-07' });
    // Window 11-08 … 12-07: Z3 Z4 Z5 opened, Z3 Z5 intervened; Z1 and Z2 (11-02) are outside it.
    expect(december.intervention).toEqual({ window: { from: '2026-11-08', to: '2026-12-07', days: 30 }, volume: 2, cases: 3, rate: ratio(2, 3) });
    expect(december.opened).toEqual({ total: 1, byType: { refund: 0, return: 1, exchange: 0, complaint: 0 } });
    // Ending 12-01 the window starts 11-02 (Z1 and Z2 in); ending 12-02 it starts 11-03 (out).
    expect((await summary({ from: '2026-12-01', to: '2026-12-01' })).intervention).toEqual({
      window: { from: '2026-11-02', to: '2026-12-01', days: 30 },
      volume: 2,
      cases: 4,
      rate: ratio(2, 4),
    });
    expect((await summary({ from: '2026-12-02', to: '2026-12-02' })).intervention).toEqual({
      window: { from: '2026-11-03', to: '2026-12-02', days: 30 },
      volume: 1,
      cases: 2,
      rate: ratio(1, 2),
    });
    const volume = await metricsJson(t, key, 'timeseries', { metric: 'interventionVolume30d', from: '2026-11-30', to: '2026-12-02' });
    expect(volume.points).toEqual(
      pointsFrom('2026-11-30', SHANGHAI, [
        [2, 4],
        [2, 4],
        [1, 2],
      ]),
    );
    const rate = await metricsJson(t, key, 'timeseries', { metric: 'interventionRate30d', from: '2026-12-06', to: '2026-12-07' });
    // 12-06: 11-07 … 12-06 holds Z3 Z4, Z3 intervened; 12-07 adds Z5.
    expect(rate.points).toEqual(
      pointsFrom('2026-12-06', SHANGHAI, [
        [ratio(1, 2), 2],
        [ratio(2, 3), 3],
      ]),
    );
    // The whole period's intervention figures use the window ending on `to`, whatever `from` is.
    expect((await summary({ from: '2026-11-01', to: '2026-12-07' })).intervention).toEqual(december.intervention);
    expect((await summary({ from: '2026-11-01', to: '2026-12-07' })).opened.total).toBe(5);
  });

  it('should answer bad periods with 400 naming the field, on every endpoint', async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ from: '2026-13-01', to: '2026-12-01' }, 'from'],
      [{ from: '2026-02-30', to: '2026-03-01' }, 'from'],
      [{ from: '2026/11/01', to: '2026-12-01' }, 'from'],
      [{ from: '2026-11-01', to: 'tomorrow' }, 'to'],
      [{ from: '2026-11-01', to: '2026-11-31' }, 'to'],
      [{ from: '2026-12-02', to: '2026-12-01' }, 'from'],
      [{ from: '2025-01-01', to: '2026-01-02' }, 'to'], // 367 days
    ];
    for (const path of ['summary', 'agents', 'timeseries']) {
      for (const [query, field] of cases) {
        const res = await t.http
          .get(`/v1/metrics/${path}`)
          .query({ ...(path === 'timeseries' ? { metric: 'opened' } : {}), ...query })
          .set(bearer(key));
        expectProblem(res, 400, 'VALIDATION_FAILED');
        expect({ path, query, fields: fieldsOf(res.body) }).toEqual({ path, query, fields: [field] });
      }
    }
    // 366 days is the longest period.
    const longest = await summary({ from: '2025-01-01', to: '2026-01-01' });
    expect(longest.period).toEqual(periodOf('2025-01-01', '2026-01-01', SHANGHAI));
    expect(longest.period.days).toBe(366);
  });

  it('should let the shop’s agents and key read metrics, and refuse the admin token', async () => {
    for (const token of [key, agent.token, supervisor.token, auditor.token]) {
      expect((await summary({ from: '2026-12-07', to: '2026-12-07' }, token)).opened.total).toBe(1);
    }
    expectProblem(await t.http.get('/v1/metrics/summary').set(bearer(t.adminToken)), 403, 'FORBIDDEN');
    expectProblem(await t.http.get('/v1/metrics/agents').set(bearer(t.adminToken)), 403, 'FORBIDDEN');
  });

  it('should take paid-order counts from the shop’s key only, replace listed days and validate the body', async () => {
    for (const token of [agent.token, supervisor.token, auditor.token]) {
      expectProblem(
        await t.http
          .put('/v1/metrics/paid-orders')
          .set(bearer(token))
          .send({ days: [{ date: '2026-12-01', paidOrders: 1 }] }),
        403,
        'FORBIDDEN',
      );
    }
    const saved = await t.http
      .put('/v1/metrics/paid-orders')
      .set(bearer(key))
      .set('Idempotency-Key', randomUUID())
      .send({
        days: [
          { date: '2026-12-03', paidOrders: 2_000_000_000 },
          { date: '2026-12-01', paidOrders: 0 },
        ],
      });
    expect(saved.status).toBe(200);
    expect(saved.body).toEqual({
      days: [
        { date: '2026-12-01', paidOrders: 0 },
        { date: '2026-12-03', paidOrders: 2_000_000_000 },
      ],
    });
    const replaced = await t.http
      .put('/v1/metrics/paid-orders')
      .set(bearer(key))
      .send({ days: [{ date: '2026-12-03', paidOrders: 70 }] });
    expect(replaced.body).toEqual({ days: [{ date: '2026-12-03', paidOrders: 70 }] });
    expect(await metricsJson(t, agent.token, 'paid-orders', { from: '2026-12-01', to: '2026-12-03' })).toEqual({
      from: '2026-12-01',
      to: '2026-12-03',
      days: [
        { date: '2026-12-01', paidOrders: 0 },
        { date: '2026-12-02', paidOrders: null },
        { date: '2026-12-03', paidOrders: 70 },
      ],
    });
    // A day with 0 paid orders is known: the rate is 0, not an error.
    expect((await summary({ from: '2026-12-01', to: '2026-12-01' })).qualityRefundRate).toMatchObject({
      basis: 'paid_orders',
      rate: 0,
      paidOrders: 0,
      paidOrderDaysKnown: 1,
    });

    const tooMany = Array.from({ length: 401 }, (_, i) => ({ date: addDays('2025-01-01', i), paidOrders: 1 }));
    const bad: Array<[unknown, string]> = [
      [{}, 'days'],
      [{ days: [] }, 'days'],
      [{ days: 'all' }, 'days'],
      [{ days: tooMany }, 'days'],
      [
        {
          days: [
            { date: '2026-12-01', paidOrders: 1 },
            { date: '2026-12-01', paidOrders: 2 },
          ],
        },
        'days',
      ],
      [{ days: [{ date: '2026-12-1', paidOrders: 1 }] }, 'days.0.date'],
      [{ days: [{ date: '2026-02-30', paidOrders: 1 }] }, 'days.0.date'],
      [{ days: [{ paidOrders: 1 }] }, 'days.0.date'],
      [{ days: [{ date: '2026-12-01', paidOrders: -1 }] }, 'days.0.paidOrders'],
      [{ days: [{ date: '2026-12-01', paidOrders: 1.5 }] }, 'days.0.paidOrders'],
      [{ days: [{ date: '2026-12-01', paidOrders: 2_000_000_001 }] }, 'days.0.paidOrders'],
      [{ days: [{ date: '2026-12-01', paidOrders: '10' }] }, 'days.0.paidOrders'],
      [{ days: [{ date: '2026-12-01', paidOrders: 5 }, { date: '2026-12-02' }] }, 'days.1.paidOrders'],
    ];
    for (const [body, field] of bad) {
      const res = await t.http
        .put('/v1/metrics/paid-orders')
        .set(bearer(key))
        .send(body as object);
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect({ body: JSON.stringify(body).slice(0, 80), fields: fieldsOf(res.body) }).toEqual({
        body: JSON.stringify(body).slice(0, 80),
        fields: expect.arrayContaining([field]),
      });
    }
    // None of the refused bodies changed anything.
    expect((await metricsJson(t, key, 'paid-orders', { from: '2026-12-01', to: '2026-12-02' })).days).toEqual([
      { date: '2026-12-01', paidOrders: 0 },
      { date: '2026-12-02', paidOrders: null },
    ]);
  });

  it('should validate ratings and take them from the shop’s key only', async () => {
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ rating: 'great' }, 'rating'],
      [{}, 'rating'],
      [{ rating: 'satisfied', comment: 'x'.repeat(501) }, 'comment'],
      [{ rating: 'satisfied', ratedAt: 'yesterday' }, 'ratedAt'],
    ];
    for (const [body, field] of bad) {
      const res = await t.http.put(`/v1/cases/${caseId}/rating`).set(bearer(key)).send(body);
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(res.body)).toContain(field);
    }
    expectProblem(await t.http.put(`/v1/cases/${caseId}/rating`).set(bearer(agent.token)).send({ rating: 'satisfied' }), 403, 'FORBIDDEN');
    expectProblem(await t.http.put(`/v1/cases/${randomUUID()}/rating`).set(bearer(key)).send({ rating: 'satisfied' }), 404, 'CASE_NOT_FOUND');
    expect((await summary({ from: '2026-12-07', to: '2026-12-07' })).satisfaction.ratings).toBe(0);

    const now = t.clock.now().toISOString();
    const res = await t.http
      .put(`/v1/cases/${caseId}/rating`)
      .set(bearer(key))
      .send({ rating: 'neutral', ratedAt: '2026-12-06T23:00:00.000Z', comment: 'x'.repeat(500) });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ caseId, rating: 'neutral', ratedAt: '2026-12-06T23:00:00.000Z', reportedAt: now, agentId: null, comment: 'x'.repeat(500) });
    // Counted on the day it was reported (12-07), although the case opened on 11-02.
    expect((await summary({ from: '2026-12-07', to: '2026-12-07' })).satisfaction).toMatchObject({ ratings: 1, neutral: 1, satisfiedShare: 0 });
    expect((await summary({ from: '2026-11-02', to: '2026-11-02' })).satisfaction.ratings).toBe(0);
  });

  it('should document the metrics endpoints and the order system’s calls in OpenAPI, with examples', async () => {
    const docs = await t.http.get('/docs/json');
    expect(docs.status).toBe(200);
    const paths = docs.body.paths;
    const examplesOf = (operation: { requestBody?: { content: Record<string, { examples?: object }> } }) =>
      Object.keys(operation.requestBody?.content['application/json'].examples ?? {});
    expect(examplesOf(paths['/v1/metrics/paid-orders'].put)).toEqual(['twoDays']);
    expect(examplesOf(paths['/v1/cases/{caseId}/rating'].put)).toEqual(['satisfied', 'dissatisfied']);
    for (const path of ['/v1/metrics/summary', '/v1/metrics/timeseries', '/v1/metrics/agents']) {
      expect(Object.keys(paths[path].get.responses['200'].content ?? {})).toEqual(expect.arrayContaining(['application/json', 'text/csv']));
    }
    expect(paths['/v1/metrics/timeseries'].get.parameters.find((p: { name: string }) => p.name === 'metric').schema.enum).toContain('interventionRate30d');
  });

  it('should give a brand-new shop zeros everywhere, in JSON and CSV', async () => {
    const fresh = await createShop(t, { timezone: 'Asia/Kolkata' });
    const freshKey = (await createApiKey(t, fresh.id)).key;
    const freshAgent = await namedAgent(t, fresh, 'agent', 'New Agent');
    // Now is 2026-12-07T02:00Z = 07:30 on 12-07 in Kolkata.
    const period = periodOf('2026-11-08', '2026-12-07', '+05:30');
    expect(await summary({}, freshKey)).toEqual(emptySummary(fresh.id, 'Asia/Kolkata', period));
    const series = await metricsJson(t, freshKey, 'timeseries', { metric: 'resolutionMedian' });
    expect(series.points).toEqual(
      pointsFrom(
        '2026-11-08',
        '+05:30',
        Array.from({ length: 30 }, () => [null, 0] as [unknown, number]),
      ),
    );
    expect(await metricsJson(t, freshAgent.token, 'agents', {})).toEqual({
      period,
      timezone: 'Asia/Kolkata',
      asOf: t.clock.now().toISOString(),
      agents: [
        {
          agentId: freshAgent.id,
          displayName: 'New Agent',
          role: 'agent',
          active: true,
          handled: 0,
          openNow: 0,
          overdueNow: 0,
          dueSoonNow: 0,
          firstResponse: { count: 0, medianSeconds: null },
          satisfaction: { ratings: 0, satisfied: 0, satisfiedShare: 0 },
        },
      ],
    });
    const csv = await metricsCsv(t, freshKey, 'summary', {});
    const byName = Object.fromEntries(csv.rows.map((r) => [r.metric, r.value]));
    expect(byName).toMatchObject({ 'opened.total': '0', 'resolution.medianSeconds': '', 'satisfaction.satisfiedShare': '0', 'period.from': '2026-11-08' });
  });

  it('should take today from the shop’s zone for the default period', async () => {
    // 16:30Z on 12-07 is already 00:30 on 12-08 in Shanghai.
    t.clock.set('2026-12-07T16:30:00.000Z');
    const defaults = await summary({});
    expect(defaults.period).toEqual(periodOf('2026-11-09', '2026-12-08', SHANGHAI));
    expect(defaults.intervention.window).toEqual({ from: '2026-11-09', to: '2026-12-08', days: 30 });
    expect(defaults.opened.total).toBe(3); // Z3 Z4 Z5
  });
});
