import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageOf } from '../platform/openapi/api-responses.js';
import { reasonByCode } from '../reasons/reason-catalog.js';
import { ReasonLabels } from '../reasons/reason-catalog.view.js';
import { REASON_CATEGORIES } from '../reasons/reason.types.js';
import { ORDER_STATUSES, type OrderStatus } from '../orders/order.types.js';
import type { OrderRecord } from '../orders/order.types.js';
import { PLATFORMS } from '../shops/shop.record.js';
import type { TimerRow } from './timer.record.js';
import type { CaseRecord } from './case.record.js';
import { OrderItemView } from '../orders/order.view.js';
import { BuyerDto } from './dto/open-case.dto.js';
import { allowedEvents, restoreSnapshot } from './machine/case-machine.queries.js';
import {
  APPROVAL_SOURCES,
  CASE_EVENT_TYPES,
  CASE_OUTCOMES,
  CASE_TYPES,
  PLAYBOOK_STEPS,
  RESOLUTIONS,
  type ApprovalSource,
  type CaseEventType,
  type CaseOutcome,
  type CaseType,
  type PlaybookStep,
  type Resolution,
} from './machine/case.types.js';

// The classes below are the API's case shapes: the view functions are typed with them, so the OpenAPI
// schemas cannot drift from what the service answers.

export class ReasonView {
  @ApiProperty({ example: 'quality_problem' })
  code!: string;

  @ApiProperty({ type: String, enum: REASON_CATEGORIES, nullable: true, example: 'quality' })
  category!: string | null;

  @ApiProperty({ type: ReasonLabels, nullable: true })
  labels!: ReasonLabels | null;
}

export class CaseReasons {
  @ApiProperty({ type: ReasonView, nullable: true, description: 'What the buyer claimed, as one of our reason codes' })
  claimed!: ReasonView | null;

  @ApiProperty({ type: String, nullable: true, description: 'The platform’s reason text when it was not one of our codes', example: '商品质量问题' })
  platformReason!: string | null;

  @ApiProperty({ type: ReasonView, nullable: true, description: 'What the agent verified (VERIFY); null until then' })
  verified!: ReasonView | null;

  @ApiProperty({ description: 'A quality claim was verified as non-quality (lowers the quality refund rate; audited)' })
  recodedToNonQuality!: boolean;
}

export class CaseAmounts {
  @ApiProperty({ description: 'What the buyer asked for, in minor units (fen)', example: 29900 })
  requested!: number;

  @ApiProperty({ description: 'Approved and not yet paid out, in minor units', example: 29900 })
  reserved!: number;

  @ApiProperty({ description: 'Paid out, in minor units', example: 0 })
  refunded!: number;
}

export class ProposalView {
  @ApiProperty({ enum: RESOLUTIONS, example: 'full_refund' })
  resolution!: Resolution;

  @ApiProperty({ type: Number, nullable: true, description: 'The money it moves, in minor units; null when it moves none', example: 29900 })
  amount!: number | null;
}

export class PlaybookStepsDone {
  @ApiProperty()
  contact!: boolean;

  @ApiProperty()
  verify!: boolean;

  @ApiProperty()
  apologise!: boolean;
}

export class DeadlineView {
  @ApiProperty({ example: 'merchant-response' })
  timer!: string;

  @ApiProperty({ description: 'The event the service sends when it fires', example: 'MERCHANT_RESPONSE_EXPIRED' })
  event!: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-22T09:00:00.000Z' })
  dueAt!: string;
}

export class CaseOrderView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ description: 'The order id in the order system / platform', example: '3921837712345678' })
  orderId!: string;

  @ApiProperty({ enum: ORDER_STATUSES, example: 'shipped' })
  status!: OrderStatus;

  @ApiProperty({ description: 'Minor units', example: 29900 })
  paidTotal!: number;

  @ApiProperty({ description: 'Approved for this order’s cases and not yet paid out, minor units', example: 29900 })
  reservedTotal!: number;

  @ApiProperty({ description: 'Paid out for this order’s cases, minor units', example: 0 })
  refundedTotal!: number;

  @ApiProperty({ type: [OrderItemView] })
  items!: OrderItemView[];
}

/** The API shape of a case: what an agent or integration needs to act on it. */
export class CaseView {
  @ApiProperty({ format: 'uuid', example: '0b7c2f0e-3b8f-4a53-9d54-2f1f1e9b7a10' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  shopId!: string;

  @ApiProperty({ enum: CASE_TYPES, example: 'refund' })
  type!: CaseType;

  @ApiProperty({ enum: PLATFORMS, example: 'taobao' })
  platform!: string;

  @ApiProperty({ type: String, nullable: true, example: 'TB-RF-20261102-0001' })
  platformCaseId!: string | null;

  @ApiProperty({ description: 'Where the case stands in the machine (GET /v1/machine), e.g. `open.verify`', example: 'open.contact' })
  state!: string;

  @ApiProperty({ enum: ['open', 'archived'] })
  status!: 'open' | 'archived';

  @ApiProperty({ description: 'Grows with every accepted event; send it back as `If-Match` (it is also the ETag)', example: 1 })
  version!: number;

  @ApiProperty({ description: 'The version of the case machine the case runs on', example: 1 })
  machineVersion!: number;

  @ApiProperty({ example: 'CNY' })
  currency!: string;

  @ApiProperty({ type: CaseAmounts })
  amounts!: CaseAmounts;

  @ApiProperty({ type: CaseReasons })
  reasons!: CaseReasons;

  @ApiProperty({ type: ProposalView, nullable: true, description: 'The resolution in force or on offer' })
  proposal!: ProposalView | null;

  @ApiProperty({ type: String, enum: APPROVAL_SOURCES, nullable: true, description: 'How the resolution was approved' })
  approvedVia!: ApprovalSource | null;

  @ApiProperty({ type: PlaybookStepsDone })
  stepsDone!: Record<PlaybookStep, boolean>;

  @ApiProperty({ enum: PLAYBOOK_STEPS, isArray: true, description: 'Playbook steps a proposal skipped' })
  skippedSteps!: PlaybookStep[];

  @ApiProperty({ description: 'The platform was asked to intervene (平台介入)' })
  disputed!: boolean;

  @ApiProperty({ type: String, enum: CASE_OUTCOMES, nullable: true, description: 'Set when the case is archived' })
  outcome!: CaseOutcome | null;

  @ApiProperty({ type: [DeadlineView], description: 'Running deadlines, soonest first' })
  deadlines!: DeadlineView[];

  @ApiProperty({
    enum: CASE_EVENT_TYPES,
    isArray: true,
    description: 'Events the case’s state accepts now (rules may still refuse them)',
    example: ['CONTACT_BUYER', 'PROPOSE'],
  })
  allowedEvents!: CaseEventType[];

  @ApiPropertyOptional({ type: CaseOrderView, description: 'The order as on file' })
  order?: CaseOrderView;

  @ApiProperty({ type: BuyerDto })
  buyer!: BuyerDto;

  @ApiProperty({ type: String, nullable: true, example: '鞋底开胶了' })
  buyerText!: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The agent working the case; null: in the queue' })
  assigneeId!: string | null;

  @ApiProperty({ format: 'date-time', description: 'When the buyer filed it on the platform' })
  requestedAt!: string;

  @ApiProperty({ format: 'date-time' })
  openedAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  archivedAt!: string | null;
}

export class CasePage extends PageOf(CaseView) {}

function reasonView(code: string | null, category: string | null): ReasonView | null {
  if (!code) return null;
  const reason = reasonByCode(code);
  return { code, category: category ?? reason?.category ?? null, labels: reason?.labels ?? null };
}

export function toCaseView(record: CaseRecord, order: OrderRecord | undefined, timers: TimerRow[]): CaseView {
  const snapshot = restoreSnapshot(record.snapshot);
  const context = snapshot.context;
  return {
    id: record.id,
    shopId: record.shopId,
    type: record.type,
    platform: record.platform,
    platformCaseId: record.platformCaseId,
    state: record.state,
    status: record.archivedAt ? 'archived' : 'open',
    version: record.version,
    machineVersion: record.machineVersion,
    currency: record.currency,
    amounts: { requested: record.requestedAmount, reserved: record.reservedAmount, refunded: record.refundedAmount },
    reasons: {
      claimed: reasonView(record.claimedReasonCode, record.claimedReasonCategory),
      platformReason: record.platformReason,
      verified: reasonView(record.verifiedReasonCode, record.verifiedReasonCategory),
      recodedToNonQuality: record.reasonRecoded,
    },
    proposal: context.proposal,
    approvedVia: context.approvedVia,
    stepsDone: context.stepsDone,
    skippedSteps: context.skippedSteps,
    disputed: context.disputed,
    outcome: record.outcome,
    deadlines: timers.map((t): DeadlineView => ({ timer: t.timerId, event: t.event.type, dueAt: t.dueAt.toISOString() })),
    allowedEvents: allowedEvents(snapshot),
    order: order && {
      id: order.id,
      orderId: order.externalOrderId,
      status: order.status,
      paidTotal: order.paidTotal,
      reservedTotal: order.reservedTotal,
      refundedTotal: order.refundedTotal,
      items: order.snapshot.items,
    },
    buyer: record.buyer,
    buyerText: record.buyerText,
    assigneeId: record.assigneeId,
    requestedAt: record.requestedAt.toISOString(),
    openedAt: record.openedAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
    archivedAt: record.archivedAt?.toISOString() ?? null,
  };
}
