import { defineProblems } from '../platform/problem/problem.exception.js';
import { CASE_RULE_KEYS, type CaseRuleKey } from './machine/case-rules.js';

const RULE_TITLES: Record<CaseRuleKey, string> = {
  VERIFIED_REASON_REQUIRED: 'Verify the facts first: rejecting or offering less than requested needs a verified reason',
  RECODE_NOTE_REQUIRED: 'Recoding a quality reason to non-quality needs a note',
  RESOLUTION_NOT_ALLOWED: 'This resolution is not possible for this case type',
  RETURN_NOT_ELIGIBLE: 'Return and exchange need a shipped order of non-special goods',
  AMOUNT_REQUIRED: 'This resolution needs an amount',
  AMOUNT_INVALID: 'The amount must be a positive whole number of minor units',
  AMOUNT_NOT_APPLICABLE: 'This resolution moves no money: leave the amount out',
  AMOUNT_EXCEEDS_PAID: 'The amount is more than the order’s paid total',
  AMOUNT_EXCEEDS_REQUESTED: 'The amount is more than the buyer requested',
  REFUND_AMOUNT_MISMATCH: 'The executed refund does not match the approved amount',
  EVIDENCE_WINDOW_CLOSED: 'The evidence window has closed',
  EVIDENCE_ALREADY_SUBMITTED: 'The evidence package has already been submitted',
  AUTO_APPROVAL_NOT_APPLICABLE: 'This case type is never auto-approved',
};

/** Refusals that conflict with where the case stands rather than with what the request says. */
const RULE_STATUS: Partial<Record<CaseRuleKey, number>> = { EVIDENCE_WINDOW_CLOSED: 409, EVIDENCE_ALREADY_SUBMITTED: 409 };

export const CaseException = defineProblems('CaseException', {
  CASE_NOT_FOUND: { status: 404, title: 'Case not found' },
  EVENT_NOT_ALLOWED: { status: 409, title: 'This event is not allowed in the case’s current state' },
  EVENT_REFUSED: { status: 422, title: 'The event was refused by the case rules' },
  EVENT_SOURCE_FORBIDDEN: { status: 403, title: 'This caller cannot send this event' },
  VERSION_MISMATCH: { status: 412, title: 'The case has changed since you read it' },
  INVALID_IF_MATCH: { status: 400, title: 'If-Match must be the case version, e.g. "7"' },
  ORDER_NOT_SHIPPED: { status: 422, title: 'Return and exchange need a shipped order' },
  SPECIAL_GOODS_REFUND_ONLY: { status: 422, title: 'Fresh, fruit, virtual and made-to-order goods are refund-only' },
  AMOUNT_EXCEEDS_REFUNDABLE: { status: 422, title: 'The amount is more than is still refundable on the order' },
  REFUNDABLE_AMOUNT_EXCEEDED: { status: 409, title: 'Approving this would refund more than the order’s paid total' },
  CURRENCY_MISMATCH: { status: 422, title: 'The order is known with another currency' },
  ORDER_MONEY_CONFLICT: { status: 409, title: 'The reported paid total is below what is already refunded or reserved' },
  ORDER_NOT_FOUND: { status: 404, title: 'No case has been opened for this order' },
  ORDER_STATUS_REGRESSION: { status: 409, title: 'An order status cannot go back' },
  ...(Object.fromEntries(CASE_RULE_KEYS.map((key) => [key, { status: RULE_STATUS[key] ?? 422, title: RULE_TITLES[key] }])) as Record<
    CaseRuleKey,
    { status: number; title: string }
  >),
});

/** The one "case not found" problem (404 CASE_NOT_FOUND): see CaseRepository.require and requireWithContext. */
export function caseNotFound(caseId: string): InstanceType<typeof CaseException> {
  return new CaseException('CASE_NOT_FOUND', `No case ${caseId}.`);
}
