import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsIn, IsInt, Max, Min, ValidateNested } from 'class-validator';
import { IsTimestamp } from '../../platform/is-timestamp.js';
import { MAX_MONEY, OrderItemDto } from '../../cases/dto/open-case.dto.js';
import { ORDER_STATUSES, type OrderStatus } from '../../orders/order.types.js';
import { NullableField, OptionalField } from '../../platform/optional-field.js';

/** A status or amount change reported by the order system. Fields left out keep their value. */
export class UpdateOrderDto {
  @ApiPropertyOptional({ enum: ORDER_STATUSES, example: 'delivered', description: 'Statuses only move forward; `closed` may follow any' })
  @OptionalField()
  @IsIn(ORDER_STATUSES)
  status?: OrderStatus;

  @ApiPropertyOptional({ example: 25900, description: 'Paid total in minor units after a price change; never below what is refunded and reserved' })
  @OptionalField()
  @IsInt()
  @Min(0)
  @Max(MAX_MONEY)
  paidTotal?: number;

  @ApiPropertyOptional({ type: String, format: 'date-time', example: '2026-11-20T09:30:00Z', nullable: true, description: 'null clears it' })
  @NullableField()
  @IsTimestamp()
  shippedAt?: string | null;

  @ApiPropertyOptional({ type: [OrderItemDto], description: 'The full item list, replacing the one on file' })
  @OptionalField()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => OrderItemDto)
  items?: OrderItemDto[];
}
