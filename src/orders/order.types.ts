export const ORDER_STATUSES = ['unshipped', 'shipped', 'delivered', 'completed', 'closed'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Fresh food, fruit, virtual and made-to-order goods are refund-only on every platform. */
export const GOODS_KINDS = ['standard', 'fresh', 'fruit', 'virtual', 'made_to_order'] as const;
export type GoodsKind = (typeof GOODS_KINDS)[number];

export interface OrderItem {
  sku: string;
  title: string;
  quantity: number;
  unitPrice: number;
  goodsKind: GoodsKind;
}

/** The order as the order system reports it. Money in integer minor units (fen). */
export interface OrderSnapshot {
  orderId: string;
  status: OrderStatus;
  paidTotal: number;
  currency: string;
  shippedAt?: string | null;
  items: OrderItem[];
}

export interface OrderRecord {
  id: string;
  shopId: string;
  externalOrderId: string;
  currency: string;
  status: OrderStatus;
  paidTotal: number;
  reservedTotal: number;
  refundedTotal: number;
  shippedAt: Date | null;
  snapshot: OrderSnapshot;
}

export function isShipped(order: Pick<OrderRecord, 'status' | 'shippedAt'>): boolean {
  return order.status === 'shipped' || order.status === 'delivered' || order.status === 'completed' || order.shippedAt !== null;
}

export function hasSpecialGoods(order: Pick<OrderSnapshot, 'items'>): boolean {
  return order.items.some((item) => item.goodsKind !== 'standard');
}

/** What is still refundable on the order: paid minus refunded minus already reserved. */
export function refundableOf(order: Pick<OrderRecord, 'paidTotal' | 'reservedTotal' | 'refundedTotal'>): number {
  return order.paidTotal - order.reservedTotal - order.refundedTotal;
}
