import { Injectable } from '@nestjs/common';
import { int8 } from '../database/bigint.js';
import { isCheckViolation } from '../database/pg-errors.js';
import type { Tx } from '../database/transactions.js';
import type { OrderRecord, OrderSnapshot } from './order.types.js';

interface OrderRow {
  id: string;
  shop_id: string;
  external_order_id: string;
  currency: string;
  status: OrderRecord['status'];
  paid_total: string;
  reserved_total: string;
  refunded_total: string;
  shipped_at: Date | null;
  snapshot: OrderSnapshot;
}

function toRecord(row: OrderRow): OrderRecord {
  return {
    id: row.id,
    shopId: row.shop_id,
    externalOrderId: row.external_order_id,
    currency: row.currency,
    status: row.status,
    paidTotal: int8(row.paid_total),
    reservedTotal: int8(row.reserved_total),
    refundedTotal: int8(row.refunded_total),
    shippedAt: row.shipped_at,
    snapshot: row.snapshot,
  };
}

export class MoneyConstraintError extends Error {}

/** Orders and their money totals. Every change runs under the order row's lock. */
@Injectable()
export class OrdersRepository {
  /**
   * Records the order as last reported and returns it locked (the upsert takes the row lock), so
   * concurrent cases of one order serialise on it.
   */
  async upsertLocked(tx: Tx, shopId: string, order: OrderSnapshot, now: Date): Promise<OrderRecord> {
    try {
      const [row] = await tx.query(
        `INSERT INTO orders (shop_id, external_order_id, currency, status, paid_total, shipped_at, snapshot, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
         ON CONFLICT (shop_id, external_order_id) DO UPDATE
           SET status = EXCLUDED.status, paid_total = EXCLUDED.paid_total, shipped_at = EXCLUDED.shipped_at,
               snapshot = EXCLUDED.snapshot, updated_at = EXCLUDED.updated_at
         RETURNING *`,
        [shopId, order.orderId, order.currency, order.status, order.paidTotal, order.shippedAt ?? null, order, now],
      );
      return toRecord(row);
    } catch (error) {
      if (isCheckViolation(error, 'orders_money_check')) throw new MoneyConstraintError('paid total below refunded and reserved money');
      throw error;
    }
  }

  async findById(tx: Tx, shopId: string, orderId: string): Promise<OrderRecord | undefined> {
    const [row] = await tx.query(`SELECT * FROM orders WHERE id = $1 AND shop_id = $2`, [orderId, shopId]);
    return row ? toRecord(row) : undefined;
  }

  /**
   * Moves money on orders: `reserved` and `refunded` are deltas, summed per order, one statement for
   * any number of orders. The CHECK constraint (refunded + reserved <= paid) is the last line of defence
   * against over-refunding; a violation undoes the whole statement.
   */
  async applyMoney(tx: Tx, deltas: Array<{ orderId: string; reserved: number; refunded: number }>): Promise<void> {
    const perOrder = new Map<string, { reserved: number; refunded: number }>();
    for (const d of deltas) {
      const sum = perOrder.get(d.orderId) ?? { reserved: 0, refunded: 0 };
      perOrder.set(d.orderId, { reserved: sum.reserved + d.reserved, refunded: sum.refunded + d.refunded });
    }
    if (perOrder.size === 0) return;
    const ids = [...perOrder.keys()].sort();
    try {
      await tx.query(
        `UPDATE orders o SET reserved_total = o.reserved_total + d.reserved, refunded_total = o.refunded_total + d.refunded
         FROM unnest($1::uuid[], $2::bigint[], $3::bigint[]) AS d(id, reserved, refunded) WHERE o.id = d.id`,
        [ids, ids.map((id) => perOrder.get(id)!.reserved), ids.map((id) => perOrder.get(id)!.refunded)],
      );
    } catch (error) {
      if (isCheckViolation(error, 'orders_money_check')) throw new MoneyConstraintError('refunded plus reserved would exceed paid');
      throw error;
    }
  }
}
