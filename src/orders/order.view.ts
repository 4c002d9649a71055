import { ApiProperty } from '@nestjs/swagger';
import { GOODS_KINDS, ORDER_STATUSES, type GoodsKind, type OrderStatus } from './order.types.js';

/** An order line as on file. */
export class OrderItemView {
  @ApiProperty({ example: 'SKU-RED-42' })
  sku!: string;

  @ApiProperty({ example: '男士运动鞋 红色 42码' })
  title!: string;

  @ApiProperty({ example: 1 })
  quantity!: number;

  @ApiProperty({ description: 'Minor units (fen)', example: 29900 })
  unitPrice!: number;

  @ApiProperty({ enum: GOODS_KINDS, description: 'Anything but standard is refund-only', example: 'standard' })
  goodsKind!: GoodsKind;
}

export class OrderCaseRef {
  @ApiProperty({ format: 'uuid', example: '0b7c2f0e-3b8f-4a53-9d54-2f1f1e9b7a10' })
  id!: string;

  @ApiProperty({ example: 'followUp.refunding' })
  state!: string;

  @ApiProperty({ example: 3 })
  version!: number;
}

/** An order as last reported, with its money totals and its cases. Money in minor units (fen). */
export class OrderView {
  @ApiProperty({ description: 'The order id in the order system / platform', example: '3921837712345678' })
  orderId!: string;

  @ApiProperty({ enum: ORDER_STATUSES, example: 'shipped' })
  status!: OrderStatus;

  @ApiProperty({ example: 'CNY' })
  currency!: string;

  @ApiProperty({ example: 29900 })
  paidTotal!: number;

  @ApiProperty({ description: 'Approved for its cases, not yet paid out', example: 29900 })
  reservedTotal!: number;

  @ApiProperty({ example: 0 })
  refundedTotal!: number;

  @ApiProperty({ description: 'paidTotal − reservedTotal − refundedTotal: what a new case may still ask for', example: 0 })
  refundable!: number;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  shippedAt!: string | null;

  @ApiProperty({ type: [OrderItemView] })
  items!: OrderItemView[];

  @ApiProperty({ type: [OrderCaseRef], description: 'In the order they were opened' })
  cases!: OrderCaseRef[];
}
