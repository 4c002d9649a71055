import { REASON_CODES, type ReasonCode, type ReasonDefinition } from './reason.types.js';

// Quality reasons count towards the platform's quality refund rate (品质退款率), which is why the
// category of each code matters more than its label.
const REASON_CATALOG: readonly ReasonDefinition[] = Object.freeze([
  {
    code: 'quality_problem',
    category: 'quality',
    labels: { zh: '质量问题', en: 'Quality problem' },
    expectedEvidence: ['photo', 'video', 'inspection_report'],
  },
  {
    code: 'not_as_described',
    category: 'quality',
    labels: { zh: '描述不符', en: 'Not as described' },
    expectedEvidence: ['photo', 'chat_log'],
  },
  {
    code: 'damaged_in_transit',
    category: 'quality',
    labels: { zh: '运输损坏/破损', en: 'Damaged in transit' },
    expectedEvidence: ['photo', 'courier_stamp', 'signed_receipt'],
  },
  {
    code: 'wrong_item',
    category: 'quality',
    labels: { zh: '发错货', en: 'Wrong item sent' },
    expectedEvidence: ['photo', 'video'],
  },
  {
    code: 'missing_parts',
    category: 'quality',
    labels: { zh: '少件/漏发', en: 'Missing parts or items' },
    // The waybill weight on the courier stamp is what usually proves or disproves a short shipment.
    expectedEvidence: ['photo', 'video', 'courier_stamp'],
  },
  {
    code: 'counterfeit',
    category: 'quality',
    labels: { zh: '假冒品牌', en: 'Counterfeit' },
    expectedEvidence: ['invoice', 'inspection_report', 'photo'],
  },
  {
    code: 'expired_or_spoiled',
    category: 'quality',
    labels: { zh: '过期/变质', en: 'Expired or spoiled' },
    expectedEvidence: ['photo', 'signed_receipt'],
  },
  {
    code: 'no_reason_7_days',
    category: 'non_quality',
    labels: { zh: '七天无理由', en: 'Changed mind (7-day no reason)' },
    expectedEvidence: ['photo'],
  },
  {
    code: 'ordered_wrong',
    category: 'non_quality',
    labels: { zh: '拍错/多拍', en: 'Ordered wrong or too many' },
    expectedEvidence: ['chat_log'],
  },
  {
    code: 'negotiated',
    category: 'non_quality',
    labels: { zh: '协商一致', en: 'Negotiated with seller' },
    expectedEvidence: ['chat_log'],
  },
  {
    code: 'not_received',
    category: 'non_quality',
    labels: { zh: '未收到货', en: 'Did not receive' },
    expectedEvidence: ['courier_stamp', 'signed_receipt'],
  },
  {
    code: 'logistics_delay',
    category: 'non_quality',
    labels: { zh: '物流延误/未按约定时间发货', en: 'Logistics delay or late shipment' },
    expectedEvidence: ['courier_stamp', 'chat_log'],
  },
  {
    code: 'other',
    category: 'non_quality',
    labels: { zh: '其他', en: 'Other' },
    expectedEvidence: ['other'],
  },
] satisfies ReasonDefinition[]);

const BY_CODE = new Map<string, ReasonDefinition>(REASON_CATALOG.map((reason) => [reason.code, reason]));

export function listReasons(): readonly ReasonDefinition[] {
  return REASON_CATALOG;
}

export function isReasonCode(value: string): value is ReasonCode {
  return (REASON_CODES as readonly string[]).includes(value);
}

export function reasonByCode(code: string): ReasonDefinition | undefined {
  return BY_CODE.get(code);
}

/** Unknown codes are not quality: only a known quality code may raise the quality refund rate. */
export function isQualityReason(code: string): boolean {
  return BY_CODE.get(code)?.category === 'quality';
}

/** A quality claim verified as non-quality lowers the quality refund rate, so it needs a note and shows in audit. */
export function isRecodeToNonQuality(fromCode: string, toCode: string): boolean {
  return isQualityReason(fromCode) && reasonByCode(toCode)?.category === 'non_quality';
}
