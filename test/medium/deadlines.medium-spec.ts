import { randomBytes } from 'node:crypto';
import { DEADLINE_RETRY_SCHEDULED, TIMER_ACTOR } from '../../src/cases/case-engine.js';
import { CaseException } from '../../src/cases/case.problems.js';
import { WEBHOOK_EVENT_TYPES } from '../../src/webhooks/webhook-events.js';
import { createEngineHarness, type EngineHarness } from './support/engine-harness.js';
import {
  agentActor,
  assign,
  auditTrail,
  caseRow,
  insertAgent,
  insertEndpoint,
  insertShop,
  metricFacts,
  openCaseCounts,
  openCommand,
  outbox,
  timerRows,
  verifyChain,
  type ShopRow,
} from './support/fixtures.js';
import { outline, writesOf } from './support/sql-log.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('CaseEngine deadlines on PostgreSQL', () => {
  let h: EngineHarness;
  let shop: ShopRow;
  let agent: string;
  let endpoint: string;

  beforeAll(async () => {
    h = await createEngineHarness();
    shop = await insertShop(h.db);
    agent = await insertAgent(h.db, shop.id);
    endpoint = await insertEndpoint(h.db, shop.id, [...WEBHOOK_EVENT_TYPES]);
  });

  afterAll(async () => {
    await h?.close();
  });

  /** A timer row as the engine would have scheduled it (the machine holds one deadline per state, so a second comes from here). */
  async function insertTimer(caseId: string, timerId: string, event: string, dueAt: Date): Promise<void> {
    await h.db.query(`INSERT INTO case_timers (case_id, timer_id, shop_id, event, due_at) VALUES ($1, $2, $3, $4, $5)`, [
      caseId,
      timerId,
      shop.id,
      { type: event },
      dueAt,
    ]);
  }

  it('should fire two due deadlines of one case in one batch in order, with their outbox messages in order, and drop a stale one', async () => {
    const command = openCommand(shop, h.clock.now(), { type: 'return' });
    const returning = (await h.engine.open(command)).record.record;
    await assign(h, shop.id, returning.id, agent);
    const merchantResponseDue = new Date(command.requestedAt.getTime() + 48 * HOUR);
    // Due right after the merchant's window: the return window, as if the sweeper had been away that long.
    await insertTimer(returning.id, 'buyer-return', 'BUYER_RETURN_EXPIRED', new Date(merchantResponseDue.getTime() + MINUTE));
    // A deadline its case's state no longer handles (the case's own window is not due in this batch).
    const other = (await h.engine.open(openCommand(shop, h.clock.now(), { requestedAt: h.clock.now() }))).record.record;
    await insertTimer(other.id, 'buyer-escalation', 'BUYER_ESCALATION_EXPIRED', new Date(h.clock.now().getTime() + HOUR));
    const otherBefore = { row: await caseRow(h.db, other.id), outbox: await outbox(h.db, other.id) };
    const countersBefore = (await openCaseCounts(h.db, shop.id))[agent];

    h.clock.set(new Date(merchantResponseDue.getTime() + 2 * MINUTE));
    const { result, error, statements } = await h.sql.capture(() =>
      h.transactions.run(async (tx) => {
        const claimed = await h.timers.claimDue(tx, h.clock.now(), 100);
        const names = claimed.map((c) => `${c.timer.caseId === returning.id ? 'returning' : 'other'}/${c.timer.timerId}`);
        return { claimed: names, ...(await h.engine.fireTimersIn(tx, claimed)) };
      }),
    );
    expect(error).toBeUndefined();
    expect(result).toEqual({ claimed: ['other/buyer-escalation', 'returning/merchant-response', 'returning/buyer-return'], fired: 2, stale: 1 });
    // The claim, then one statement for both deadlines, the stale timer's removal and every contribution.
    expect(outline(statements)).toEqual(['START TRANSACTION', 'read', 'write', 'COMMIT']);
    expect([...writesOf(statements)[0].writes].sort()).toEqual(['agent_open_cases', 'case_events', 'case_timers', 'cases', 'metric_facts', 'webhook_messages']);

    const trail = await auditTrail(h.db, returning.id);
    expect(trail.slice(2)).toEqual([
      expect.objectContaining({ seq: 3, type: 'MERCHANT_RESPONSE_EXPIRED', from_state: 'open.contact', to_state: 'followUp.awaitingReturn' }),
      expect.objectContaining({ seq: 4, type: 'BUYER_RETURN_EXPIRED', from_state: 'followUp.awaitingReturn', to_state: 'archived' }),
    ]);
    expect(await verifyChain(h.db, shop.id, returning.id)).toMatchObject({ valid: true, eventsChecked: 4 });
    expect(await caseRow(h.db, returning.id)).toMatchObject({
      state: 'archived',
      version: 4,
      event_seq: 4,
      chain_head: trail[3].hash,
      reserved_amount: 0,
      due_at: null,
    });
    // The second deadline's transition cancelled the timer the first one scheduled: nothing is left.
    expect(await timerRows(h.db, returning.id)).toEqual([]);

    const messages = (await outbox(h.db, returning.id)).map((m) => ({ type: m.event_type, event: m.payload.data.event, state: m.payload.data.state }));
    expect(messages).toEqual([
      { type: 'case.opened', event: 'CASE_OPENED', state: 'open.contact' },
      { type: 'case.state_changed', event: 'MERCHANT_RESPONSE_EXPIRED', state: 'followUp.awaitingReturn' },
      { type: 'refund.auto_approved', event: 'MERCHANT_RESPONSE_EXPIRED', state: 'followUp.awaitingReturn' },
      { type: 'case.state_changed', event: 'BUYER_RETURN_EXPIRED', state: 'archived' },
      { type: 'case.archived', event: 'BUYER_RETURN_EXPIRED', state: 'archived' },
    ]);
    expect((await outbox(h.db, returning.id)).every((m) => m.endpoint_id === endpoint)).toBe(true);
    expect(await metricFacts(h.db, returning.id)).toEqual([
      { seq: 1, kind: 'opened', label: null, agent_id: null },
      { seq: 3, kind: 'response', label: 'missed', agent_id: agent },
      { seq: 4, kind: 'archived', label: 'closed_no_return', agent_id: agent },
    ]);
    expect((await openCaseCounts(h.db, shop.id))[agent]).toEqual({ counter: countersBefore.counter - 1, actual: countersBefore.counter - 1 });

    // The stale deadline is gone and its case untouched.
    expect((await timerRows(h.db, other.id)).map((t) => t.timer_id)).toEqual(['merchant-response']);
    expect(await caseRow(h.db, other.id)).toEqual(otherBefore.row);
    expect(await outbox(h.db, other.id)).toEqual(otherBefore.outbox);
  });

  it('should keep a failed deadline at its due time, with a retry time, one attempt and a DEADLINE_RETRY_SCHEDULED that chains', async () => {
    // Two cases of one order paid 1,000, each asking 1,000: once the first holds the money, the second's auto-approval cannot.
    const orderId = `ORD-${randomBytes(5).toString('hex')}`;
    const holder = (await h.engine.open(openCommand(shop, h.clock.now(), { orderId, paidTotal: 1_000, requestedAmount: 1_000 }))).record.record;
    const command = openCommand(shop, h.clock.now(), { orderId, paidTotal: 1_000, requestedAmount: 1_000 });
    const blocked = (await h.engine.open(command)).record.record;
    const propose = { type: 'PROPOSE', resolution: 'full_refund', note: 'Full.' } as const;
    await h.engine.apply({ shopId: shop.id, caseId: holder.id, event: propose, actor: agentActor(agent) });
    const platformDeadline = new Date(command.requestedAt.getTime() + 48 * HOUR).toISOString();
    const before = { row: await caseRow(h.db, blocked.id), outbox: await outbox(h.db, blocked.id), facts: await metricFacts(h.db, blocked.id) };
    expect(before.row).toMatchObject({ due_at: platformDeadline, due_timer: 'merchant-response', version: 1 });

    h.clock.set(new Date(new Date(platformDeadline).getTime() + MINUTE));
    const retryAt = new Date(h.clock.now().getTime() + 2 * MINUTE);
    // As the sweeper does it: the fire under a savepoint, rolled back, then the postponement in the same transaction.
    const postponed = await h.transactions.run(async (tx) => {
      const claimed = (await h.timers.claimDue(tx, h.clock.now(), 100)).filter((c) => c.timer.caseId === blocked.id);
      expect(claimed.map((c) => c.timer.timerId)).toEqual(['merchant-response']);
      await tx.query('SAVEPOINT fire_timer');
      const failure = await h.engine.fireTimersIn(tx, claimed).then(
        () => undefined,
        (error: unknown) => error,
      );
      await tx.query('ROLLBACK TO SAVEPOINT fire_timer');
      expect(failure).toBeInstanceOf(CaseException);
      expect(failure).toMatchObject({ code: 'REFUNDABLE_AMOUNT_EXCEEDED' });
      return h.sql.capture(() => h.engine.postponeTimerIn(tx, claimed[0].timer, retryAt, failure));
    });
    expect(postponed.error).toBeUndefined();
    // In the caller's transaction: lock and load the case, then one write.
    expect(outline(postponed.statements)).toEqual(['read', 'write']);
    expect([...writesOf(postponed.statements)[0].writes].sort()).toEqual(['case_events', 'case_timers', 'cases']);

    expect(await timerRows(h.db, blocked.id)).toEqual([
      {
        timer_id: 'merchant-response',
        due_at: platformDeadline,
        retry_at: retryAt.toISOString(),
        attempts: 1,
        last_error: expect.stringMatching(/already reserved or refunded too much/),
      },
    ]);
    // The queue's order stays the platform's deadline; only the version and the chain move.
    const row = await caseRow(h.db, blocked.id);
    expect(row).toMatchObject({
      state: 'open.contact',
      version: 2,
      event_seq: 2,
      due_at: platformDeadline,
      due_timer: 'merchant-response',
      reserved_amount: 0,
    });

    const trail = await auditTrail(h.db, blocked.id);
    expect(trail.at(-1)).toMatchObject({
      seq: 2,
      type: DEADLINE_RETRY_SCHEDULED,
      from_state: 'open.contact',
      to_state: 'open.contact',
      payload: { deadline: 'merchant-response', dueAt: platformDeadline, retryAt: retryAt.toISOString(), attempt: 1, reason: 'REFUNDABLE_AMOUNT_EXCEEDED' },
    });
    const { rows: actors } = await h.db.query(`SELECT actor_kind, actor_id FROM case_events WHERE case_id = $1 AND seq = 2`, [blocked.id]);
    expect(actors).toEqual([{ actor_kind: TIMER_ACTOR.kind, actor_id: TIMER_ACTOR.id }]);
    expect(row.chain_head).toBe(trail.at(-1)!.hash);
    expect(await verifyChain(h.db, shop.id, blocked.id)).toEqual({ casesChecked: 1, eventsChecked: 2, brokenCases: 0, valid: true, firstBroken: null });
    // No state change: no webhook and no metric fact.
    expect(await outbox(h.db, blocked.id)).toEqual(before.outbox);
    expect(await metricFacts(h.db, blocked.id)).toEqual(before.facts);

    // Claimed again at its retry time, not before.
    const claimable = () =>
      h.transactions.run(async (tx) => {
        const claimed = await h.timers.claimDue(tx, h.clock.now(), 100);
        return claimed.filter((c) => c.timer.caseId === blocked.id).map((c) => c.timer.timerId);
      });
    expect(await claimable()).toEqual([]);
    h.clock.set(retryAt);
    expect(await claimable()).toEqual(['merchant-response']);
  });
});
