import { ApiProperty } from '@nestjs/swagger';
import { PageOf } from '../platform/openapi/api-responses.js';
import { PLATFORMS, type Shop } from './shop.record.js';

export class ShopPolicy {
  @ApiProperty({ description: 'Hours the merchant has to respond before the platform auto-approves', example: 48 })
  merchantResponseHours!: number;

  @ApiProperty({ description: 'Days the buyer has to ship a return after approval', example: 7 })
  buyerReturnShippingDays!: number;

  @ApiProperty({ description: 'Days the merchant has to confirm receipt of a shipped return', example: 10 })
  merchantReceiptDays!: number;

  @ApiProperty({ description: 'Hours to submit evidence after the platform intervenes', example: 48 })
  disputeEvidenceHours!: number;

  @ApiProperty({ description: 'Days the buyer may ask the platform to intervene after a rejection', example: 7 })
  buyerEscalationDays!: number;
}

export class ShopView {
  @ApiProperty({ format: 'uuid', example: '5b1e7f3a-8c2d-4e9f-a1b0-c3d4e5f60718' })
  id!: string;

  @ApiProperty({ example: 'acme-tmall' })
  slug!: string;

  @ApiProperty({ example: 'ACME 官方旗舰店' })
  name!: string;

  @ApiProperty({ enum: PLATFORMS, example: 'tmall' })
  platform!: Shop['platform'];

  @ApiProperty({ example: 'Asia/Shanghai' })
  timezone!: string;

  @ApiProperty({ type: ShopPolicy })
  policy!: ShopPolicy;

  @ApiProperty({ description: '分流: new cases go to the online agent with the fewest open cases' })
  distributionEnabled!: boolean;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export class ShopPage extends PageOf(ShopView) {}

export function policyOf(shop: Shop): ShopPolicy {
  return {
    merchantResponseHours: shop.merchantResponseHours,
    buyerReturnShippingDays: shop.buyerReturnShippingDays,
    merchantReceiptDays: shop.merchantReceiptDays,
    disputeEvidenceHours: shop.disputeEvidenceHours,
    buyerEscalationDays: shop.buyerEscalationDays,
  };
}

export function toShopView(shop: Shop): ShopView {
  return {
    id: shop.id,
    slug: shop.slug,
    name: shop.name,
    platform: shop.platform,
    timezone: shop.timezone,
    policy: policyOf(shop),
    distributionEnabled: shop.distributionEnabled,
    createdAt: shop.createdAt.toISOString(),
    updatedAt: shop.updatedAt.toISOString(),
  };
}
