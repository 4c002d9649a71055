import { Injectable } from '@nestjs/common';
import { int8 } from '../database/bigint.js';
import type { Tx } from '../database/transactions.js';
import type { CaseRecord } from './case.record.js';

const COLUMNS: Record<keyof CaseRecord, string> = {
  id: 'id',
  shopId: 'shop_id',
  orderId: 'order_id',
  type: 'type',
  platform: 'platform',
  platformCaseId: 'platform_case_id',
  state: 'state',
  version: 'version',
  machineVersion: 'machine_version',
  snapshot: 'snapshot',
  currency: 'currency',
  requestedAmount: 'requested_amount',
  reservedAmount: 'reserved_amount',
  refundedAmount: 'refunded_amount',
  claimedReasonCode: 'claimed_reason_code',
  claimedReasonCategory: 'claimed_reason_category',
  platformReason: 'platform_reason',
  verifiedReasonCode: 'verified_reason_code',
  verifiedReasonCategory: 'verified_reason_category',
  reasonRecoded: 'reason_recoded',
  buyer: 'buyer',
  buyerText: 'buyer_text',
  outcome: 'outcome',
  assigneeId: 'assignee_id',
  requestedAt: 'requested_at',
  openedAt: 'opened_at',
  updatedAt: 'updated_at',
  archivedAt: 'archived_at',
  eventSeq: 'event_seq',
  chainHead: 'chain_head',
};
const MONEY: Array<keyof CaseRecord> = ['requestedAmount', 'reservedAmount', 'refundedAmount'];
const JSON_COLUMNS: Array<keyof CaseRecord> = ['snapshot', 'buyer'];

export function toCaseRecord(row: Record<string, unknown>): CaseRecord {
  const record: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(COLUMNS)) record[key] = row[column];
  for (const key of MONEY) record[key] = int8(record[key] as string);
  return record as unknown as CaseRecord;
}

export interface CaseListFilter {
  state?: string;
  type?: string;
  assigneeId?: string;
  externalOrderId?: string;
  dueBefore?: Date;
  after?: { at: string; id: string };
  limit: number;
}

/** All SQL on `cases`. Every read is scoped by shop. */
@Injectable()
export class CaseRepository {
  async insert(tx: Tx, record: CaseRecord): Promise<void> {
    const keys = Object.keys(COLUMNS) as Array<keyof CaseRecord>;
    const values = keys.map((key) => (JSON_COLUMNS.includes(key) ? JSON.stringify(record[key]) : record[key]));
    await tx.query(
      `INSERT INTO cases (${keys.map((k) => COLUMNS[k]).join(', ')}) VALUES (${keys.map((_, i) => `$${i + 1}`).join(', ')})`,
      values,
    );
  }

  /** The case, locked for the rest of the transaction; undefined when not in this shop. */
  async lock(tx: Tx, shopId: string, caseId: string): Promise<CaseRecord | undefined> {
    const [row] = await tx.query(`SELECT * FROM cases WHERE id = $1 AND shop_id = $2 FOR UPDATE`, [caseId, shopId]);
    return row ? toCaseRecord(row) : undefined;
  }

  /** The raw row, locked (for callers that hand rows to the engine in bulk). */
  async lockRow(tx: Tx, shopId: string, caseId: string): Promise<Record<string, unknown> | undefined> {
    const [row] = await tx.query(`SELECT * FROM cases WHERE id = $1 AND shop_id = $2 FOR UPDATE`, [caseId, shopId]);
    return row;
  }

  async find(tx: Tx, shopId: string, caseId: string): Promise<CaseRecord | undefined> {
    const [row] = await tx.query(`SELECT * FROM cases WHERE id = $1 AND shop_id = $2`, [caseId, shopId]);
    return row ? toCaseRecord(row) : undefined;
  }

  async findByPlatformCaseId(tx: Tx, shopId: string, platform: string, platformCaseId: string): Promise<CaseRecord | undefined> {
    const [row] = await tx.query(`SELECT * FROM cases WHERE shop_id = $1 AND platform = $2 AND platform_case_id = $3`, [shopId, platform, platformCaseId]);
    return row ? toCaseRecord(row) : undefined;
  }

  /** Writes everything accepted events changed, for any number of cases in one statement; the caller holds the row locks. */
  async updateMany(tx: Tx, records: CaseRecord[]): Promise<void> {
    if (records.length === 0) return;
    const column = <T>(pick: (r: CaseRecord) => T) => records.map(pick);
    await tx.query(
      `UPDATE cases AS c SET state = u.state, version = u.version, machine_version = u.machine_version, snapshot = u.snapshot,
         reserved_amount = u.reserved_amount, refunded_amount = u.refunded_amount, verified_reason_code = u.verified_reason_code,
         verified_reason_category = u.verified_reason_category, reason_recoded = u.reason_recoded, outcome = u.outcome,
         updated_at = u.updated_at, archived_at = u.archived_at, event_seq = u.event_seq, chain_head = u.chain_head
       FROM unnest($1::uuid[], $2::text[], $3::int[], $4::int[], $5::jsonb[], $6::bigint[], $7::bigint[], $8::text[], $9::text[],
                   $10::boolean[], $11::text[], $12::timestamptz[], $13::timestamptz[], $14::int[], $15::text[])
         AS u(id, state, version, machine_version, snapshot, reserved_amount, refunded_amount, verified_reason_code,
              verified_reason_category, reason_recoded, outcome, updated_at, archived_at, event_seq, chain_head)
       WHERE c.id = u.id`,
      [
        column((r) => r.id),
        column((r) => r.state),
        column((r) => r.version),
        column((r) => r.machineVersion),
        column((r) => JSON.stringify(r.snapshot)),
        column((r) => r.reservedAmount),
        column((r) => r.refundedAmount),
        column((r) => r.verifiedReasonCode),
        column((r) => r.verifiedReasonCategory),
        column((r) => r.reasonRecoded),
        column((r) => r.outcome),
        column((r) => r.updatedAt),
        column((r) => r.archivedAt),
        column((r) => r.eventSeq),
        column((r) => r.chainHead),
      ],
    );
  }

  async list(tx: Tx, shopId: string, filter: CaseListFilter): Promise<CaseRecord[]> {
    const where = ['c.shop_id = $1'];
    const params: unknown[] = [shopId];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.state) {
      params.push(filter.state);
      const p = `$${params.length}`;
      // `open` matches every open step (`open.contact`, …); a full path matches exactly.
      where.push(filter.state.includes('.') ? `c.state = ${p}` : `(c.state = ${p} OR c.state LIKE ${p} || '.%')`);
    }
    if (filter.type) add('c.type = ?', filter.type);
    if (filter.assigneeId) add('c.assignee_id = ?', filter.assigneeId);
    if (filter.externalOrderId) add('c.order_id IN (SELECT o.id FROM orders o WHERE o.shop_id = $1 AND o.external_order_id = ?)', filter.externalOrderId);
    if (filter.dueBefore) add('EXISTS (SELECT 1 FROM case_timers t WHERE t.case_id = c.id AND t.due_at < ?)', filter.dueBefore);
    if (filter.after) {
      params.push(filter.after.at, filter.after.id);
      where.push(`(c.opened_at, c.id) > ($${params.length - 1}, $${params.length})`);
    }
    params.push(filter.limit + 1);
    const rows = await tx.query(
      `SELECT c.* FROM cases c WHERE ${where.join(' AND ')} ORDER BY c.opened_at, c.id LIMIT $${params.length}`,
      params,
    );
    return rows.map(toCaseRecord);
  }
}
