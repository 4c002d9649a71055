import type { CaseView } from './case.view.js';
import type { ClientEventType } from './dto/case-event.dto.js';

export interface CaseEventExample {
  summary: string;
  value: { type: ClientEventType } & Record<string, unknown>;
}

/**
 * Request examples of POST /v1/cases/{caseId}/events, at least one per event type a client may send
 * (the OpenAPI test holds every one against CaseEventPipe, and checks that no type lacks one).
 */
export const CASE_EVENT_EXAMPLES: Record<string, CaseEventExample> = {
  contact: { summary: 'CONTACT_BUYER: the agent reached the buyer', value: { type: 'CONTACT_BUYER', note: '已电话联系买家，确认鞋底开胶' } },
  verify: {
    summary: 'VERIFY: the agent checked the facts',
    value: { type: 'VERIFY', verifiedReasonCode: 'quality_problem', findings: '买家照片显示鞋底开胶' },
  },
  recode: {
    summary: 'VERIFY: a quality claim recoded as non-quality (needs a note)',
    value: { type: 'VERIFY', verifiedReasonCode: 'ordered_wrong', findings: '买家自述尺码买错，商品无质量问题', note: '聊天记录中买家承认拍错尺码' },
  },
  apologise: { summary: 'APOLOGISE: the agent apologised to the buyer', value: { type: 'APOLOGISE', note: '非常抱歉给您带来不便，我们马上为您处理' } },
  fullRefund: { summary: 'PROPOSE: full refund (no buyer consent needed)', value: { type: 'PROPOSE', resolution: 'full_refund', note: '同意全额退款' } },
  partialRefund: {
    summary: 'PROPOSE: partial refund (waits for the buyer; needs VERIFY first)',
    value: { type: 'PROPOSE', resolution: 'partial_refund', amount: 10000, note: '补偿 100 元' },
  },
  returnAndRefund: {
    summary: 'PROPOSE: return and refund',
    value: { type: 'PROPOSE', resolution: 'return_and_refund', note: '同意退货退款，请在 7 天内寄回' },
  },
  supervisorOverride: {
    summary: 'PROPOSE by a supervisor, sent although the reply guard blocks the note',
    value: {
      type: 'PROPOSE',
      resolution: 'full_refund',
      note: '已为您全额退款，如有问题请拨打 400-820-8820',
      guardOverride: { reason: '买家主动索要售后电话，已由主管确认' },
    },
  },
  goodsReceived: { summary: 'GOODS_RECEIVED: the return arrived', value: { type: 'GOODS_RECEIVED', inspection: '退回商品完好，吊牌齐全' } },
  exchangeShipped: {
    summary: 'EXCHANGE_SHIPPED: the replacement is on its way',
    value: { type: 'EXCHANGE_SHIPPED', carrier: '中通快递', trackingNo: 'ZTO7312345678901' },
  },
  remedyDone: { summary: 'REMEDY_DONE: a complaint remedy was carried out', value: { type: 'REMEDY_DONE', note: '已补发赠品并发放 20 元无门槛优惠券' } },
  submitEvidence: { summary: 'SUBMIT_EVIDENCE: seal the merchant’s evidence package', value: { type: 'SUBMIT_EVIDENCE' } },
  buyerAccept: { summary: 'BUYER_ACCEPT: the buyer accepted the offer', value: { type: 'BUYER_ACCEPT' } },
  buyerDecline: { summary: 'BUYER_DECLINE: the buyer declined the offer', value: { type: 'BUYER_DECLINE', note: '买家要求全额退款，不接受部分补偿' } },
  buyerEscalate: { summary: 'BUYER_ESCALATE: the buyer asked the platform to step in', value: { type: 'BUYER_ESCALATE' } },
  returnShipped: {
    summary: 'RETURN_SHIPPED: the buyer shipped the return',
    value: { type: 'RETURN_SHIPPED', carrier: '顺丰速运', trackingNo: 'SF1234567890' },
  },
  buyerWithdraw: { summary: 'BUYER_WITHDRAW: the buyer withdrew the request', value: { type: 'BUYER_WITHDRAW' } },
  refundExecuted: { summary: 'REFUND_EXECUTED: the money went out', value: { type: 'REFUND_EXECUTED', amount: 29900, refundId: 'RF-20261102-88' } },
  refundFailed: { summary: 'REFUND_FAILED: the payment system refused', value: { type: 'REFUND_FAILED', reason: '买家支付宝账户已冻结，原路退款失败' } },
  platformIntervened: { summary: 'PLATFORM_INTERVENED: 平台介入', value: { type: 'PLATFORM_INTERVENED' } },
  platformRuling: { summary: 'PLATFORM_RULING: the platform decided for the buyer', value: { type: 'PLATFORM_RULING', favour: 'buyer', amount: 29900 } },
  rulingForMerchant: { summary: 'PLATFORM_RULING: the platform decided for the merchant', value: { type: 'PLATFORM_RULING', favour: 'merchant' } },
};

/** A refund case just opened from a Taobao request: what POST /v1/cases and GET /v1/cases/{caseId} answer. */
export const CASE_VIEW_EXAMPLE: CaseView = {
  id: '0b7c2f0e-3b8f-4a53-9d54-2f1f1e9b7a10',
  shopId: '5b1e7f3a-8c2d-4e9f-a1b0-c3d4e5f60718',
  type: 'refund',
  platform: 'taobao',
  platformCaseId: 'TB-RF-20261102-0001',
  state: 'open.contact',
  status: 'open',
  version: 1,
  machineVersion: 1,
  currency: 'CNY',
  amounts: { requested: 29900, reserved: 0, refunded: 0 },
  reasons: {
    claimed: { code: 'quality_problem', category: 'quality', labels: { zh: '商品质量问题', en: 'Quality problem' } },
    platformReason: '商品质量问题',
    verified: null,
    recodedToNonQuality: false,
  },
  proposal: null,
  approvedVia: null,
  stepsDone: { contact: false, verify: false, apologise: false },
  skippedSteps: [],
  disputed: false,
  outcome: null,
  deadlines: [{ timer: 'merchant-response', event: 'MERCHANT_RESPONSE_EXPIRED', dueAt: '2026-11-04T09:00:00.000Z' }],
  allowedEvents: ['CONTACT_BUYER', 'PROPOSE', 'BUYER_WITHDRAW', 'PLATFORM_INTERVENED'],
  order: {
    id: '7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d',
    orderId: '3921837712345678',
    status: 'shipped',
    paidTotal: 29900,
    reservedTotal: 0,
    refundedTotal: 0,
    items: [{ sku: 'SKU-RED-42', title: '男士运动鞋 红色 42码', quantity: 1, unitPrice: 29900, goodsKind: 'standard' }],
  },
  buyer: { id: 'tb_buyer_8812', nickname: '小明', phone: '13800138000', address: '浙江省杭州市余杭区文一西路 969 号' },
  buyerText: '鞋底开胶了',
  assigneeId: null,
  requestedAt: '2026-11-02T09:00:00.000Z',
  openedAt: '2026-11-02T09:00:03.000Z',
  updatedAt: '2026-11-02T09:00:03.000Z',
  archivedAt: null,
};
