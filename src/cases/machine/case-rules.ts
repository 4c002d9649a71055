import type { CaseContext, CaseEvent, CaseEventOf, Proposal } from './case.types.js';

/**
 * Why an event the state accepts was refused. The API answers these with 422 (409 for the evidence
 * window and the submitted package: they conflict with the case's situation) and the key as `code`;
 * an event the state does not accept at all is a 409 instead (see applyCaseEvent).
 */
export const CASE_RULE_KEYS = [
  'VERIFIED_REASON_REQUIRED',
  'RECODE_NOTE_REQUIRED',
  'RESOLUTION_NOT_ALLOWED',
  'RETURN_NOT_ELIGIBLE',
  'AMOUNT_REQUIRED',
  'AMOUNT_INVALID',
  'AMOUNT_NOT_APPLICABLE',
  'AMOUNT_EXCEEDS_PAID',
  'AMOUNT_EXCEEDS_REQUESTED',
  'REFUND_AMOUNT_MISMATCH',
  'EVIDENCE_WINDOW_CLOSED',
  'EVIDENCE_ALREADY_SUBMITTED',
  'AUTO_APPROVAL_NOT_APPLICABLE',
] as const;
export type CaseRuleKey = (typeof CASE_RULE_KEYS)[number];

/** Where an accepted proposal takes the case. */
export type ProposalRoute = 'refunding' | 'awaitingReturn' | 'awaitingBuyer';

export type ProposalPlan = { refusal: CaseRuleKey } | { refusal: null; route: ProposalRoute; proposal: Proposal; reserve: number };

/** Where a buyer's acceptance of the pending proposal takes the case. */
export type AcceptanceRoute = 'archived' | 'awaitingReturn' | 'refunding' | 'remedying';

function isPositiveMoney(amount: number): boolean {
  return Number.isSafeInteger(amount) && amount > 0;
}

/**
 * Checks a merchant proposal and decides where it goes. A full approval needs no buyer consent (the buyer
 * gets what they asked for); anything less, anything different and every complaint remedy waits for the buyer.
 */
export function planProposal(context: CaseContext, event: CaseEventOf<'PROPOSE'>): ProposalPlan {
  const { resolution } = event;
  const amount = event.amount ?? null;
  const isReturnOrExchange = resolution === 'return_and_refund' || resolution === 'exchange';
  if (context.caseType === 'complaint' && isReturnOrExchange) {
    return { refusal: 'RESOLUTION_NOT_ALLOWED' };
  }
  const movesMoney = resolution !== 'reject' && resolution !== 'exchange';
  if (!movesMoney && amount !== null) {
    return { refusal: 'AMOUNT_NOT_APPLICABLE' };
  }
  // A complaint may be settled by a non-money remedy (resend, coupon, apology gift): compensation without amount.
  const amountOptional =
    resolution === 'full_refund' || resolution === 'return_and_refund' || (resolution === 'compensation' && context.caseType === 'complaint');
  if (movesMoney && amount === null && !amountOptional) {
    return { refusal: 'AMOUNT_REQUIRED' };
  }
  const money = !movesMoney ? null : (amount ?? (resolution === 'compensation' ? null : context.requestedAmount));
  if (money !== null && !isPositiveMoney(money)) {
    return { refusal: amount === null ? 'AMOUNT_REQUIRED' : 'AMOUNT_INVALID' };
  }
  if (money !== null && money > context.paidAmount) {
    return { refusal: 'AMOUNT_EXCEEDS_PAID' };
  }
  if (money !== null && money > context.requestedAmount) {
    return { refusal: 'AMOUNT_EXCEEDS_REQUESTED' };
  }
  if (isReturnOrExchange && (!context.orderShipped || context.specialGoods)) {
    return { refusal: 'RETURN_NOT_ELIGIBLE' };
  }
  const offersLess =
    resolution === 'reject' || resolution === 'partial_refund' || resolution === 'compensation' || (money !== null && money < context.requestedAmount);
  if (offersLess && !context.stepsDone.verify) {
    return { refusal: 'VERIFIED_REASON_REQUIRED' };
  }

  const proposal: Proposal = { resolution, amount: money };
  const isFullAmount = money === context.requestedAmount;
  if (context.caseType !== 'complaint') {
    if (resolution === 'full_refund' && isFullAmount && context.caseType !== 'exchange') {
      return { refusal: null, route: 'refunding', proposal, reserve: context.requestedAmount };
    }
    if (resolution === 'return_and_refund' && isFullAmount && context.caseType === 'return') {
      return { refusal: null, route: 'awaitingReturn', proposal, reserve: context.requestedAmount };
    }
    if (resolution === 'exchange' && context.caseType === 'exchange') {
      return { refusal: null, route: 'awaitingReturn', proposal, reserve: 0 };
    }
  }
  return { refusal: null, route: 'awaitingBuyer', proposal, reserve: 0 };
}

export function acceptanceRoute(proposal: Proposal): AcceptanceRoute {
  if (proposal.resolution === 'reject') {
    return 'archived';
  }
  if (proposal.resolution === 'return_and_refund' || proposal.resolution === 'exchange') {
    return 'awaitingReturn';
  }
  return proposal.amount !== null ? 'refunding' : 'remedying';
}

/** Recoding a quality claim to non-quality lowers the shop's quality refund rate, so it must be explained. */
export function verificationRefusal(context: CaseContext, event: CaseEventOf<'VERIFY'>): CaseRuleKey | null {
  const recodes = context.claimedReasonCategory === 'quality' && event.verifiedReasonCategory === 'non_quality';
  return recodes && !event.note?.trim() ? 'RECODE_NOTE_REQUIRED' : null;
}

/** The money system reports what it paid; anything but the reserved amount means the books disagree. */
export function refundExecutionRefusal(context: CaseContext, event: CaseEventOf<'REFUND_EXECUTED'>): CaseRuleKey | null {
  return event.amount === context.reservedAmount ? null : 'REFUND_AMOUNT_MISMATCH';
}

export function rulingRefusal(context: CaseContext, event: CaseEventOf<'PLATFORM_RULING'>): CaseRuleKey | null {
  const amount = event.amount ?? null;
  if (event.favour === 'merchant') {
    return amount === null ? null : 'AMOUNT_NOT_APPLICABLE';
  }
  // The platform may award more than the buyer asked for, but never more than was paid.
  const awarded = amount ?? context.requestedAmount;
  if (!isPositiveMoney(awarded)) {
    return amount === null ? 'AMOUNT_REQUIRED' : 'AMOUNT_INVALID';
  }
  return awarded > context.paidAmount ? 'AMOUNT_EXCEEDS_PAID' : null;
}

export function rulingAmount(context: CaseContext, event: CaseEventOf<'PLATFORM_RULING'>): number {
  return event.amount ?? context.requestedAmount;
}

/** Late evidence is not accepted by the platforms, and the merchant's package is submitted once. */
export function evidenceRefusal(context: CaseContext): CaseRuleKey | null {
  if (context.evidenceWindowClosed) return 'EVIDENCE_WINDOW_CLOSED';
  return context.evidenceSubmitted ? 'EVIDENCE_ALREADY_SUBMITTED' : null;
}

export function autoApprovalRefusal(context: CaseContext): CaseRuleKey | null {
  return context.caseType === 'complaint' ? 'AUTO_APPROVAL_NOT_APPLICABLE' : null;
}

/** The rule that refuses `event` in `context`, or null when the rules allow it. Guards are built on the same functions. */
export function refusalOf(context: CaseContext, event: CaseEvent): CaseRuleKey | null {
  switch (event.type) {
    case 'VERIFY':
      return verificationRefusal(context, event);
    case 'PROPOSE':
      return planProposal(context, event).refusal;
    case 'REFUND_EXECUTED':
      return refundExecutionRefusal(context, event);
    case 'PLATFORM_RULING':
      return rulingRefusal(context, event);
    case 'SUBMIT_EVIDENCE':
      return evidenceRefusal(context);
    case 'MERCHANT_RESPONSE_EXPIRED':
      return autoApprovalRefusal(context);
    default:
      return null;
  }
}
