import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsString, Length, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { REASON_CODES, type ReasonCode } from '../../reasons/reason.types.js';
import { CASE_EVENT_SOURCES, RESOLUTIONS, type CaseEventType, type Resolution } from '../machine/case.types.js';
import { MAX_MONEY } from './open-case.dto.js';
import { OptionalField } from '../../platform/optional-field.js';
import { discriminatedUnion } from '../../platform/openapi/api-responses.js';

class NoteDto {
  @ApiProperty({ example: '已电话联系买家，确认问题' })
  @IsString()
  @Length(1, 4000)
  note: string;
}

class GuardOverrideDto {
  @ApiProperty({ example: '买家主动索要售后电话，已由主管确认' })
  @IsString()
  @Length(1, 1000)
  reason: string;
}

/** A note the buyer reads (contact, apology): screened by the reply guard; a supervisor may override a block. */
class BuyerNoteDto extends NoteDto {
  @ApiPropertyOptional({ type: GuardOverrideDto, description: 'Supervisors only: send despite blocking findings (audited)' })
  @OptionalField()
  @ValidateNested()
  @Type(() => GuardOverrideDto)
  guardOverride?: GuardOverrideDto;
}

class VerifyDto {
  @ApiProperty({ enum: REASON_CODES, example: 'quality_problem' })
  @IsIn(REASON_CODES)
  verifiedReasonCode: ReasonCode;

  @ApiProperty({ example: '买家照片显示鞋底开胶，属质量问题' })
  @IsString()
  @Length(1, 4000)
  findings: string;

  @ApiPropertyOptional({ description: 'Required when a quality reason is recoded to non-quality' })
  @OptionalField()
  @IsString()
  @MaxLength(4000)
  note?: string;
}

class ProposeDto {
  @ApiProperty({ enum: RESOLUTIONS, example: 'full_refund' })
  @IsIn(RESOLUTIONS)
  resolution: Resolution;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: MAX_MONEY,
    example: 29900,
    description: 'Minor units; omitted for a full refund means the requested amount',
  })
  @OptionalField()
  @IsInt()
  @Min(0)
  @Max(MAX_MONEY)
  amount?: number;

  @ApiProperty({ minLength: 1, maxLength: 4000, example: '同意全额退款，款项将原路退回' })
  @IsString()
  @Length(1, 4000)
  note: string;

  @ApiPropertyOptional({ type: GuardOverrideDto, description: 'Supervisors only: send despite blocking findings (audited)' })
  @OptionalField()
  @ValidateNested()
  @Type(() => GuardOverrideDto)
  guardOverride?: GuardOverrideDto;
}

class InspectionDto {
  @ApiProperty({ example: '退回商品完好，吊牌齐全' })
  @IsString()
  @Length(1, 4000)
  inspection: string;
}

class ShipmentDto {
  @ApiProperty({ example: '顺丰速运' })
  @IsString()
  @Length(1, 100)
  carrier: string;

  @ApiProperty({ example: 'SF1234567890' })
  @IsString()
  @Length(1, 100)
  trackingNo: string;
}

class OptionalNoteDto {
  @ApiPropertyOptional({ maxLength: 4000, example: '买家不接受部分退款' })
  @OptionalField()
  @IsString()
  @MaxLength(4000)
  note?: string;
}

class RefundExecutedDto {
  @ApiProperty({ type: 'integer', minimum: 1, maximum: MAX_MONEY, example: 29900, description: 'Paid out, in minor units: must equal the reserved amount' })
  @IsInt()
  @Min(1)
  @Max(MAX_MONEY)
  amount: number;

  @ApiProperty({ example: 'RF-20261102-88' })
  @IsString()
  @Length(1, 200)
  refundId: string;
}

class RefundFailedDto {
  @ApiProperty({ example: '买家支付宝账户已冻结，原路退款失败' })
  @IsString()
  @Length(1, 2000)
  reason: string;
}

class RulingDto {
  @ApiProperty({ enum: ['buyer', 'merchant'], example: 'buyer' })
  @IsIn(['buyer', 'merchant'])
  favour: 'buyer' | 'merchant';

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: MAX_MONEY,
    example: 29900,
    description: 'Awarded to the buyer, in minor units; omitted: what the buyer requested',
  })
  @OptionalField()
  @IsInt()
  @Min(0)
  @Max(MAX_MONEY)
  amount?: number;
}

class EmptyDto {}

export type ClientEventType = Exclude<CaseEventType, `${string}_EXPIRED`>;

/** The payload schema of each event a client may send (timer events are the sweeper's). */
export const CASE_EVENT_PAYLOADS: Record<ClientEventType, new () => object> = {
  CONTACT_BUYER: BuyerNoteDto,
  VERIFY: VerifyDto,
  APOLOGISE: BuyerNoteDto,
  PROPOSE: ProposeDto,
  GOODS_RECEIVED: InspectionDto,
  EXCHANGE_SHIPPED: ShipmentDto,
  REMEDY_DONE: NoteDto,
  SUBMIT_EVIDENCE: EmptyDto,
  BUYER_ACCEPT: EmptyDto,
  BUYER_DECLINE: OptionalNoteDto,
  BUYER_ESCALATE: EmptyDto,
  RETURN_SHIPPED: ShipmentDto,
  BUYER_WITHDRAW: EmptyDto,
  REFUND_EXECUTED: RefundExecutedDto,
  REFUND_FAILED: RefundFailedDto,
  PLATFORM_INTERVENED: EmptyDto,
  PLATFORM_RULING: RulingDto,
};

export const CLIENT_EVENT_TYPES = Object.keys(CASE_EVENT_PAYLOADS) as ClientEventType[];

/** Events whose `note` the buyer reads: the reply guard screens it before the event is accepted. */
export const BUYER_FACING_NOTE_EVENTS: readonly ClientEventType[] = ['CONTACT_BUYER', 'APOLOGISE', 'PROPOSE'];

/** Agents work the playbook; the order system reports what buyers, payments and platforms did. */
export function eventSourceOf(type: ClientEventType): 'agent' | 'integration' {
  return CASE_EVENT_SOURCES[type] === 'agent' ? 'agent' : 'integration';
}

const REPORTED_BY: Record<(typeof CASE_EVENT_SOURCES)[ClientEventType], string> = {
  agent: 'Recorded by an agent or supervisor (agent session).',
  buyer: 'Reported by the order system with the shop’s API key: what the buyer did on the platform.',
  money: 'Reported by the order system with the shop’s API key: what the payment system did.',
  platform: 'Reported by the order system with the shop’s API key: what the platform decided.',
};

/**
 * The OpenAPI body of POST /v1/cases/{caseId}/events: one schema per event type (`VerifyEvent`, …), each
 * the payload class CaseEventPipe validates that type with plus `type`, discriminated by `type`.
 */
export const CASE_EVENT_BODY = discriminatedUnion('type', CASE_EVENT_PAYLOADS, {
  nameOf: (type) => `${type.toLowerCase().replace(/(^|_)([a-z])/g, (_, _sep: string, letter: string) => letter.toUpperCase())}Event`,
  describe: (type) => REPORTED_BY[CASE_EVENT_SOURCES[type]],
});
