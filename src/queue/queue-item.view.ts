import { timerNameById, CASE_TIMERS } from '../cases/machine/case-timers.js';
import { queueStepOf } from './queue-steps.js';
import type { QueueRow } from './queue.repository.js';

export type SlaStatus = 'ok' | 'due_soon' | 'overdue';

/** ok: more than the warning lead left (or no deadline) · due_soon: within it · overdue: past due, not yet fired. */
export function slaStatusOf(dueAt: Date | null, now: Date, dueSoonMs: number): SlaStatus {
  if (!dueAt) return 'ok';
  const left = dueAt.getTime() - now.getTime();
  if (left <= 0) return 'overdue';
  return left <= dueSoonMs ? 'due_soon' : 'ok';
}

/** One line of an agent's queue: what to pick next and why. */
export function toQueueItem(row: QueueRow, now: Date, dueSoonMs: number) {
  const timer = row.dueTimer ? timerNameById(row.dueTimer) : undefined;
  return {
    caseId: row.id,
    version: row.version,
    type: row.type,
    step: queueStepOf(row.state),
    state: row.state,
    platform: row.platform,
    platformCaseId: row.platformCaseId,
    orderId: row.externalOrderId,
    buyerNickname: row.buyerNickname,
    currency: row.currency,
    amount: row.requestedAmount,
    amounts: { requested: row.requestedAmount, reserved: row.reservedAmount, refunded: row.refundedAmount },
    reason: { code: row.reasonCode, category: row.reasonCategory },
    intervened: row.disputed,
    assigneeId: row.assigneeId,
    deadline:
      row.dueAt && row.dueTimer
        ? { timer: row.dueTimer, event: timer ? CASE_TIMERS[timer].event : null, dueAt: row.dueAt.toISOString() }
        : null,
    timeLeftSeconds: row.dueAt ? Math.floor((row.dueAt.getTime() - now.getTime()) / 1000) : null,
    sla: slaStatusOf(row.dueAt, now, dueSoonMs),
    openedAt: row.openedAt.toISOString(),
  };
}

export type QueueItem = ReturnType<typeof toQueueItem>;
