import { randomUUID } from 'node:crypto';
import type { CaseRecord } from '../cases/case.record.js';

export const WEBHOOK_EVENT_TYPES = [
  'case.opened',
  'case.state_changed',
  'refund.approved',
  'refund.auto_approved',
  'case.archived',
  'deadline.approaching',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** One event for the outbox, before it is fanned out to the shop's endpoints that subscribe to its type. */
export interface OutboxEvent {
  /** The Standard Webhooks `webhook-id`: the same for every endpoint and every retry. */
  eventId: string;
  shopId: string;
  caseId: string;
  /** Internal order id; the outbox statement adds the order system's own id to `data.orderId`. */
  orderId: string;
  type: WebhookEventType;
  timestamp: string;
  data: Record<string, unknown>;
}

/** The case as webhook receivers see it (money in minor units). */
export function caseSummary(record: CaseRecord): Record<string, unknown> {
  return {
    caseId: record.id,
    platform: record.platform,
    platformCaseId: record.platformCaseId,
    caseType: record.type,
    state: record.state,
    version: record.version,
    currency: record.currency,
    requestedAmount: record.requestedAmount,
    reservedAmount: record.reservedAmount,
    refundedAmount: record.refundedAmount,
    outcome: record.outcome,
  };
}

function outboxEvent(record: CaseRecord, type: WebhookEventType, at: Date, data: Record<string, unknown>): OutboxEvent {
  return { eventId: randomUUID(), shopId: record.shopId, caseId: record.id, orderId: record.orderId, type, timestamp: at.toISOString(), data };
}

/** The deadlines the order system is warned about (`deadline.approaching`) before they pass. */
export const WARNED_TIMERS = ['merchant-response', 'dispute-evidence'] as const;

/**
 * `deadline.approaching`: the case as every case event shows it, plus which deadline (`deadline`, the
 * timer: `merchant-response` or `dispute-evidence`) passes when (`dueAt`). No case event caused it, so
 * there is no `event`. Sent DEADLINE_WARNING_LEAD_MINUTES before the deadline, once per due time.
 */
export function deadlineWarningEvent(record: CaseRecord, timerId: string, dueAt: Date, at: Date): OutboxEvent {
  return outboxEvent(record, 'deadline.approaching', at, { ...caseSummary(record), deadline: timerId, dueAt: dueAt.toISOString() });
}

/**
 * The webhook events one accepted case event produces, in the order receivers get them:
 * `case.opened` or `case.state_changed`, then `refund.auto_approved`, `refund.approved`, `case.archived`.
 *
 * `refund.approved` is sent when the case enters `followUp.refunding`: that is when the order system must
 * pay `amount` (for a return, after the goods came back). `refund.auto_approved` marks the platform's
 * window lapsing (money lost to the clock), whatever the case goes on to.
 */
export function webhookEventsOf(before: CaseRecord | null, after: CaseRecord, eventType: string, at: Date): OutboxEvent[] {
  const summary = { ...caseSummary(after), event: eventType };
  const events: OutboxEvent[] = [];
  if (before === null) {
    events.push(outboxEvent(after, 'case.opened', at, summary));
  } else if (before.state !== after.state) {
    events.push(outboxEvent(after, 'case.state_changed', at, { ...summary, previousState: before.state }));
  }
  if (eventType === 'MERCHANT_RESPONSE_EXPIRED') {
    events.push(outboxEvent(after, 'refund.auto_approved', at, { ...summary, amount: after.reservedAmount }));
  }
  if (after.state === 'followUp.refunding' && before?.state !== 'followUp.refunding') {
    const approvedVia = after.snapshot.context.approvedVia;
    events.push(outboxEvent(after, 'refund.approved', at, { ...summary, amount: after.reservedAmount, approvedVia }));
  }
  if (after.state === 'archived' && before?.state !== 'archived') {
    events.push(outboxEvent(after, 'case.archived', at, summary));
  }
  return events;
}
