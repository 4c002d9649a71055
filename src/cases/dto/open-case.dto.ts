import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import { IsTimestamp } from '../../platform/is-timestamp.js';
import { GOODS_KINDS, ORDER_STATUSES, type GoodsKind, type OrderStatus } from '../../orders/order.types.js';
import { isReasonCode } from '../../reasons/reason-catalog.js';
import { REASON_CODES } from '../../reasons/reason.types.js';
import { PLATFORMS, type Platform } from '../../shops/shop.record.js';
import { CASE_TYPES, type CaseType } from '../machine/case.types.js';
import { OptionalField } from '../../platform/optional-field.js';

/** How our reason codes look: a value like this is meant as one of them, and a typo must not become `other`. */
const OWN_CODE_SHAPE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

/** Largest accepted amount in minor units: 100 billion yuan, far inside exact integer range. */
export const MAX_MONEY = 10_000_000_000_000;
/** Case types that ask for money back, so they must ask for some. */
const MONEY_CASE_TYPES: readonly CaseType[] = ['refund', 'return'];

export class OrderItemDto {
  @ApiProperty({ example: 'SKU-RED-42' })
  @IsString()
  @Length(1, 100)
  sku: string;

  @ApiProperty({ example: '男士运动鞋 红色 42码' })
  @IsString()
  @Length(1, 500)
  title: string;

  @ApiProperty({ example: 1 })
  @IsInt()
  @Min(1)
  @Max(100_000)
  quantity: number;

  @ApiProperty({ example: 29900, description: 'Unit price in minor units (fen)' })
  @IsInt()
  @Min(0)
  @Max(MAX_MONEY)
  unitPrice: number;

  @ApiPropertyOptional({ enum: GOODS_KINDS, description: 'Anything but standard is refund-only (default standard)' })
  @OptionalField()
  @IsIn(GOODS_KINDS)
  goodsKind: GoodsKind = 'standard';
}

export class OrderSnapshotDto {
  @ApiProperty({ example: '3921837712345678', description: 'The order id in the order system / platform' })
  @IsString()
  @Length(1, 100)
  orderId: string;

  @ApiProperty({ enum: ORDER_STATUSES, example: 'shipped' })
  @IsIn(ORDER_STATUSES)
  status: OrderStatus;

  @ApiProperty({ example: 29900, description: 'Paid total in minor units (fen)' })
  @IsInt()
  @Min(0)
  @Max(MAX_MONEY)
  paidTotal: number;

  @ApiPropertyOptional({ example: 'CNY', description: 'ISO 4217 (default CNY)' })
  @OptionalField()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as CNY' })
  currency: string = 'CNY';

  @ApiPropertyOptional({ example: '2026-11-01T08:00:00Z' })
  @OptionalField()
  @IsTimestamp()
  shippedAt?: string;

  @ApiProperty({ type: [OrderItemDto] })
  @IsDefined()
  @ValidateNested({ each: true })
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @Type(() => OrderItemDto)
  items: OrderItemDto[];
}

export class BuyerDto {
  @ApiProperty({ example: 'tb_buyer_8812' })
  @IsString()
  @Length(1, 100)
  id: string;

  @ApiPropertyOptional({ example: '小明' })
  @OptionalField()
  @IsString()
  @MaxLength(100)
  nickname?: string;

  @ApiPropertyOptional({ example: '13800138000' })
  @OptionalField()
  @IsString()
  @MaxLength(40)
  phone?: string;

  @ApiPropertyOptional({ example: '浙江省杭州市余杭区文一西路 969 号' })
  @OptionalField()
  @IsString()
  @MaxLength(500)
  address?: string;
}

export class OpenCaseDto {
  @ApiProperty({ enum: CASE_TYPES, example: 'refund' })
  @IsIn(CASE_TYPES)
  type: CaseType;

  @ApiPropertyOptional({ enum: PLATFORMS, description: 'Defaults to the shop’s platform' })
  @OptionalField()
  @IsIn(PLATFORMS)
  platform?: Platform;

  @ApiPropertyOptional({ example: 'TB-RF-20261102-0001', description: 'The platform’s after-sales id; unique per shop and platform' })
  @OptionalField()
  @IsString()
  @Length(1, 100)
  platformCaseId?: string;

  @ApiProperty({
    example: '商品质量问题',
    description:
      'Our reason code (see GET /v1/reasons), or the platform’s reason text as the buyer filed it. An unknown text is filed as `other` ' +
      'and kept as `platformReason`; a value written like one of our codes (lower-case words joined by `_`) must be one of them.',
  })
  @IsString()
  @Length(1, 200)
  @ValidateBy({
    name: 'isKnownReasonCode',
    validator: {
      validate: (value) => typeof value !== 'string' || !OWN_CODE_SHAPE.test(value) || isReasonCode(value),
      defaultMessage: () => `reasonCode is not one of our reason codes: ${REASON_CODES.join(', ')}`,
    },
  })
  reasonCode: string;

  @ApiPropertyOptional({ example: '鞋底开胶了' })
  @OptionalField()
  @IsString()
  @MaxLength(4000)
  buyerText?: string;

  @ApiProperty({ example: 29900, minimum: 0, description: 'Requested amount in minor units (fen); at least 1 for a refund or return' })
  @IsInt()
  @Min(0)
  @Max(MAX_MONEY)
  @ValidateBy({
    name: 'positiveForMoneyCases',
    validator: {
      // A refund or return of nothing is no request; complaints and exchanges may ask for no money.
      validate: (value, args) => !MONEY_CASE_TYPES.includes((args?.object as OpenCaseDto).type) || (typeof value === 'number' && value > 0),
      defaultMessage: () => 'requestedAmount must be at least 1 (fen) for a refund or return',
    },
  })
  requestedAmount: number;

  @ApiProperty({ example: '2026-11-02T09:00:00Z', description: 'When the buyer filed the request on the platform: the 48 h clock starts here' })
  @IsTimestamp()
  requestedAt: string;

  @ApiProperty({ type: BuyerDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => BuyerDto)
  buyer: BuyerDto;

  @ApiProperty({ type: OrderSnapshotDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => OrderSnapshotDto)
  order: OrderSnapshotDto;
}
