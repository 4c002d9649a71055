import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { int8 } from '../platform/database/bigint.js';
import { isCheckViolation } from '../platform/database/pg-errors.js';
import type { Tx } from '../platform/database/transactions.js';
import type { OrderRecord, OrderSnapshot } from './order.types.js';

interface OrderRow {
  // Columns as node-postgres returns them, or the same row through to_jsonb() (numbers and ISO strings).
  id: string;
  shop_id: string;
  external_order_id: string;
  currency: string;
  status: OrderRecord['status'];
  paid_total: string | number;
  reserved_total: string | number;
  refunded_total: string | number;
  shipped_at: Date | string | null;
  snapshot: OrderSnapshot;
}

export function toOrderRecord(row: OrderRow): OrderRecord {
  return {
    id: row.id,
    shopId: row.shop_id,
    externalOrderId: row.external_order_id,
    currency: row.currency,
    status: row.status,
    paidTotal: int8(row.paid_total),
    reservedTotal: int8(row.reserved_total),
    refundedTotal: int8(row.refunded_total),
    shippedAt: row.shipped_at === null ? null : new Date(row.shipped_at),
    snapshot: row.snapshot,
  };
}

export class MoneyConstraintError extends Error {}

/** Orders and their money totals (the engine moves money, see CaseChangeRepository). */
@Injectable()
export class OrdersRepository {
  /**
   * Records an order the first time a case of it is opened and returns it locked (the statement takes the
   * row lock), so concurrent cases of one order serialise on it. An order already on file is returned as
   * it stands: later intakes may carry an older snapshot, and changes come through `PATCH /v1/orders`
   * (CaseEngine.updateOrder), which keeps statuses moving forward and tells the order's open cases.
   */
  async upsertLocked(tx: Tx, shopId: string, order: OrderSnapshot, now: Date): Promise<OrderRecord> {
    const [row] = await tx.query(
      `INSERT INTO orders (id, shop_id, external_order_id, currency, status, paid_total, shipped_at, snapshot, created_at, updated_at)
       VALUES ($9, $1, $2, $3, $4, $5, $6, $7, $8, $8)
       ON CONFLICT (shop_id, external_order_id) DO UPDATE SET updated_at = orders.updated_at
       RETURNING *`,
      // The id is ours, like a case's: the statement carries everything, so it can be replayed as sent.
      [shopId, order.orderId, order.currency, order.status, order.paidTotal, order.shippedAt ?? null, order, now, randomUUID()],
    );
    return toOrderRecord(row);
  }

  async lockByExternalId(tx: Tx, shopId: string, externalOrderId: string): Promise<OrderRecord | undefined> {
    const [row] = await tx.query(`SELECT * FROM orders WHERE shop_id = $1 AND external_order_id = $2 FOR UPDATE`, [shopId, externalOrderId]);
    return row && toOrderRecord(row);
  }

  async findByExternalId(tx: Tx, shopId: string, externalOrderId: string): Promise<OrderRecord | undefined> {
    const [row] = await tx.query(`SELECT * FROM orders WHERE shop_id = $1 AND external_order_id = $2`, [shopId, externalOrderId]);
    return row && toOrderRecord(row);
  }

  /** Writes status, paid total, shipping time and snapshot (money totals are the engine's, see CaseChangeRepository). */
  async save(tx: Tx, order: OrderRecord, now: Date): Promise<OrderRecord> {
    try {
      // An UPDATE answers [rows, count].
      const [[row]] = await tx.query(
        `UPDATE orders SET status = $2, paid_total = $3, shipped_at = $4, snapshot = $5, updated_at = $6 WHERE id = $1 RETURNING *`,
        [order.id, order.status, order.paidTotal, order.shippedAt, order.snapshot, now],
      );
      return toOrderRecord(row);
    } catch (error) {
      if (isCheckViolation(error, 'orders_money_check')) throw new MoneyConstraintError('paid total below refunded and reserved money');
      throw error;
    }
  }
}
