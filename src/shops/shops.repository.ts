import { Injectable } from '@nestjs/common';
import type { Tx } from '../platform/database/transactions.js';
import type { NewShop, Platform, Shop, ShopChanges } from './shop.record.js';

interface ShopRow {
  id: string;
  slug: string;
  name: string;
  platform: Platform;
  timezone: string;
  merchant_response_hours: number;
  buyer_return_shipping_days: number;
  merchant_receipt_days: number;
  dispute_evidence_hours: number;
  buyer_escalation_days: number;
  distribution_enabled: boolean;
  created_at: Date;
  updated_at: Date;
}

export function toShopRecord(row: ShopRow): Shop {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    platform: row.platform,
    timezone: row.timezone,
    merchantResponseHours: row.merchant_response_hours,
    buyerReturnShippingDays: row.buyer_return_shipping_days,
    merchantReceiptDays: row.merchant_receipt_days,
    disputeEvidenceHours: row.dispute_evidence_hours,
    buyerEscalationDays: row.buyer_escalation_days,
    distributionEnabled: row.distribution_enabled,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const CHANGE_COLUMNS: Record<keyof ShopChanges, string> = {
  name: 'name',
  timezone: 'timezone',
  distributionEnabled: 'distribution_enabled',
  merchantResponseHours: 'merchant_response_hours',
  buyerReturnShippingDays: 'buyer_return_shipping_days',
  merchantReceiptDays: 'merchant_receipt_days',
  disputeEvidenceHours: 'dispute_evidence_hours',
  buyerEscalationDays: 'buyer_escalation_days',
};

/** All SQL on `shops`. */
@Injectable()
export class ShopsRepository {
  /** Inserts the shop; id, created_at and updated_at come from the column defaults. A taken slug violates `shops_slug_key`. */
  async insert(tx: Tx, shop: NewShop): Promise<Shop> {
    const [row]: ShopRow[] = await tx.query(
      `INSERT INTO shops (slug, name, platform, timezone, distribution_enabled,
         merchant_response_hours, buyer_return_shipping_days, merchant_receipt_days, dispute_evidence_hours, buyer_escalation_days)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       RETURNING *`,
      [
        shop.slug,
        shop.name,
        shop.platform,
        shop.timezone,
        shop.distributionEnabled,
        shop.merchantResponseHours,
        shop.buyerReturnShippingDays,
        shop.merchantReceiptDays,
        shop.disputeEvidenceHours,
        shop.buyerEscalationDays,
      ],
    );
    return toShopRecord(row);
  }

  async find(tx: Tx, shopId: string): Promise<Shop | undefined> {
    const [row]: ShopRow[] = await tx.query(`SELECT * FROM shops WHERE id = $1`, [shopId]);
    return row && toShopRecord(row);
  }

  /**
   * One page in keyset order (created_at, id), `limit` rows at most, after the given position; only
   * `onlyShopId` when given.
   */
  async list(tx: Tx, filter: { onlyShopId?: string; after?: { at: string; id: string }; limit: number }): Promise<Shop[]> {
    const params: unknown[] = [];
    const where: string[] = [];
    if (filter.onlyShopId !== undefined) {
      params.push(filter.onlyShopId);
      where.push(`id = $${params.length}`);
    }
    if (filter.after) {
      params.push(filter.after.at, filter.after.id);
      where.push(`(created_at, id) > ($${params.length - 1}, $${params.length})`);
    }
    params.push(filter.limit);
    const rows: ShopRow[] = await tx.query(
      `SELECT * FROM shops ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, id LIMIT $${params.length}`,
      params,
    );
    return rows.map(toShopRecord);
  }

  /**
   * Writes the given fields. Only when one of them differs from what is stored is the row written, and
   * then `updated_at` becomes now(); otherwise the shop is returned as it stands. Undefined when there is
   * no such shop.
   */
  async update(tx: Tx, shopId: string, changes: ShopChanges): Promise<Shop | undefined> {
    const params: unknown[] = [shopId];
    const assignments: string[] = [];
    const differences: string[] = [];
    for (const [key, column] of Object.entries(CHANGE_COLUMNS) as Array<[keyof ShopChanges, string]>) {
      if (changes[key] === undefined) continue;
      params.push(changes[key]);
      assignments.push(`${column} = $${params.length}`);
      differences.push(`${column} IS DISTINCT FROM $${params.length}`);
    }
    if (assignments.length > 0) {
      const [rows]: [ShopRow[], number] = await tx.query(
        `UPDATE shops SET ${assignments.join(', ')}, updated_at = now() WHERE id = $1 AND (${differences.join(' OR ')}) RETURNING *`,
        params,
      );
      if (rows[0]) return toShopRecord(rows[0]);
    }
    return this.find(tx, shopId);
  }
}
