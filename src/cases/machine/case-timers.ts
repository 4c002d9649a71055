import type { CaseContext, CasePolicy, CaseType } from './case.types.js';

interface TimerDefinition {
  /** Unique per case: the engine keys `case_timers` rows on (case_id, timer_id). */
  timerId: string;
  event: `${string}_EXPIRED`;
  policyKey: keyof CasePolicy;
  caseTypes: readonly CaseType[];
}

const ALL_CASE_TYPES: readonly CaseType[] = ['refund', 'return', 'exchange', 'complaint'];

/**
 * Every platform deadline the machine knows. The key is also the XState delay name, so a delayed raise
 * names its window and the engine can anchor it (MERCHANT_RESPONSE runs from the platform's requestedAt).
 */
export const CASE_TIMERS = {
  // Complaints are not refund requests: the platform never auto-approves them.
  MERCHANT_RESPONSE: {
    timerId: 'merchant-response',
    event: 'MERCHANT_RESPONSE_EXPIRED',
    policyKey: 'merchantResponseMs',
    caseTypes: ['refund', 'return', 'exchange'],
  },
  BUYER_RETURN: { timerId: 'buyer-return', event: 'BUYER_RETURN_EXPIRED', policyKey: 'buyerReturnMs', caseTypes: ALL_CASE_TYPES },
  MERCHANT_RECEIPT: {
    timerId: 'merchant-receipt',
    event: 'MERCHANT_RECEIPT_EXPIRED',
    policyKey: 'merchantReceiptMs',
    caseTypes: ALL_CASE_TYPES,
  },
  DISPUTE_EVIDENCE: {
    timerId: 'dispute-evidence',
    event: 'DISPUTE_EVIDENCE_EXPIRED',
    policyKey: 'disputeEvidenceMs',
    caseTypes: ALL_CASE_TYPES,
  },
  BUYER_ESCALATION: {
    timerId: 'buyer-escalation',
    event: 'BUYER_ESCALATION_EXPIRED',
    policyKey: 'buyerEscalationMs',
    caseTypes: ALL_CASE_TYPES,
  },
} as const satisfies Record<string, TimerDefinition>;

export type TimerName = keyof typeof CASE_TIMERS;
export const TIMER_NAMES = Object.keys(CASE_TIMERS) as TimerName[];

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** The common platform rules, used when a shop has not set its own windows. */
export const DEFAULT_CASE_POLICY: Readonly<CasePolicy> = Object.freeze({
  merchantResponseMs: 48 * HOUR_MS,
  buyerReturnMs: 7 * DAY_MS,
  merchantReceiptMs: 10 * DAY_MS,
  disputeEvidenceMs: 48 * HOUR_MS,
  buyerEscalationMs: 7 * DAY_MS,
});

/** The shop stores its windows in hours and days (see ShopPolicyDto); the machine wants milliseconds. */
export function casePolicyFromShopWindows(windows: {
  merchantResponseHours: number;
  buyerReturnShippingDays: number;
  merchantReceiptDays: number;
  disputeEvidenceHours: number;
  buyerEscalationDays: number;
}): CasePolicy {
  return {
    merchantResponseMs: windows.merchantResponseHours * HOUR_MS,
    buyerReturnMs: windows.buyerReturnShippingDays * DAY_MS,
    merchantReceiptMs: windows.merchantReceiptDays * DAY_MS,
    disputeEvidenceMs: windows.disputeEvidenceHours * HOUR_MS,
    buyerEscalationMs: windows.buyerEscalationDays * DAY_MS,
  };
}

export function timerApplies(timer: TimerName, caseType: CaseType): boolean {
  return (CASE_TIMERS[timer].caseTypes as readonly CaseType[]).includes(caseType);
}

export function timerDelayMs(timer: TimerName, context: Pick<CaseContext, 'policy'>): number {
  return context.policy[CASE_TIMERS[timer].policyKey];
}

export function timerNameById(timerId: string): TimerName | undefined {
  return TIMER_NAMES.find((name) => CASE_TIMERS[name].timerId === timerId);
}

/**
 * The deadlines that cost the shop money when missed: the platform auto-approves (merchant response),
 * releases the refund (merchant receipt) or rules without the merchant's evidence (dispute evidence,
 * until the package is submitted). Buyer windows close in the shop's favour, so they never make a case urgent.
 */
export const MERCHANT_DEADLINE_TIMER_IDS: readonly string[] = [
  CASE_TIMERS.MERCHANT_RESPONSE.timerId,
  CASE_TIMERS.MERCHANT_RECEIPT.timerId,
  CASE_TIMERS.DISPUTE_EVIDENCE.timerId,
];

/** A case's most urgent merchant deadline among its pending timers, or null when none is running. */
export function mostUrgentDeadline<T extends { timerId: string; dueAt: Date }>(
  timers: readonly T[],
  context: Pick<CaseContext, 'evidenceSubmitted'>,
): T | null {
  let urgent: T | null = null;
  for (const timer of timers) {
    if (!MERCHANT_DEADLINE_TIMER_IDS.includes(timer.timerId)) continue;
    if (timer.timerId === CASE_TIMERS.DISPUTE_EVIDENCE.timerId && context.evidenceSubmitted) continue;
    if (!urgent || timer.dueAt.getTime() < urgent.dueAt.getTime() || (timer.dueAt.getTime() === urgent.dueAt.getTime() && timer.timerId < urgent.timerId)) {
      urgent = timer;
    }
  }
  return urgent;
}
