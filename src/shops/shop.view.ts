import type { Shop } from './shop.entity.js';

export interface ShopPolicy {
  merchantResponseHours: number;
  buyerReturnShippingDays: number;
  merchantReceiptDays: number;
  disputeEvidenceHours: number;
  buyerEscalationDays: number;
}

export interface ShopView {
  id: string;
  slug: string;
  name: string;
  platform: Shop['platform'];
  timezone: string;
  policy: ShopPolicy;
  distributionEnabled: boolean;
  createdAt: string;
  updatedAt: string;
}

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
