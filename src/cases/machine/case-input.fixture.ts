import { DEFAULT_CASE_POLICY } from './case-timers.js';
import type { CaseInput } from './case.types.js';

/** A refund of 100.00 on a shipped order paid 120.00, filed for a quality problem; specs override what they test. */
export function caseInput(overrides: Partial<CaseInput> = {}): CaseInput {
  return {
    caseType: 'refund',
    requestedAmount: 10_000,
    paidAmount: 12_000,
    orderShipped: true,
    specialGoods: false,
    claimedReasonCode: 'quality_problem',
    claimedReasonCategory: 'quality',
    policy: { ...DEFAULT_CASE_POLICY },
    ...overrides,
  };
}
