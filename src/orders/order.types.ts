import canonicalize from 'canonicalize';

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

/** What the order system may report about an order after the case opened; absent fields stay as they are. */
export interface OrderPatch {
  status?: OrderStatus;
  paidTotal?: number;
  shippedAt?: string | null;
  items?: OrderItem[];
}

/** Orders move forward; `closed` (the platform closed the transaction) may follow any status, and nothing follows it. */
const STATUS_RANK: Record<OrderStatus, number> = { unshipped: 0, shipped: 1, delivered: 2, completed: 3, closed: 4 };

export function isStatusRegression(from: OrderStatus, to: OrderStatus): boolean {
  return STATUS_RANK[to] < STATUS_RANK[from];
}

/** The order after `patch`, and the fields that actually changed (`{ field: { from, to } }`). */
export function patchOrder(order: OrderRecord, patch: OrderPatch): { next: OrderRecord; changes: Record<string, { from: unknown; to: unknown }> } {
  const snapshot: OrderSnapshot = {
    ...order.snapshot,
    status: patch.status ?? order.status,
    paidTotal: patch.paidTotal ?? order.paidTotal,
    shippedAt: patch.shippedAt !== undefined ? patch.shippedAt : (order.snapshot.shippedAt ?? null),
    items: patch.items ?? order.snapshot.items,
  };
  const next: OrderRecord = {
    ...order,
    status: snapshot.status,
    paidTotal: snapshot.paidTotal,
    shippedAt: snapshot.shippedAt ? new Date(snapshot.shippedAt) : null,
    snapshot,
  };
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  if (next.status !== order.status) changes.status = { from: order.status, to: next.status };
  if (next.paidTotal !== order.paidTotal) changes.paidTotal = { from: order.paidTotal, to: next.paidTotal };
  if ((next.shippedAt?.getTime() ?? null) !== (order.shippedAt?.getTime() ?? null)) {
    changes.shippedAt = { from: order.shippedAt?.toISOString() ?? null, to: next.shippedAt?.toISOString() ?? null };
  }
  // Stored items come back from jsonb with their keys reordered: compare canonical forms.
  if (patch.items && canonicalize(patch.items) !== canonicalize(order.snapshot.items)) changes.items = { from: order.snapshot.items, to: patch.items };
  return { next, changes };
}
