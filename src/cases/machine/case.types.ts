import type { ReasonCategory } from '../../reasons/reason.types.js';

export const CASE_TYPES = ['refund', 'return', 'exchange', 'complaint'] as const;
export type CaseType = (typeof CASE_TYPES)[number];

export const RESOLUTIONS = ['full_refund', 'partial_refund', 'return_and_refund', 'exchange', 'compensation', 'reject'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

export const CASE_OUTCOMES = ['refunded', 'partially_refunded', 'exchanged', 'rejected', 'withdrawn', 'auto_approved', 'closed_no_return', 'resolved'] as const;
export type CaseOutcome = (typeof CASE_OUTCOMES)[number];

export const APPROVAL_SOURCES = ['merchant', 'auto', 'buyer_accept', 'ruling'] as const;
export type ApprovalSource = (typeof APPROVAL_SOURCES)[number];

/** The playbook steps before a proposal; a proposal made before one is done records it as skipped. */
export const PLAYBOOK_STEPS = ['contact', 'verify', 'apologise'] as const;
export type PlaybookStep = (typeof PLAYBOOK_STEPS)[number];

/** Platform windows in milliseconds, taken from the shop's policy when the case opens. */
export interface CasePolicy {
  merchantResponseMs: number;
  buyerReturnMs: number;
  merchantReceiptMs: number;
  disputeEvidenceMs: number;
  buyerEscalationMs: number;
}

/** The resolution currently in force or on offer. `amount` is the money it moves, in fen; null when it moves none. */
export interface Proposal {
  resolution: Resolution;
  amount: number | null;
}

export interface CaseContext {
  caseType: CaseType;
  /** Money the buyer asked for, in fen. */
  requestedAmount: number;
  /** What the buyer paid for the order, in fen: no approval may exceed it. */
  paidAmount: number;
  orderShipped: boolean;
  /** Fresh food, fruit, virtual or made-to-order goods: refund only, never return or exchange. */
  specialGoods: boolean;
  claimedReasonCode: string;
  claimedReasonCategory: ReasonCategory;
  verifiedReasonCode: string | null;
  verifiedReasonCategory: ReasonCategory | null;
  reasonRecoded: boolean;
  stepsDone: Record<PlaybookStep, boolean>;
  skippedSteps: PlaybookStep[];
  proposal: Proposal | null;
  approvedVia: ApprovalSource | null;
  /** Approved for this case and not yet paid out, in fen. The engine moves order money by diffing this. */
  reservedAmount: number;
  /** Paid out for this case, in fen. */
  refundedAmount: number;
  disputed: boolean;
  evidenceSubmitted: boolean;
  evidenceWindowClosed: boolean;
  outcome: CaseOutcome | null;
  policy: CasePolicy;
}

export type CaseInput = Pick<
  CaseContext,
  'caseType' | 'requestedAmount' | 'paidAmount' | 'orderShipped' | 'specialGoods' | 'claimedReasonCode' | 'claimedReasonCategory' | 'policy'
>;

export type CaseEvent =
  // Agent
  | { type: 'CONTACT_BUYER'; note: string }
  | {
      type: 'VERIFY';
      verifiedReasonCode: string;
      verifiedReasonCategory: ReasonCategory;
      findings: string;
      note?: string;
    }
  | { type: 'APOLOGISE'; note: string }
  | { type: 'PROPOSE'; resolution: Resolution; amount?: number; note: string }
  | { type: 'GOODS_RECEIVED'; inspection: string }
  | { type: 'EXCHANGE_SHIPPED'; carrier: string; trackingNo: string }
  | { type: 'REMEDY_DONE'; note: string }
  | { type: 'SUBMIT_EVIDENCE' }
  // Buyer, through the order system
  | { type: 'BUYER_ACCEPT' }
  | { type: 'BUYER_DECLINE'; note?: string }
  | { type: 'BUYER_ESCALATE' }
  | { type: 'RETURN_SHIPPED'; carrier: string; trackingNo: string }
  | { type: 'BUYER_WITHDRAW' }
  // Money
  | { type: 'REFUND_EXECUTED'; amount: number; refundId: string }
  | { type: 'REFUND_FAILED'; reason: string }
  // Platform
  | { type: 'PLATFORM_INTERVENED' }
  | { type: 'PLATFORM_RULING'; favour: 'buyer' | 'merchant'; amount?: number }
  // Durable timers, sent only by the sweeper
  | { type: 'MERCHANT_RESPONSE_EXPIRED' }
  | { type: 'BUYER_RETURN_EXPIRED' }
  | { type: 'MERCHANT_RECEIPT_EXPIRED' }
  | { type: 'DISPUTE_EVIDENCE_EXPIRED' }
  | { type: 'BUYER_ESCALATION_EXPIRED' };

export type CaseEventType = CaseEvent['type'];
export type CaseEventOf<T extends CaseEventType> = Extract<CaseEvent, { type: T }>;

export type CaseEventSource = 'agent' | 'buyer' | 'money' | 'platform' | 'timer';

/** Who may send each event; the order is the order the API and console list them in. */
export const CASE_EVENT_SOURCES = {
  CONTACT_BUYER: 'agent',
  VERIFY: 'agent',
  APOLOGISE: 'agent',
  PROPOSE: 'agent',
  GOODS_RECEIVED: 'agent',
  EXCHANGE_SHIPPED: 'agent',
  REMEDY_DONE: 'agent',
  SUBMIT_EVIDENCE: 'agent',
  BUYER_ACCEPT: 'buyer',
  BUYER_DECLINE: 'buyer',
  BUYER_ESCALATE: 'buyer',
  RETURN_SHIPPED: 'buyer',
  BUYER_WITHDRAW: 'buyer',
  REFUND_EXECUTED: 'money',
  REFUND_FAILED: 'money',
  PLATFORM_INTERVENED: 'platform',
  PLATFORM_RULING: 'platform',
  MERCHANT_RESPONSE_EXPIRED: 'timer',
  BUYER_RETURN_EXPIRED: 'timer',
  MERCHANT_RECEIPT_EXPIRED: 'timer',
  DISPUTE_EVIDENCE_EXPIRED: 'timer',
  BUYER_ESCALATION_EXPIRED: 'timer',
} as const satisfies Record<CaseEventType, CaseEventSource>;

export const CASE_EVENT_TYPES = Object.keys(CASE_EVENT_SOURCES) as CaseEventType[];

export function isTimerEventType(type: string): boolean {
  return (CASE_EVENT_SOURCES as Record<string, CaseEventSource>)[type] === 'timer';
}
