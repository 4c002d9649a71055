export const REASON_CATEGORIES = ['quality', 'non_quality'] as const;
export type ReasonCategory = (typeof REASON_CATEGORIES)[number];

export const EVIDENCE_KINDS = ['photo', 'video', 'courier_stamp', 'signed_receipt', 'chat_log', 'invoice', 'inspection_report', 'other'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

export const REASON_CODES = [
  'quality_problem',
  'not_as_described',
  'damaged_in_transit',
  'wrong_item',
  'missing_parts',
  'counterfeit',
  'expired_or_spoiled',
  'no_reason_7_days',
  'ordered_wrong',
  'negotiated',
  'not_received',
  'logistics_delay',
  'other',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

export interface ReasonDefinition {
  code: ReasonCode;
  category: ReasonCategory;
  labels: { zh: string; en: string };
  /** What usually settles a case filed for this reason; the console asks for these first. */
  expectedEvidence: readonly EvidenceKind[];
}
