import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsDefined,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { GOODS_KINDS, ORDER_STATUSES, type GoodsKind, type OrderStatus } from '../../orders/order.types.js';
import { PLATFORMS, type Platform } from '../../shops/shop.entity.js';
import { CASE_TYPES, type CaseType } from '../machine/case.types.js';

/** Largest accepted amount in minor units: 100 billion yuan, far inside exact integer range. */
export const MAX_MONEY = 10_000_000_000_000;

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

  @ApiPropertyOptional({ enum: GOODS_KINDS, default: 'standard', description: 'Anything but standard is refund-only' })
  @IsOptional()
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

  @ApiPropertyOptional({ example: 'CNY', default: 'CNY' })
  @IsOptional()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as CNY' })
  currency: string = 'CNY';

  @ApiPropertyOptional({ example: '2026-11-01T08:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true })
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
  @IsOptional()
  @IsString()
  @MaxLength(100)
  nickname?: string;

  @ApiPropertyOptional({ example: '13800138000' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  phone?: string;

  @ApiPropertyOptional({ example: '浙江省杭州市余杭区文一西路 969 号' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  address?: string;
}

export class OpenCaseDto {
  @ApiProperty({ enum: CASE_TYPES, example: 'refund' })
  @IsIn(CASE_TYPES)
  type: CaseType;

  @ApiPropertyOptional({ enum: PLATFORMS, description: 'Defaults to the shop’s platform' })
  @IsOptional()
  @IsIn(PLATFORMS)
  platform?: Platform;

  @ApiPropertyOptional({ example: 'TB-RF-20261102-0001', description: 'The platform’s after-sales id; unique per shop and platform' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  platformCaseId?: string;

  @ApiProperty({ example: '商品质量问题', description: 'Our reason code, or the platform’s reason code or label as filed' })
  @IsString()
  @Length(1, 200)
  reasonCode: string;

  @ApiPropertyOptional({ example: '鞋底开胶了' })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  buyerText?: string;

  @ApiProperty({ example: 29900, description: 'Requested amount in minor units (fen)' })
  @IsInt()
  @Min(0)
  @Max(MAX_MONEY)
  requestedAmount: number;

  @ApiProperty({ example: '2026-11-02T09:00:00Z', description: 'When the buyer filed the request on the platform: the 48 h clock starts here' })
  @IsISO8601({ strict: true })
  requestedAt: string;

  @ApiProperty({ type: BuyerDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => BuyerDto)
  buyer: BuyerDto;

  @ApiProperty({ type: OrderSnapshotDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => OrderSnapshotDto)
  order: OrderSnapshotDto;
}
