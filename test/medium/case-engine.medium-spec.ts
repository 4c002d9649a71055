import { randomBytes } from 'node:crypto';
import type { CaseChangeContributor, CaseStep } from '../../src/cases/case-change.js';
import type { Actor, CaseEngine } from '../../src/cases/case-engine.js';
import { CaseException } from '../../src/cases/case.problems.js';
import type { CaseEvent } from '../../src/cases/machine/case.types.js';
import { WEBHOOK_EVENT_TYPES } from '../../src/webhooks/webhook-events.js';
import { countWrites } from '../support/db-writes.js';
import { createEngineHarness, type EngineHarness } from './support/engine-harness.js';
import {
  agentActor,
  assign,
  auditTrail,
  caseRow,
  insertAgent,
  insertEndpoint,
  insertShop,
  INTEGRATION,
  metricFacts,
  openCaseCounts,
  openCommand,
  outbox,
  timerRows,
  verifyChain,
  type ShopRow,
} from './support/fixtures.js';
import { outline, writesOf } from './support/sql-log.js';

const HOUR = 3_600_000;

/** One change as the engine sends it: lock and load the case, then one statement writes everything. */
const ONE_CHANGE = ['START TRANSACTION', 'read', 'write', 'COMMIT'];

describe('CaseEngine with its contributors on PostgreSQL', () => {
  let h: EngineHarness;
  let shop: ShopRow;
  let agent: string;
  /** Enabled, subscribed to case.opened only. */
  let openedOnly: string;
  /** Enabled, subscribed to every event type. */
  let everything: string;

  beforeAll(async () => {
    h = await createEngineHarness();
    shop = await insertShop(h.db);
    agent = await insertAgent(h.db, shop.id);
    openedOnly = await insertEndpoint(h.db, shop.id, ['case.opened']);
    everything = await insertEndpoint(h.db, shop.id, [...WEBHOOK_EVENT_TYPES]);
    // Neither may get a message: one is disabled, the other does not subscribe to case.opened.
    await insertEndpoint(h.db, shop.id, ['case.opened'], false);
    await insertEndpoint(h.db, shop.id, ['case.archived']);
    // Another shop's endpoint never sees this shop's cases.
    await insertEndpoint(h.db, (await insertShop(h.db)).id, [...WEBHOOK_EVENT_TYPES]);
  });

  afterAll(async () => {
    await h?.close();
  });

  async function open(options: Parameters<typeof openCommand>[2] = {}) {
    const { record } = await h.engine.open(openCommand(shop, h.clock.now(), options));
    return record.record;
  }

  /** Sends an event to a case, as the shop's agent unless told otherwise. */
  function send(caseId: string, event: CaseEvent, options: { actor?: Actor; expectedVersion?: number; engine?: CaseEngine } = {}) {
    const { actor = agentActor(agent), expectedVersion, engine = h.engine } = options;
    return engine.apply({ shopId: shop.id, caseId, event, actor, expectedVersion });
  }

  const PROPOSE_FULL_REFUND = { type: 'PROPOSE', resolution: 'full_refund', note: 'Full refund.' } as const satisfies CaseEvent;
  const CONTACT_BUYER = { type: 'CONTACT_BUYER', note: 'Called the buyer about the crack.' } as const satisfies CaseEvent;

  describe('opening a case', () => {
    it('should write the case, its order, its timer, CASE_OPENED, an outbox message per subscribed endpoint and the opened fact at once', async () => {
      const command = openCommand(shop, h.clock.now(), { requestedAmount: 10_000, paidTotal: 12_000 });
      const { result, error, statements } = await h.sql.capture(() => h.engine.open(command));
      expect(error).toBeUndefined();
      const caseId = result!.record.record.id;

      // One transaction: the order upsert (which locks it), the case row, then one statement for the rest.
      expect(outline(statements)).toEqual(['START TRANSACTION', 'write', 'write', 'write', 'COMMIT']);
      const [order, inserted, change] = writesOf(statements);
      expect(order.writes).toEqual(['orders']);
      expect(inserted.writes).toEqual(['cases']);
      expect([...change.writes].sort()).toEqual(['case_events', 'case_timers', 'metric_facts', 'webhook_messages']);

      const row = await caseRow(h.db, caseId);
      expect(row).toMatchObject({ state: 'open.contact', version: 1, event_seq: 1, assignee_id: null, archived_at: null, due_timer: 'merchant-response' });
      const merchantResponseDue = new Date(command.requestedAt.getTime() + 48 * HOUR).toISOString();
      expect(row.due_at).toBe(merchantResponseDue);

      const { rows: orders } = await h.db.query(
        `SELECT o.external_order_id, o.paid_total::int, o.reserved_total::int FROM orders o JOIN cases c ON c.order_id = o.id WHERE c.id = $1`,
        [caseId],
      );
      expect(orders).toEqual([{ external_order_id: command.order.orderId, paid_total: 12_000, reserved_total: 0 }]);

      expect(await timerRows(h.db, caseId)).toEqual([
        { timer_id: 'merchant-response', due_at: merchantResponseDue, retry_at: null, attempts: 0, last_error: null },
      ]);

      const trail = await auditTrail(h.db, caseId);
      expect(trail).toEqual([
        expect.objectContaining({
          seq: 1,
          type: 'CASE_OPENED',
          from_state: null,
          to_state: 'open.contact',
          payload: expect.objectContaining({ orderId: command.order.orderId }),
        }),
      ]);
      expect(row.chain_head).toBe(trail[0].hash);
      expect(await verifyChain(h.db, shop.id, caseId)).toMatchObject({ valid: true, eventsChecked: 1 });

      const messages = await outbox(h.db, caseId);
      expect(messages.map((m) => m.endpoint_id).sort()).toEqual([openedOnly, everything].sort());
      expect(new Set(messages.map((m) => m.event_id)).size).toBe(1);
      for (const message of messages) {
        expect(message.event_type).toBe('case.opened');
        expect(message.payload).toMatchObject({ type: 'case.opened', data: { caseId, state: 'open.contact', version: 1, orderId: command.order.orderId } });
      }

      expect(await metricFacts(h.db, caseId)).toEqual([{ seq: 1, kind: 'opened', label: null, agent_id: null }]);
    });

    it('should return the case already opened for the same platform case id and write nothing new', async () => {
      const command = openCommand(shop, h.clock.now());
      const first = await h.engine.open(command);
      const before = await countWrites(h.databaseUrl);
      const again = await h.engine.open({ ...command, buyerText: 'Sent twice.' });
      expect(again).toMatchObject({ created: false, record: { record: { id: first.record.record.id, version: 1 } } });
      expect(await countWrites(h.databaseUrl)).toEqual(before);
    });
  });

  describe('an accepted event', () => {
    it('should write an agent event, its audit event and every contribution in exactly one statement', async () => {
      const opened = await open();
      const before = await outbox(h.db, opened.id);

      const { error, statements } = await h.sql.capture(() => send(opened.id, CONTACT_BUYER, { expectedVersion: 1 }));
      expect(error).toBeUndefined();
      expect(outline(statements)).toEqual(ONE_CHANGE);
      const [write] = writesOf(statements);
      expect([...write.writes].sort()).toEqual(['case_events', 'cases', 'metric_facts', 'webhook_messages']);
      expect(write.sql).toMatch(/^WITH /);

      expect(await caseRow(h.db, opened.id)).toMatchObject({ state: 'open.verify', version: 2, event_seq: 2 });
      const trail = await auditTrail(h.db, opened.id);
      expect(trail[1]).toMatchObject({
        seq: 2,
        type: 'CONTACT_BUYER',
        from_state: 'open.contact',
        to_state: 'open.verify',
        payload: { note: CONTACT_BUYER.note },
      });
      expect(await verifyChain(h.db, shop.id, opened.id)).toMatchObject({ valid: true, eventsChecked: 2 });

      // case.state_changed goes to the endpoint subscribed to it, not to the one that only wants case.opened.
      const added = (await outbox(h.db, opened.id)).slice(before.length);
      expect(added).toEqual([
        expect.objectContaining({
          endpoint_id: everything,
          event_type: 'case.state_changed',
          payload: expect.objectContaining({ data: expect.objectContaining({ event: 'CONTACT_BUYER', previousState: 'open.contact', state: 'open.verify' }) }),
        }),
      ]);
      expect(await metricFacts(h.db, opened.id)).toEqual([
        { seq: 1, kind: 'opened', label: null, agent_id: null },
        { seq: 2, kind: 'first_response', label: null, agent_id: agent },
      ]);
    });

    it('should move money, timers, the audit trail, the outbox, the facts and the counters in one statement per change', async () => {
      const opened = await open({ requestedAmount: 10_000, paidTotal: 12_000 });
      await assign(h, shop.id, opened.id, agent);
      const held = (await openCaseCounts(h.db, shop.id))[agent].counter;

      const propose = await h.sql.capture(() => send(opened.id, PROPOSE_FULL_REFUND));
      expect(propose.error).toBeUndefined();
      expect(outline(propose.statements)).toEqual(ONE_CHANGE);
      // Reserve on the order, cancel the merchant-response timer, append, update the case, outbox, facts.
      expect([...writesOf(propose.statements)[0].writes].sort()).toEqual(['case_events', 'case_timers', 'cases', 'metric_facts', 'orders', 'webhook_messages']);
      expect(await timerRows(h.db, opened.id)).toEqual([]);

      h.clock.advance(60_000);
      const refund = await h.sql.capture(() => send(opened.id, { type: 'REFUND_EXECUTED', amount: 10_000, refundId: 'R-1' }, { actor: INTEGRATION }));
      expect(refund.error).toBeUndefined();
      expect(outline(refund.statements)).toEqual(ONE_CHANGE);
      // Archiving releases the agent's open case too: every contributor writes in the same statement.
      expect([...writesOf(refund.statements)[0].writes].sort()).toEqual([
        'agent_open_cases',
        'case_events',
        'cases',
        'metric_facts',
        'orders',
        'webhook_messages',
      ]);

      expect(await caseRow(h.db, opened.id)).toMatchObject({ state: 'archived', reserved_amount: 0, archived_at: expect.any(Date) });
      const { rows } = await h.db.query(`SELECT o.reserved_total::int, o.refunded_total::int FROM orders o JOIN cases c ON c.order_id = o.id WHERE c.id = $1`, [
        opened.id,
      ]);
      expect(rows).toEqual([{ reserved_total: 0, refunded_total: 10_000 }]);
      expect((await openCaseCounts(h.db, shop.id))[agent]).toEqual({ counter: held - 1, actual: held - 1 });
      expect((await metricFacts(h.db, opened.id)).map((f) => f.kind)).toEqual(['opened', 'first_response', 'response', 'archived', 'refunded']);
      expect((await outbox(h.db, opened.id)).filter((m) => m.endpoint_id === everything).map((m) => m.event_type)).toEqual([
        'case.opened',
        'case.state_changed',
        'refund.approved',
        'case.state_changed',
        'case.archived',
      ]);
      expect(await verifyChain(h.db, shop.id, opened.id)).toMatchObject({ valid: true, eventsChecked: 4 });
    });
  });

  describe('a contributor whose SQL fails', () => {
    const failures: Array<[string, string, (steps: readonly CaseStep[]) => ReturnType<CaseChangeContributor['contribute']>]> = [
      [
        'names a missing table',
        '42P01',
        (steps) => [
          {
            rows: steps.map((s) => ({ case_id: s.after.id })),
            sql: (from) => `INSERT INTO no_such_table (case_id) SELECT case_id FROM ${from('case_id uuid')} r RETURNING 1`,
          },
        ],
      ],
      [
        'violates a constraint',
        '23514',
        // metric_facts_kind_check: found while the statement runs, after the other parts have done their work.
        (steps) => [
          {
            rows: steps.map((s) => ({ shop_id: s.after.shopId, case_id: s.after.id, seq: s.seq })),
            sql: (from) => `INSERT INTO metric_facts (shop_id, case_id, seq, kind, at, case_type, currency)
              SELECT shop_id, case_id, seq, 'not-a-kind', now(), 'refund', 'CNY' FROM ${from('shop_id uuid, case_id uuid, seq int')} r RETURNING 1`,
          },
        ],
      ],
    ];

    it.each(failures)('should fail the whole change when it %s: no audit event, same version, no outbox rows, no facts', async (_name, code, contribute) => {
      const failing = h.engineWith({ contribute });
      const opened = await open();
      const before = await countWrites(h.databaseUrl);
      const trail = await auditTrail(h.db, opened.id);

      const { error, statements } = await h.sql.capture(() => send(opened.id, CONTACT_BUYER, { expectedVersion: 1, engine: failing }));
      expect(error).toMatchObject({ code });
      expect(outline(statements)).toEqual(['START TRANSACTION', 'read', 'write', 'ROLLBACK']);
      const [write] = writesOf(statements);
      expect(write.error).toBeDefined();
      // The failing part was in the one statement with the engine's own parts and the real contributors'.
      expect(write.writes).toEqual(expect.arrayContaining(['case_events', 'cases', 'webhook_messages', 'metric_facts']));

      expect(await countWrites(h.databaseUrl)).toEqual(before);
      expect(await caseRow(h.db, opened.id)).toMatchObject({ state: 'open.contact', version: 1, event_seq: 1, chain_head: trail[0].hash });
      expect(await auditTrail(h.db, opened.id)).toEqual(trail);
      expect((await outbox(h.db, opened.id)).map((m) => m.event_type)).toEqual(['case.opened', 'case.opened']);
      expect((await metricFacts(h.db, opened.id)).map((f) => f.kind)).toEqual(['opened']);

      // The engine of the service never saw the test's contributor.
      await send(opened.id, CONTACT_BUYER, { expectedVersion: 1 });
      expect(await caseRow(h.db, opened.id)).toMatchObject({ state: 'open.verify', version: 2 });
    });

    it('should leave no case and no order behind when it fails an opening', async () => {
      const [[, code, contribute]] = failures;
      const failing = h.engineWith({ contribute });
      const command = openCommand(shop, h.clock.now());
      const before = await countWrites(h.databaseUrl);
      const { error, statements } = await h.sql.capture(() => failing.open(command));
      expect(error).toMatchObject({ code });
      expect(outline(statements)).toEqual(['START TRANSACTION', 'write', 'write', 'write', 'ROLLBACK']);
      expect(await countWrites(h.databaseUrl)).toEqual(before);
      const { rows } = await h.db.query(`SELECT 1 FROM orders WHERE shop_id = $1 AND external_order_id = $2`, [shop.id, command.order.orderId]);
      expect(rows).toEqual([]);
    });
  });

  describe('money', () => {
    it('should refuse the second case of an order a reservation beyond what was paid, and write nothing for it', async () => {
      const orderId = `ORD-${randomBytes(5).toString('hex')}`;
      const first = await open({ orderId, paidTotal: 1_000, requestedAmount: 1_000 });
      const second = await open({ orderId, paidTotal: 1_000, requestedAmount: 1_000 });
      await send(first.id, PROPOSE_FULL_REFUND);

      const before = await countWrites(h.databaseUrl);
      const { error, statements } = await h.sql.capture(() => send(second.id, PROPOSE_FULL_REFUND));
      expect(error).toBeInstanceOf(CaseException);
      expect(error).toMatchObject({ code: 'REFUNDABLE_AMOUNT_EXCEEDED' });
      // The order's CHECK refuses the statement: the one write fails and the transaction rolls back.
      expect(outline(statements)).toEqual(['START TRANSACTION', 'read', 'write', 'ROLLBACK']);
      expect(await countWrites(h.databaseUrl)).toEqual(before);
      expect(await caseRow(h.db, second.id)).toMatchObject({ state: 'open.contact', version: 1, reserved_amount: 0 });
      expect((await auditTrail(h.db, second.id)).map((e) => e.type)).toEqual(['CASE_OPENED']);
      expect((await timerRows(h.db, second.id)).map((t) => t.timer_id)).toEqual(['merchant-response']);

      const { rows } = await h.db.query(
        `SELECT paid_total::int, reserved_total::int, refunded_total::int FROM orders WHERE shop_id = $1 AND external_order_id = $2`,
        [shop.id, orderId],
      );
      expect(rows).toEqual([{ paid_total: 1_000, reserved_total: 1_000, refunded_total: 0 }]);
    });

    it('should let exactly one of two concurrent reservations of the same money through', async () => {
      const orderId = `ORD-${randomBytes(5).toString('hex')}`;
      const cases = [await open({ orderId, paidTotal: 1_000, requestedAmount: 700 }), await open({ orderId, paidTotal: 1_000, requestedAmount: 700 })];
      const results = await Promise.allSettled(cases.map((c) => send(c.id, PROPOSE_FULL_REFUND)));
      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'REFUNDABLE_AMOUNT_EXCEEDED' } });
      const { rows } = await h.db.query(
        `SELECT o.reserved_total::int, (SELECT sum(c.reserved_amount)::int FROM cases c WHERE c.order_id = o.id) AS held
         FROM orders o WHERE o.shop_id = $1 AND o.external_order_id = $2`,
        [shop.id, orderId],
      );
      expect(rows).toEqual([{ reserved_total: 700, held: 700 }]);
    });
  });
});
