import { reasonByCode } from '../reasons/reason-catalog.js';
import type { OrderRecord } from '../orders/order.types.js';
import type { TimerRow } from '../timers/timers.repository.js';
import type { CaseRecord } from './case.record.js';
import { allowedEvents, restoreSnapshot } from './machine/case-machine.queries.js';

function reasonView(code: string | null, category: string | null) {
  if (!code) return null;
  const reason = reasonByCode(code);
  return { code, category: category ?? reason?.category ?? null, labels: reason?.labels ?? null };
}

export interface DeadlineView {
  timer: string;
  event: string;
  dueAt: string;
}

/** The API shape of a case: what an agent or integration needs to act on it. */
export function toCaseView(record: CaseRecord, order: OrderRecord | undefined, timers: TimerRow[]) {
  const snapshot = restoreSnapshot(record.snapshot);
  const context = snapshot.context;
  return {
    id: record.id,
    shopId: record.shopId,
    type: record.type,
    platform: record.platform,
    platformCaseId: record.platformCaseId,
    state: record.state,
    status: record.archivedAt ? 'archived' : 'open',
    version: record.version,
    machineVersion: record.machineVersion,
    currency: record.currency,
    amounts: { requested: record.requestedAmount, reserved: record.reservedAmount, refunded: record.refundedAmount },
    reasons: {
      claimed: reasonView(record.claimedReasonCode, record.claimedReasonCategory),
      platformReason: record.platformReason,
      verified: reasonView(record.verifiedReasonCode, record.verifiedReasonCategory),
      recodedToNonQuality: record.reasonRecoded,
    },
    proposal: context.proposal,
    approvedVia: context.approvedVia,
    stepsDone: context.stepsDone,
    skippedSteps: context.skippedSteps,
    disputed: context.disputed,
    outcome: record.outcome,
    deadlines: timers.map((t): DeadlineView => ({ timer: t.timerId, event: t.event.type, dueAt: t.dueAt.toISOString() })),
    allowedEvents: allowedEvents(snapshot),
    order: order && {
      id: order.id,
      orderId: order.externalOrderId,
      status: order.status,
      paidTotal: order.paidTotal,
      reservedTotal: order.reservedTotal,
      refundedTotal: order.refundedTotal,
      items: order.snapshot.items,
    },
    buyer: record.buyer,
    buyerText: record.buyerText,
    assigneeId: record.assigneeId,
    requestedAt: record.requestedAt.toISOString(),
    openedAt: record.openedAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
    archivedAt: record.archivedAt?.toISOString() ?? null,
  };
}

export type CaseView = ReturnType<typeof toCaseView>;
