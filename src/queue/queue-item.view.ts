import { ApiProperty } from '@nestjs/swagger';
import { SLA_STATUSES, slaStatusOf, type SlaStatus } from '../cases/case-sla.js';
import { CaseAmounts } from '../cases/case.view.js';
import { timerNameById, CASE_TIMERS } from '../cases/machine/case-timers.js';
import { CASE_TYPES, type CaseType } from '../cases/machine/case.types.js';
import { PageOf } from '../platform/openapi/api-responses.js';
import { REASON_CATEGORIES } from '../reasons/reason.types.js';
import { PLATFORMS } from '../shops/shop.record.js';
import { QUEUE_STEPS, queueStepOf, type QueueStep } from './queue-steps.js';
import type { QueueRow } from './queue.repository.js';

// The SLA boundaries are the case's (src/cases/case-sla.ts); the type is re-exported for the console.
export type { SlaStatus };

export class QueueReason {
  @ApiProperty({ description: 'The verified reason, else the claimed one', example: 'quality_problem' })
  code!: string;

  @ApiProperty({ enum: REASON_CATEGORIES, example: 'quality' })
  category!: string;
}

export class QueueDeadline {
  @ApiProperty({ example: 'merchant-response' })
  timer!: string;

  @ApiProperty({ type: String, nullable: true, example: 'MERCHANT_RESPONSE_EXPIRED' })
  event!: string | null;

  @ApiProperty({ format: 'date-time', example: '2026-11-22T09:00:00.000Z' })
  dueAt!: string;
}

/** One line of an agent's queue: what to pick next and why. */
export class QueueItem {
  @ApiProperty({ format: 'uuid', example: '0b7c2f0e-3b8f-4a53-9d54-2f1f1e9b7a10' })
  caseId!: string;

  @ApiProperty({ description: 'Send it back as `If-Match`', example: 1 })
  version!: number;

  @ApiProperty({ enum: CASE_TYPES, example: 'refund' })
  type!: CaseType;

  @ApiProperty({ enum: [...QUEUE_STEPS, 'archive'], example: 'contact' })
  step!: QueueStep | 'archive';

  @ApiProperty({ example: 'open.contact' })
  state!: string;

  @ApiProperty({ enum: PLATFORMS, example: 'taobao' })
  platform!: string;

  @ApiProperty({ type: String, nullable: true, example: 'TB-RF-20261102-0001' })
  platformCaseId!: string | null;

  @ApiProperty({ example: '3921837712345678' })
  orderId!: string;

  @ApiProperty({ type: String, nullable: true, example: '小明' })
  buyerNickname!: string | null;

  @ApiProperty({ example: 'CNY' })
  currency!: string;

  @ApiProperty({ description: 'The requested amount, in minor units', example: 29900 })
  amount!: number;

  @ApiProperty({ type: CaseAmounts })
  amounts!: CaseAmounts;

  @ApiProperty({ type: QueueReason })
  reason!: QueueReason;

  @ApiProperty({ description: 'The platform was asked to intervene' })
  intervened!: boolean;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  assigneeId!: string | null;

  @ApiProperty({ type: QueueDeadline, nullable: true, description: 'The most urgent merchant deadline' })
  deadline!: QueueDeadline | null;

  @ApiProperty({ type: 'integer', nullable: true, description: 'Negative once overdue', example: 86400 })
  timeLeftSeconds!: number | null;

  @ApiProperty({ enum: SLA_STATUSES, description: 'due_soon: within DEADLINE_WARNING_LEAD_MINUTES of the deadline', example: 'ok' })
  sla!: SlaStatus;

  @ApiProperty({ format: 'date-time' })
  openedAt!: string;
}

export class QueuePage extends PageOf(QueueItem) {}

export function toQueueItem(row: QueueRow, now: Date, dueSoonMs: number): QueueItem {
  const timer = row.dueTimer ? timerNameById(row.dueTimer) : undefined;
  return {
    caseId: row.id,
    version: row.version,
    type: row.type,
    step: queueStepOf(row.state),
    state: row.state,
    platform: row.platform,
    platformCaseId: row.platformCaseId,
    orderId: row.externalOrderId,
    buyerNickname: row.buyerNickname,
    currency: row.currency,
    amount: row.requestedAmount,
    amounts: { requested: row.requestedAmount, reserved: row.reservedAmount, refunded: row.refundedAmount },
    reason: { code: row.reasonCode, category: row.reasonCategory },
    intervened: row.disputed,
    assigneeId: row.assigneeId,
    deadline: row.dueAt && row.dueTimer ? { timer: row.dueTimer, event: timer ? CASE_TIMERS[timer].event : null, dueAt: row.dueAt.toISOString() } : null,
    timeLeftSeconds: row.dueAt ? Math.floor((row.dueAt.getTime() - now.getTime()) / 1000) : null,
    sla: slaStatusOf(row.dueAt, now, dueSoonMs),
    openedAt: row.openedAt.toISOString(),
  };
}
