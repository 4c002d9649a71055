import { Injectable } from '@nestjs/common';
import { chainEvent, type ChainedAuditRecord } from './audit-chain.js';
import { Clock } from '../platform/clock/clock.js';
import { isUniqueViolation } from '../platform/database/pg-errors.js';
import { Transactions, type Tx } from '../platform/database/transactions.js';
import {
  hasSpecialGoods,
  isShipped,
  isStatusRegression,
  patchOrder,
  refundableOf,
  type OrderPatch,
  type OrderRecord,
  type OrderSnapshot,
} from '../orders/order.types.js';
import { MoneyConstraintError, OrdersRepository } from '../orders/orders.repository.js';
import type { ReasonCategory } from '../reasons/reason.types.js';
import type { TimerRow } from './timer.record.js';
import { CaseChangeContributors, type Actor, type CaseStep } from './case-change.js';
import { CaseChangeRepository } from './case-change.repository.js';
import { CaseException } from './case.problems.js';
import type { Buyer, CaseRecord } from './case.record.js';
import { CaseRepository, toCaseRecord, type CaseWithContext } from './case.repository.js';
import {
  applyCaseEvent,
  persistSnapshot,
  restoreSnapshot,
  startCase,
  stepOf,
  timerPlan,
  withOrderFacts,
  type CaseAction,
  type CaseSnapshot,
} from './machine/case-machine.queries.js';
import { mostUrgentDeadline } from './machine/case-timers.js';
import { CASE_MACHINE_VERSION } from './machine/case.machine.js';
import type { CaseEvent, CasePolicy, CaseType } from './machine/case.types.js';

export type { Actor } from './case-change.js';

export const TIMER_ACTOR: Actor = { kind: 'system', id: 'deadline-sweeper' };

/** The event a case records when one of its deadlines failed to fire and will be tried again. */
export const DEADLINE_RETRY_SCHEDULED = 'DEADLINE_RETRY_SCHEDULED';

/** A due timer the sweeper has locked, with its case's row and every pending timer of that case. */
export interface ClaimedTimer {
  timer: TimerRow;
  caseRow: Record<string, unknown>;
  timers: readonly TimerRow[];
}

export interface OpenCaseCommand {
  shopId: string;
  platform: string;
  platformCaseId: string | null;
  type: CaseType;
  claimedReasonCode: string;
  claimedReasonCategory: ReasonCategory;
  platformReason: string | null;
  buyerText: string | null;
  requestedAmount: number;
  requestedAt: Date;
  buyer: Buyer;
  order: OrderSnapshot;
  policy: CasePolicy;
  actor: Actor;
  /**
   * Distribution (分流): picks and locks the agent a new case goes to, in the opening transaction; undefined
   * leaves the case unassigned in the queue. Not called for a case archived on opening.
   */
  chooseAssignee?: (tx: Tx) => Promise<string | undefined>;
}

/** The event every change of a case's assignee appends to its audit trail. */
export const ASSIGNEE_CHANGED = 'ASSIGNEE_CHANGED';

/** The actor of assignments made by distribution. */
export const DISTRIBUTION_ACTOR: Actor = { kind: 'system', id: 'distribution' };

export interface CaseCommand {
  shopId: string;
  caseId: string;
  event: CaseEvent;
  actor: Actor;
  /** The version the caller saw (If-Match); omitted means "whatever is current". */
  expectedVersion?: number;
}

/** A fact recorded on a case without moving its machine (evidence added, …): `{ type, ...payload }`. */
export interface RecordCommand {
  shopId: string;
  caseId: string;
  event: { type: string } & Record<string, unknown>;
  actor: Actor;
  expectedVersion?: number;
  /** Set to change who works the case (null puts it back in the queue); left out, the assignee stays. */
  assigneeId?: string | null;
}

export interface OrderUpdateCommand {
  shopId: string;
  externalOrderId: string;
  patch: OrderPatch;
  actor: Actor;
}

/** Everything one accepted event changes, computed before anything is written. */
interface CaseChange {
  after: CaseRecord;
  money: { orderId: string; reserved: number; refunded: number } | null;
  cancel: string[];
  schedule: TimerRow[];
  /** One event, or several when deadlines of one case fired in the same batch. */
  audit: ChainedAuditRecord[];
  /** The case's pending timers after this change, when the timers before it were known. */
  pending?: TimerRow[];
  /** The accepted events, for the contributors (webhooks, metrics, counters, …) to derive their rows from. */
  steps: CaseStep[];
  /** A failed fire to try again later (see postponeTimerIn). */
  retries?: Array<{ caseId: string; timerId: string; retryAt: Date; error: string }>;
}

/** What `change` needs beyond the transition itself. */
interface ChangeOptions {
  /** The case's pending timers before the change; needed whenever the change moves a timer. */
  timers?: readonly TimerRow[];
  /** A timer that fired and is gone after this change (unless the transition schedules it again). */
  fired?: string;
  payload?: unknown;
  fromState?: string | null;
  assigneeId?: string | null;
}

/**
 * The only writer of case state. Every change runs in one transaction: lock the case row, check the
 * expected version, compute the pure transition, then persist snapshot and columns, move order money,
 * apply timer actions and append the audit event. Nothing is written when any step refuses.
 *
 * Changes are computed first (`change`) and written together (`write`), so a batch of due deadlines
 * costs a handful of statements however many cases it touches.
 */
@Injectable()
export class CaseEngine {
  constructor(
    private readonly transactions: Transactions,
    private readonly cases: CaseRepository,
    private readonly orders: OrdersRepository,
    private readonly changes: CaseChangeRepository,
    private readonly contributors: CaseChangeContributors,
    private readonly clock: Clock,
  ) {}

  /**
   * Opens a case, or returns the existing one for the same platform case id (`created: false`).
   * A case whose merchant-response window has already passed is auto-approved in the same transaction.
   */
  async open(command: OpenCaseCommand): Promise<{ record: CaseWithContext; created: boolean }> {
    try {
      return await this.transactions.run((tx) => this.openIn(tx, command));
    } catch (error) {
      // The unique index finds a platform case opened before (no lookup first: that costs every intake a
      // statement). A refusal is checked against it too: a retry of an opened case gets the case, not
      // a rule its order no longer meets because the case itself reserved money.
      if (command.platformCaseId && (isUniqueViolation(error, 'cases_platform_case_key') || error instanceof CaseException)) {
        const existing = await this.transactions.run((tx) => this.existing(tx, command));
        if (existing) return { record: existing, created: false };
      }
      throw error;
    }
  }

  /** Applies one event; returns the case as it now stands, with its order and pending timers. */
  async apply(command: CaseCommand): Promise<CaseWithContext> {
    return this.transactions.run((tx) => this.applyIn(tx, command));
  }

  async applyIn(tx: Tx, command: CaseCommand): Promise<CaseWithContext> {
    const loaded = await this.cases.requireWithContext(tx, command.shopId, command.caseId, true);
    const current = loaded.record;
    this.assertVersion(command.expectedVersion, current.version);
    const result = applyCaseEvent(restoreSnapshot(current.snapshot), command.event);
    if (!result.accepted) {
      if (result.reason === 'not_allowed_in_state') {
        throw new CaseException('EVENT_NOT_ALLOWED', `${command.event.type} is not accepted in state ${current.state}.`, {
          state: current.state,
          allowedEvents: result.allowedEvents,
        });
      }
      throw new CaseException(result.reason, undefined, { state: current.state, allowedEvents: result.allowedEvents });
    }
    const change = this.change(current, command.event, command.actor, result.snapshot, result.actions, { timers: loaded.timers });
    await this.write(tx, [change]);
    return {
      record: change.after,
      order: {
        ...loaded.order,
        reservedTotal: loaded.order.reservedTotal + (change.money?.reserved ?? 0),
        refundedTotal: loaded.order.refundedTotal + (change.money?.refunded ?? 0),
      },
      timers: [
        ...loaded.timers.filter((t) => !change.cancel.includes(t.timerId) && !change.schedule.some((s) => s.timerId === t.timerId)),
        ...change.schedule,
      ].sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime()),
    };
  }

  /**
   * Appends an event that records a fact about the case without a transition, with the same lock,
   * version check, hash chain and version bump as every change. `check` sees the locked case and may
   * refuse by throwing; it returns what to add to the event (computed under the lock).
   */
  async recordIn(
    tx: Tx,
    command: RecordCommand,
    check?: (loaded: CaseWithContext) => Promise<Record<string, unknown> | void> | Record<string, unknown> | void,
  ): Promise<CaseWithContext> {
    const loaded = await this.cases.requireWithContext(tx, command.shopId, command.caseId, true);
    this.assertVersion(command.expectedVersion, loaded.record.version);
    const extra = (await check?.(loaded)) ?? {};
    return this.recordOn(tx, loaded, { ...command.event, ...extra }, command.actor, { assigneeId: command.assigneeId });
  }

  /** Appends a fact to a locked, loaded case without a transition (see recordIn), with what else it writes. */
  private async recordOn(
    tx: Tx,
    loaded: CaseWithContext,
    event: { type: string },
    actor: Actor,
    options: { assigneeId?: string | null; retries?: CaseChange['retries'] } = {},
  ): Promise<CaseWithContext> {
    const current = loaded.record;
    const change = this.change(current, event, actor, restoreSnapshot(current.snapshot), [], { timers: loaded.timers, assigneeId: options.assigneeId });
    await this.write(tx, [{ ...change, retries: options.retries }]);
    return { ...loaded, record: change.after };
  }

  /**
   * Fires due timers whose timer and case rows the caller has claimed (locked): deletes the timer rows
   * and applies each event, all in the caller's transaction. A timer the state no longer handles is
   * dropped. Any failure throws and leaves the whole batch to the caller (see TimerSweeper).
   */
  async fireTimersIn(tx: Tx, claimed: ClaimedTimer[]): Promise<{ fired: number; stale: number }> {
    // Two deadlines of one case due in the same batch apply one after the other.
    const latest = new Map<string, { record: CaseRecord; timers: readonly TimerRow[] }>();
    const changes: CaseChange[] = [];
    const stale: Array<{ caseId: string; timerId: string }> = [];
    for (const { timer, caseRow, timers } of claimed) {
      const { record: current, timers: pending } = latest.get(timer.caseId) ?? { record: toCaseRecord(caseRow), timers };
      const event = timer.event as CaseEvent;
      const result = applyCaseEvent(restoreSnapshot(current.snapshot), event);
      if (!result.accepted) {
        stale.push(timer);
        continue;
      }
      // A fired timer's row goes, unless the transition scheduled the same timer again.
      const change = this.change(current, event, TIMER_ACTOR, result.snapshot, result.actions, { timers: pending, fired: timer.timerId });
      latest.set(timer.caseId, { record: change.after, timers: change.pending ?? [] });
      changes.push(change);
    }
    await this.write(tx, mergePerCase(changes), stale);
    return { fired: changes.length, stale: stale.length };
  }

  /**
   * Records that a claimed deadline failed to fire (its transition refused or failed): the timer keeps its
   * due time — the platform's deadline, which the case view and the queue show — and gets a retry time,
   * one more attempt and the error; the case records `DEADLINE_RETRY_SCHEDULED` (deadline, due and retry
   * times, attempt, and the refusal's code) in its audit trail. In the caller's transaction, after the
   * failed fire was rolled back.
   */
  async postponeTimerIn(tx: Tx, timer: TimerRow, retryAt: Date, error: unknown): Promise<void> {
    const loaded = await this.cases.requireWithContext(tx, timer.shopId, timer.caseId, true);
    const event = {
      type: DEADLINE_RETRY_SCHEDULED,
      deadline: timer.timerId,
      dueAt: timer.dueAt.toISOString(),
      retryAt: retryAt.toISOString(),
      attempt: timer.attempts + 1,
      // A rule's code is the case's business; anything else stays in the timer's last_error and the log.
      reason: error instanceof CaseException ? error.code : 'INTERNAL_ERROR',
    };
    const message = String((error as Error)?.message ?? error);
    await this.recordOn(tx, loaded, event, TIMER_ACTOR, { retries: [{ caseId: timer.caseId, timerId: timer.timerId, retryAt, error: message }] });
  }

  /**
   * Records what the order system reports about an order (status, paid total, shipping, items) and hands
   * the new facts to every case of it that is not archived, each with an `ORDER_UPDATED` audit event, in
   * one transaction. A report that changes nothing writes nothing.
   */
  async updateOrder(command: OrderUpdateCommand): Promise<{ order: OrderRecord; cases: CaseRecord[] }> {
    return this.transactions.run(async (tx) => {
      const order = await this.orders.lockByExternalId(tx, command.shopId, command.externalOrderId);
      if (!order) throw new CaseException('ORDER_NOT_FOUND', `No case has been opened for order ${command.externalOrderId}.`);
      if (command.patch.status && isStatusRegression(order.status, command.patch.status)) {
        throw new CaseException('ORDER_STATUS_REGRESSION', `Order ${order.externalOrderId} is ${order.status}; it cannot go back to ${command.patch.status}.`, {
          currentStatus: order.status,
        });
      }
      const { next, changes } = patchOrder(order, command.patch);
      if (Object.keys(changes).length === 0) return { order, cases: [] };
      let saved: OrderRecord;
      try {
        saved = await this.orders.save(tx, next, this.clock.now());
      } catch (error) {
        if (error instanceof MoneyConstraintError) {
          throw new CaseException(
            'ORDER_MONEY_CONFLICT',
            `Order ${order.externalOrderId} has ${order.refundedTotal} refunded and ${order.reservedTotal} reserved.`,
            {
              refundedTotal: order.refundedTotal,
              reservedTotal: order.reservedTotal,
            },
          );
        }
        throw error;
      }
      const facts = { paidAmount: saved.paidTotal, orderShipped: isShipped(saved), specialGoods: hasSpecialGoods(saved.snapshot) };
      const event = { type: 'ORDER_UPDATED', orderId: saved.externalOrderId, changes };
      const updates = (await this.cases.lockOpenOfOrder(tx, command.shopId, saved.id)).map((row) => {
        const current = toCaseRecord(row);
        // Order facts move no timer, so the case keeps its place in the queue without its timers being read.
        return this.change(current, event, command.actor, withOrderFacts(restoreSnapshot(current.snapshot), facts), []);
      });
      await this.write(tx, updates);
      return { order: saved, cases: updates.map((u) => u.after) };
    });
  }

  private assertVersion(expected: number | undefined, current: number): void {
    if (expected !== undefined && expected !== current) {
      throw new CaseException('VERSION_MISMATCH', `You saw version ${expected}; the case is at version ${current}.`, { currentVersion: current });
    }
  }

  private async existing(tx: Tx, command: OpenCaseCommand): Promise<CaseWithContext | undefined> {
    if (!command.platformCaseId) return undefined;
    const found = await this.cases.findByPlatformCaseId(tx, command.shopId, command.platform, command.platformCaseId);
    return found && this.cases.loadWithContext(tx, command.shopId, found.id, false);
  }

  private async openIn(tx: Tx, command: OpenCaseCommand): Promise<{ record: CaseWithContext; created: boolean }> {
    const now = this.clock.now();
    const order = await this.upsertOrder(tx, command, now);
    this.assertEligible(command, order);

    const { snapshot, actions } = startCase({
      caseType: command.type,
      requestedAmount: command.requestedAmount,
      paidAmount: order.paidTotal,
      orderShipped: isShipped(order),
      specialGoods: hasSpecialGoods(order.snapshot),
      claimedReasonCode: command.claimedReasonCode,
      claimedReasonCategory: command.claimedReasonCategory,
      policy: command.policy,
    });
    const draft: CaseRecord = {
      id: crypto.randomUUID(),
      shopId: command.shopId,
      orderId: order.id,
      type: command.type,
      platform: command.platform,
      platformCaseId: command.platformCaseId,
      state: stepOf(snapshot),
      version: 0,
      machineVersion: CASE_MACHINE_VERSION,
      snapshot: persistSnapshot(snapshot),
      currency: order.currency,
      requestedAmount: command.requestedAmount,
      reservedAmount: 0,
      refundedAmount: 0,
      claimedReasonCode: command.claimedReasonCode,
      claimedReasonCategory: command.claimedReasonCategory,
      platformReason: command.platformReason,
      verifiedReasonCode: null,
      verifiedReasonCategory: null,
      reasonRecoded: false,
      buyer: command.buyer,
      buyerText: command.buyerText,
      outcome: null,
      assigneeId: null,
      dueAt: null,
      dueTimer: null,
      disputed: false,
      requestedAt: command.requestedAt,
      openedAt: now,
      updatedAt: now,
      archivedAt: null,
      eventSeq: 0,
      chainHead: '',
    };
    const opened = this.change(draft, { type: 'CASE_OPENED' }, command.actor, snapshot, actions, {
      timers: [],
      payload: openedPayload(command),
      fromState: null,
    });
    await this.cases.insert(tx, opened.after);
    await this.write(tx, [{ ...opened, after: undefined }]);

    // The platform's clock started at requestedAt: a window that has already passed fires now.
    const due = opened.schedule.filter((timer) => timer.dueAt.getTime() <= now.getTime());
    let record: CaseWithContext;
    if (due.length > 0) {
      const row = await this.cases.lockRow(tx, command.shopId, opened.after.id);
      await this.fireTimersIn(
        tx,
        due.map((timer) => ({ timer, caseRow: row!, timers: opened.schedule })),
      );
      record = (await this.cases.loadWithContext(tx, command.shopId, opened.after.id, false))!;
    } else {
      // Opening moves no money: the case as written, the order as locked, the timers as scheduled.
      const timers = [...opened.schedule].sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || a.timerId.localeCompare(b.timerId));
      record = { record: opened.after, order, timers };
    }
    const assigneeId = command.chooseAssignee && !record.record.archivedAt ? await command.chooseAssignee(tx) : undefined;
    if (assigneeId) {
      record = await this.recordIn(tx, {
        shopId: command.shopId,
        caseId: opened.after.id,
        event: { type: ASSIGNEE_CHANGED, from: null, to: assigneeId, via: 'distribution' },
        actor: DISTRIBUTION_ACTOR,
        assigneeId,
      });
    }
    return { record, created: true };
  }

  private assertEligible(command: OpenCaseCommand, order: OrderRecord): void {
    if (command.type === 'return' || command.type === 'exchange') {
      if (!isShipped(order)) throw new CaseException('ORDER_NOT_SHIPPED', `Order ${order.externalOrderId} has not shipped: only a refund is possible.`);
      if (hasSpecialGoods(order.snapshot)) {
        throw new CaseException('SPECIAL_GOODS_REFUND_ONLY', `Order ${order.externalOrderId} contains refund-only goods.`);
      }
    }
    const refundable = refundableOf(order);
    if (command.requestedAmount > refundable) {
      throw new CaseException('AMOUNT_EXCEEDS_REFUNDABLE', `Requested ${command.requestedAmount}, refundable ${refundable}.`, { refundable });
    }
  }

  /** The order as on file (recorded by the first case of it), locked. */
  private async upsertOrder(tx: Tx, command: OpenCaseCommand, now: Date): Promise<OrderRecord> {
    const order = await this.orders.upsertLocked(tx, command.shopId, command.order, now);
    if (order.currency !== command.order.currency) {
      throw new CaseException('CURRENCY_MISMATCH', `Order ${order.externalOrderId} is in ${order.currency}.`);
    }
    return order;
  }

  /** Computes the new record, money delta, timer rows and chained audit event of one accepted event. */
  private change(
    current: CaseRecord,
    event: { type: string },
    actor: Actor,
    next: CaseSnapshot,
    actions: CaseAction[],
    options: ChangeOptions = {},
  ): CaseChange {
    const { payload = withoutType(event), fromState = current.state } = options;
    const now = this.clock.now();
    const context = next.context;
    const seq = current.eventSeq + 1;
    const plan = timerPlan(actions);
    const cancel = options.fired ? [...new Set([...plan.cancel, options.fired])] : plan.cancel;
    const schedule: TimerRow[] = plan.schedule.map((timer) => ({
      caseId: current.id,
      shopId: current.shopId,
      timerId: timer.timerId,
      event: { type: timer.event },
      // The merchant's 48 h run from the platform's request time, not from when we heard of it.
      dueAt: new Date((timer.delayName === 'MERCHANT_RESPONSE' ? current.requestedAt : now).getTime() + timer.delayMs),
      attempts: 0,
      retryAt: null,
    }));
    const pending = options.timers && [
      ...options.timers.filter((t) => !cancel.includes(t.timerId) && !schedule.some((s) => s.timerId === t.timerId)),
      ...schedule,
    ];
    const deadline = this.deadlineAfter(current, pending, cancel.length + schedule.length > 0, context);
    const state = stepOf(next);
    const audit = chainEvent(
      {
        shopId: current.shopId,
        caseId: current.id,
        seq,
        type: event.type,
        actor,
        fromState,
        toState: state,
        payload: JSON.parse(JSON.stringify(payload ?? {})),
        at: now.toISOString(),
      },
      current.chainHead,
    );
    const reserved = context.reservedAmount - current.reservedAmount;
    const refunded = context.refundedAmount - current.refundedAmount;
    const after: CaseRecord = {
      ...current,
      state,
      version: current.version + 1,
      machineVersion: CASE_MACHINE_VERSION,
      snapshot: persistSnapshot(next),
      reservedAmount: context.reservedAmount,
      refundedAmount: context.refundedAmount,
      verifiedReasonCode: context.verifiedReasonCode,
      verifiedReasonCategory: context.verifiedReasonCategory,
      reasonRecoded: context.reasonRecoded,
      outcome: context.outcome,
      updatedAt: now,
      archivedAt: next.status === 'done' ? now : null,
      eventSeq: seq,
      chainHead: audit.hash,
      assigneeId: options.assigneeId === undefined ? current.assigneeId : options.assigneeId,
      dueAt: deadline.dueAt,
      dueTimer: deadline.dueTimer,
      disputed: context.disputed,
    };
    return {
      after,
      money: reserved !== 0 || refunded !== 0 ? { orderId: current.orderId, reserved, refunded } : null,
      cancel,
      schedule,
      audit: [audit],
      pending,
      steps: [{ before: current, after, event: event.type, actor, fromState, at: now, seq }],
    };
  }

  /**
   * The case's most urgent merchant deadline after a change, which orders the agent queue. It moves only
   * when a timer moves or the evidence package is submitted; then the pending timers must be known.
   */
  private deadlineAfter(current: CaseRecord, pending: TimerRow[] | undefined, timersMoved: boolean, context: CaseSnapshot['context']) {
    if (!timersMoved && current.snapshot.context.evidenceSubmitted === context.evidenceSubmitted) {
      return { dueAt: current.dueAt, dueTimer: current.dueTimer };
    }
    if (!pending) throw new Error(`The pending timers of case ${current.id} are needed to place it in the queue.`);
    const urgent = mostUrgentDeadline(pending, context);
    return { dueAt: urgent?.dueAt ?? null, dueTimer: urgent?.timerId ?? null };
  }

  /**
   * Writes changes (at most one per case; a change without `after` has its case row written already)
   * and deletes `alsoDelete` timer rows, in one statement.
   */
  private async write(
    tx: Tx,
    changes: Array<Omit<CaseChange, 'after'> & { after?: CaseRecord }>,
    alsoDelete: Array<{ caseId: string; timerId: string }> = [],
  ): Promise<void> {
    const perOrder = new Map<string, { orderId: string; reserved: number; refunded: number }>();
    for (const { money } of changes) {
      if (!money) continue;
      const sum = perOrder.get(money.orderId) ?? { orderId: money.orderId, reserved: 0, refunded: 0 };
      perOrder.set(money.orderId, { ...sum, reserved: sum.reserved + money.reserved, refunded: sum.refunded + money.refunded });
    }
    const schedule = changes.flatMap((c) => c.schedule);
    const rescheduled = new Set(schedule.map((t) => `${t.caseId}/${t.timerId}`));
    const cancel = [...changes.flatMap((c) => c.cancel.map((timerId) => ({ caseId: c.audit[0].caseId, timerId }))), ...alsoDelete].filter(
      (k) => !rescheduled.has(`${k.caseId}/${k.timerId}`),
    );
    try {
      await this.changes.write(tx, {
        // Sorted, so concurrent writers lock shared orders in the same order.
        money: [...perOrder.values()].sort((a, b) => a.orderId.localeCompare(b.orderId)),
        cancel,
        schedule,
        retries: changes.flatMap((c) => c.retries ?? []),
        events: changes.flatMap((c) => c.audit),
        cases: changes.flatMap((c) => (c.after ? [c.after] : [])),
        contributions: this.contributors.writesOf(changes.flatMap((c) => c.steps)),
      });
    } catch (error) {
      if (error instanceof MoneyConstraintError) {
        throw new CaseException('REFUNDABLE_AMOUNT_EXCEEDED', 'Other cases of this order have already reserved or refunded too much of it.');
      }
      throw error;
    }
  }
}

/**
 * Folds several changes of one case (two deadlines due in one batch) into one: the last record, the sum
 * of money, every audit event, and the timers as they stand after the last change.
 */
function mergePerCase(changes: CaseChange[]): CaseChange[] {
  const byCase = new Map<string, CaseChange[]>();
  for (const change of changes) byCase.set(change.after.id, [...(byCase.get(change.after.id) ?? []), change]);
  return [...byCase.values()].map((list) => {
    if (list.length === 1) return list[0];
    const last = list[list.length - 1];
    const scheduled = new Map<string, TimerRow>();
    const cancelled = new Set<string>();
    for (const change of list) {
      for (const id of change.cancel) {
        scheduled.delete(id);
        cancelled.add(id);
      }
      for (const timer of change.schedule) scheduled.set(timer.timerId, timer);
    }
    const reserved = list.reduce((sum, c) => sum + (c.money?.reserved ?? 0), 0);
    const refunded = list.reduce((sum, c) => sum + (c.money?.refunded ?? 0), 0);
    return {
      after: last.after,
      money: reserved || refunded ? { orderId: last.after.orderId, reserved, refunded } : null,
      cancel: [...cancelled],
      schedule: [...scheduled.values()],
      audit: list.flatMap((c) => c.audit),
      steps: list.flatMap((c) => c.steps),
    };
  });
}

function withoutType(event: { type: string }): Record<string, unknown> {
  const { type: _type, ...payload } = event as Record<string, unknown>;
  return payload;
}

function openedPayload(command: OpenCaseCommand) {
  return {
    type: command.type,
    platform: command.platform,
    platformCaseId: command.platformCaseId,
    requestedAmount: command.requestedAmount,
    requestedAt: command.requestedAt.toISOString(),
    claimedReasonCode: command.claimedReasonCode,
    platformReason: command.platformReason,
    orderId: command.order.orderId,
  };
}
