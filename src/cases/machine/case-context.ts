import { REASON_CATEGORIES } from '../../reasons/reason.types.js';
import { CASE_TIMERS, TIMER_NAMES } from './case-timers.js';
import { CASE_TYPES, type CaseContext, type CaseInput } from './case.types.js';

function isMoney(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/**
 * Builds the initial context. The API validates input too; this check exists because a bad policy would
 * be silently dangerous here: XState raises a delayed event at once when its delay is not a number.
 */
export function caseContextFromInput(input: CaseInput): CaseContext {
  const problems: string[] = [];
  if (!CASE_TYPES.includes(input.caseType)) problems.push(`caseType must be one of ${CASE_TYPES.join(', ')}`);
  if (!isMoney(input.paidAmount)) problems.push('paidAmount must be a non-negative integer (fen)');
  if (!isMoney(input.requestedAmount)) problems.push('requestedAmount must be a non-negative integer (fen)');
  else if (input.requestedAmount > input.paidAmount) problems.push('requestedAmount must not exceed paidAmount');
  else if ((input.caseType === 'refund' || input.caseType === 'return') && input.requestedAmount === 0) {
    problems.push('requestedAmount must be positive for a refund or return');
  }
  if (!REASON_CATEGORIES.includes(input.claimedReasonCategory)) problems.push('claimedReasonCategory must be quality or non_quality');
  for (const timer of TIMER_NAMES) {
    const key = CASE_TIMERS[timer].policyKey;
    const ms = input.policy?.[key];
    if (!(typeof ms === 'number' && Number.isSafeInteger(ms) && ms > 0)) problems.push(`policy.${key} must be a positive integer (ms)`);
  }
  if (problems.length > 0) {
    throw new RangeError(`Invalid case input: ${problems.join('; ')}`);
  }

  return {
    caseType: input.caseType,
    requestedAmount: input.requestedAmount,
    paidAmount: input.paidAmount,
    orderShipped: input.orderShipped === true,
    specialGoods: input.specialGoods === true,
    claimedReasonCode: input.claimedReasonCode,
    claimedReasonCategory: input.claimedReasonCategory,
    verifiedReasonCode: null,
    verifiedReasonCategory: null,
    reasonRecoded: false,
    stepsDone: { contact: false, verify: false, apologise: false },
    skippedSteps: [],
    proposal: null,
    approvedVia: null,
    reservedAmount: 0,
    refundedAmount: 0,
    disputed: false,
    evidenceSubmitted: false,
    evidenceWindowClosed: false,
    outcome: null,
    policy: {
      merchantResponseMs: input.policy.merchantResponseMs,
      buyerReturnMs: input.policy.buyerReturnMs,
      merchantReceiptMs: input.policy.merchantReceiptMs,
      disputeEvidenceMs: input.policy.disputeEvidenceMs,
      buyerEscalationMs: input.policy.buyerEscalationMs,
    },
  };
}
