import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock/clock.js';
import { AuditRepository } from '../audit/audit.repository.js';
import type { Tx } from '../database/transactions.js';
import { Transactions } from '../database/transactions.js';
import { isUniqueViolation } from '../database/pg-errors.js';
import { MoneyConstraintError, OrdersRepository } from '../orders/orders.repository.js';
import { hasSpecialGoods, isShipped, refundableOf, type OrderSnapshot } from '../orders/order.types.js';
import { TimersRepository, type TimerRow } from '../timers/timers.repository.js';
import type { ReasonCategory } from '../reasons/reason.types.js';
import { CaseRepository } from './case.repository.js';
import { CaseException } from './case.problems.js';
import type { Buyer, CaseRecord } from './case.record.js';
import {
  applyCaseEvent,
  persistSnapshot,
  restoreSnapshot,
  startCase,
  stepOf,
  timerPlan,
  type CaseAction,
  type CaseSnapshot,
} from './machine/case-machine.queries.js';
import { CASE_MACHINE_VERSION } from './machine/case.machine.js';
import type { CaseEvent, CasePolicy, CaseType } from './machine/case.types.js';

export interface Actor {
  kind: 'admin' | 'agent' | 'integration' | 'system';
  id: string;
}

export const TIMER_ACTOR: Actor = { kind: 'system', id: 'deadline-sweeper' };

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
}

export interface CaseCommand {
  shopId: string;
  caseId: string;
  event: CaseEvent;
  actor: Actor;
  /** The version the caller saw (If-Match); omitted means "whatever is current". */
  expectedVersion?: number;
}

/**
 * The only writer of case state. Every change runs in one transaction: lock the case row, check the
 * expected version, compute the pure transition, then persist snapshot and columns, move order money,
 * apply timer actions and append the audit event. Nothing is written when any step refuses.
 */
@Injectable()
export class CaseEngine {
  constructor(
    private readonly transactions: Transactions,
    private readonly cases: CaseRepository,
    private readonly orders: OrdersRepository,
    private readonly timers: TimersRepository,
    private readonly audit: AuditRepository,
    private readonly clock: Clock,
  ) {}

  /**
   * Opens a case, or returns the existing one for the same platform case id (`created: false`).
   * A case whose merchant-response window has already passed is auto-approved in the same transaction.
   */
  async open(command: OpenCaseCommand): Promise<{ record: CaseRecord; created: boolean }> {
    try {
      return await this.transactions.run((tx) => this.openIn(tx, command));
    } catch (error) {
      if (command.platformCaseId && isUniqueViolation(error, 'cases_platform_case_key')) {
        const existing = await this.transactions.run((tx) =>
          this.cases.findByPlatformCaseId(tx, command.shopId, command.platform, command.platformCaseId!),
        );
        if (existing) return { record: existing, created: false };
      }
      throw error;
    }
  }

  async apply(command: CaseCommand): Promise<CaseRecord> {
    return this.transactions.run((tx) => this.applyIn(tx, command));
  }

  async applyIn(tx: Tx, command: CaseCommand): Promise<CaseRecord> {
    const current = await this.cases.lock(tx, command.shopId, command.caseId);
    if (!current) throw new CaseException('CASE_NOT_FOUND', `No case ${command.caseId}.`);
    if (command.expectedVersion !== undefined && command.expectedVersion !== current.version) {
      throw new CaseException('VERSION_MISMATCH', `You saw version ${command.expectedVersion}; the case is at version ${current.version}.`, {
        currentVersion: current.version,
      });
    }
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
    return this.commit(tx, current, command.event, command.actor, result.snapshot, result.actions);
  }

  /**
   * Fires one due timer of a case whose row the caller has locked: the timer row is deleted and its
   * event applied in the caller's transaction. A timer the state no longer handles is simply dropped.
   */
  async fireTimerIn(tx: Tx, timer: TimerRow): Promise<'fired' | 'stale'> {
    await this.timers.delete(tx, timer.caseId, timer.timerId);
    const current = await this.cases.lock(tx, timer.shopId, timer.caseId);
    if (!current) return 'stale';
    const result = applyCaseEvent(restoreSnapshot(current.snapshot), timer.event as CaseEvent);
    if (!result.accepted) return 'stale';
    await this.commit(tx, current, timer.event as CaseEvent, TIMER_ACTOR, result.snapshot, result.actions);
    return 'fired';
  }

  private async openIn(tx: Tx, command: OpenCaseCommand): Promise<{ record: CaseRecord; created: boolean }> {
    if (command.platformCaseId) {
      const existing = await this.cases.findByPlatformCaseId(tx, command.shopId, command.platform, command.platformCaseId);
      if (existing) return { record: existing, created: false };
    }
    const now = this.clock.now();
    const order = await this.upsertOrder(tx, command, now);
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
    const opened: CaseRecord = {
      id: crypto.randomUUID(),
      shopId: command.shopId,
      orderId: order.id,
      type: command.type,
      platform: command.platform,
      platformCaseId: command.platformCaseId,
      state: stepOf(snapshot),
      version: 1,
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
      requestedAt: command.requestedAt,
      openedAt: now,
      updatedAt: now,
      archivedAt: null,
      eventSeq: 0,
      chainHead: '',
    };
    await this.cases.insert(tx, opened);
    const record = await this.record(tx, opened, { type: 'CASE_OPENED' }, command.actor, null, actions, openedPayload(command));
    await this.cases.update(tx, record);

    // The platform's clock started at requestedAt: a window that has already passed fires now.
    for (const timer of await this.timers.forCase(tx, record.id)) {
      if (timer.dueAt.getTime() <= now.getTime()) await this.fireTimerIn(tx, timer);
    }
    return { record: (await this.cases.find(tx, command.shopId, record.id))!, created: true };
  }

  private async upsertOrder(tx: Tx, command: OpenCaseCommand, now: Date) {
    try {
      const order = await this.orders.upsertLocked(tx, command.shopId, command.order, now);
      if (order.currency !== command.order.currency) {
        throw new CaseException('CURRENCY_MISMATCH', `Order ${order.externalOrderId} is in ${order.currency}.`);
      }
      return order;
    } catch (error) {
      if (error instanceof MoneyConstraintError) throw new CaseException('ORDER_MONEY_CONFLICT', error.message);
      throw error;
    }
  }

  private async commit(tx: Tx, current: CaseRecord, event: CaseEvent, actor: Actor, next: CaseSnapshot, actions: CaseAction[]): Promise<CaseRecord> {
    const context = next.context;
    const reservedDelta = context.reservedAmount - current.reservedAmount;
    const refundedDelta = context.refundedAmount - current.refundedAmount;
    if (reservedDelta !== 0 || refundedDelta !== 0) {
      try {
        await this.orders.applyMoney(tx, current.orderId, reservedDelta, refundedDelta);
      } catch (error) {
        if (error instanceof MoneyConstraintError) {
          throw new CaseException('REFUNDABLE_AMOUNT_EXCEEDED', 'Other cases of this order have already reserved or refunded too much of it.');
        }
        throw error;
      }
    }
    const now = this.clock.now();
    const updated: CaseRecord = {
      ...current,
      state: stepOf(next),
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
    };
    const { type: _type, ...payload } = event;
    const record = await this.record(tx, updated, event, actor, current.state, actions, payload);
    await this.cases.update(tx, record);
    return record;
  }

  /** Applies timer actions and appends the audit event; returns the record with its new chain head. */
  private async record(
    tx: Tx,
    record: CaseRecord,
    event: { type: string },
    actor: Actor,
    fromState: string | null,
    actions: CaseAction[],
    payload: unknown,
  ): Promise<CaseRecord> {
    const now = this.clock.now();
    const plan = timerPlan(actions);
    await this.timers.cancel(tx, record.id, plan.cancel);
    await this.timers.schedule(
      tx,
      plan.schedule.map((timer) => ({
        caseId: record.id,
        shopId: record.shopId,
        timerId: timer.timerId,
        event: { type: timer.event },
        // The merchant's 48 h run from the platform's request time, not from when we heard of it.
        dueAt: new Date((timer.delayName === 'MERCHANT_RESPONSE' ? record.requestedAt : now).getTime() + timer.delayMs),
      })),
    );
    const seq = record.eventSeq + 1;
    const chainHead = await this.audit.append(
      tx,
      {
        shopId: record.shopId,
        caseId: record.id,
        seq,
        type: event.type,
        actor,
        fromState,
        toState: record.state,
        payload: JSON.parse(JSON.stringify(payload ?? {})),
        at: now.toISOString(),
      },
      record.chainHead,
    );
    return { ...record, eventSeq: seq, chainHead };
  }
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
