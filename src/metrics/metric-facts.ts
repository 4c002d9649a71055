import type { CaseRecord } from '../cases/case.record.js';
import { timerApplies } from '../cases/machine/case-timers.js';
import type { CaseContext } from '../cases/machine/case.types.js';

export const METRIC_FACT_KINDS = ['opened', 'first_response', 'response', 'archived', 'refunded', 'intervened', 'recoded'] as const;
export type MetricFactKind = (typeof METRIC_FACT_KINDS)[number];

/** `response` labels: how the merchant's 48 h response window was settled. */
export type ResponseLabel = 'in_time' | 'late' | 'missed';

/**
 * One countable fact of a case, counted in the period that contains `at`. Written in the same statement
 * as the change that produced it; a fact of a kind other than `recoded` is kept only the first time
 * (the table's unique key), so the engine may offer the same kind again.
 */
export interface MetricFact {
  shopId: string;
  caseId: string;
  /** The case event that produced it. */
  seq: number;
  kind: MetricFactKind;
  at: Date;
  caseType: string;
  agentId: string | null;
  label: string | null;
  /** Seconds since the platform's request time (first response, archive). */
  seconds: number | null;
  currency: string;
  amount: number | null;
}

/** Buyer-facing actions of the merchant: the first of them is the case's first response. */
const RESPONSE_EVENTS = new Set(['CONTACT_BUYER', 'APOLOGISE', 'PROPOSE']);

export interface FactInput {
  /** The case before the event (for an opening, the draft as created). */
  before: CaseRecord;
  after: CaseRecord;
  event: string;
  actor: { kind: string; id: string };
  /** The state the event was applied in; null when the case is being opened. */
  fromState: string | null;
  at: Date;
  seq: number;
}

function secondsSince(from: Date, to: Date): number {
  return Math.max(0, Math.floor((to.getTime() - from.getTime()) / 1000));
}

/**
 * The metric facts one accepted event produces. Pure: the definitions the README gives for each metric,
 * as code. See the migration's backfill for the same rules over an existing audit trail.
 */
export function metricFactsOf(input: FactInput): MetricFact[] {
  const { before, after, event, actor, at, seq } = input;
  const facts: MetricFact[] = [];
  const fact = (kind: MetricFactKind, extra: Partial<Pick<MetricFact, 'agentId' | 'label' | 'seconds' | 'amount'>> = {}) =>
    facts.push({
      shopId: after.shopId,
      caseId: after.id,
      seq,
      kind,
      at,
      caseType: after.type,
      agentId: null,
      label: null,
      seconds: null,
      currency: after.currency,
      amount: null,
      ...extra,
    });
  const agentId = actor.kind === 'agent' ? actor.id : null;
  const context = after.snapshot.context as CaseContext;
  const hasClock = timerApplies('MERCHANT_RESPONSE', after.type);

  if (input.fromState === null) fact('opened');
  if (RESPONSE_EVENTS.has(event)) fact('first_response', { agentId, seconds: secondsSince(after.requestedAt, at) });
  if (hasClock && input.fromState?.startsWith('open.') && !after.state.startsWith('open.')) {
    if (event === 'PROPOSE') {
      const due = after.requestedAt.getTime() + context.policy.merchantResponseMs;
      fact('response', { agentId, label: at.getTime() <= due ? 'in_time' : 'late' });
    } else if (event === 'MERCHANT_RESPONSE_EXPIRED' && context.approvedVia === 'auto') {
      fact('response', { agentId: before.assigneeId, label: 'missed', amount: context.proposal?.amount ?? 0 });
    }
  }
  if (event === 'PLATFORM_INTERVENED') fact('intervened');
  if (before.reasonRecoded !== after.reasonRecoded) fact('recoded', { agentId, label: after.reasonRecoded ? 'recoded' : 'restored' });
  if (before.refundedAmount === 0 && after.refundedAmount > 0 && !(context.proposal?.resolution === 'compensation' && context.approvedVia !== 'ruling')) {
    fact('refunded', {
      agentId: after.assigneeId,
      label: after.verifiedReasonCategory ?? after.claimedReasonCategory,
      amount: after.refundedAmount,
    });
  }
  if (before.archivedAt === null && after.archivedAt !== null) {
    fact('archived', { agentId: after.assigneeId, label: after.outcome, seconds: secondsSince(after.requestedAt, after.archivedAt) });
  }
  return facts;
}
