import { Injectable } from '@nestjs/common';
import { int8 } from '../platform/database/bigint.js';
import type { Tx } from '../platform/database/transactions.js';
import { toOrderRecord } from '../orders/orders.repository.js';
import type { OrderRecord } from '../orders/order.types.js';
import { toTimerRow, type TimerRow } from './timer.record.js';
import { CURRENT_XID } from './case-change.repository.js';
import { caseNotFound } from './case.problems.js';
import { dueAtColumn, toDueAt, type CaseRecord } from './case.record.js';

/** A case with what its view and the engine need around it. */
export interface CaseWithContext {
  record: CaseRecord;
  order: OrderRecord;
  timers: TimerRow[];
}

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
  dueAt: 'due_at',
  dueTimer: 'due_timer',
  disputed: 'disputed',
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
  // 'infinity' (no running deadline) is stored so the queue index sorts it last; it reads as null.
  record.dueAt = toDueAt(record.dueAt);
  return record as unknown as CaseRecord;
}

export interface CaseListFilter {
  state?: string;
  type?: string;
  assigneeId?: string;
  externalOrderId?: string;
  platformCaseId?: string;
  /** The buyer's id, exactly, or the beginning of their nickname. */
  buyer?: string;
  dueBefore?: Date;
  after?: { at: string; id: string };
  limit: number;
}

/** A case row plus its order and pending timers, as JSON columns. */
const WITH_CONTEXT = `c.*, to_jsonb(o) AS context_order,
  COALESCE((SELECT jsonb_agg(to_jsonb(t) ORDER BY t.due_at, t.timer_id) FROM case_timers t WHERE t.case_id = c.id), '[]') AS context_timers`;

function withContext(row: Record<string, unknown>): CaseWithContext {
  const {
    context_order: order,
    context_timers: timers,
    ...caseRow
  } = row as Record<string, unknown> & {
    context_order: Parameters<typeof toOrderRecord>[0];
    context_timers: Array<Parameters<typeof toTimerRow>[0]>;
  };
  return { record: toCaseRecord(caseRow), order: toOrderRecord(order), timers: timers.map(toTimerRow) };
}

/** All SQL on `cases`. Every read is scoped by shop. */
@Injectable()
export class CaseRepository {
  async insert(tx: Tx, record: CaseRecord): Promise<void> {
    const keys = Object.keys(COLUMNS) as Array<keyof CaseRecord>;
    const values = keys.map((key) => (JSON_COLUMNS.includes(key) ? JSON.stringify(record[key]) : key === 'dueAt' ? dueAtColumn(record.dueAt) : record[key]));
    await tx.query(
      `INSERT INTO cases (${keys.map((k) => COLUMNS[k]).join(', ')}, feed_key) VALUES (${keys.map((_, i) => `$${i + 1}`).join(', ')}, ${CURRENT_XID})`,
      values,
    );
  }

  /** The raw row, locked (for callers that hand rows to the engine in bulk). */
  async lockRow(tx: Tx, shopId: string, caseId: string): Promise<Record<string, unknown> | undefined> {
    const [row] = await tx.query(`SELECT * FROM cases WHERE id = $1 AND shop_id = $2 FOR UPDATE`, [caseId, shopId]);
    return row;
  }

  /** The raw rows of the order's cases that are not archived, locked in id order. */
  async lockOpenOfOrder(tx: Tx, shopId: string, orderId: string): Promise<Array<Record<string, unknown>>> {
    return tx.query(`SELECT * FROM cases WHERE shop_id = $1 AND order_id = $2 AND archived_at IS NULL ORDER BY id FOR UPDATE`, [shopId, orderId]);
  }

  async find(tx: Tx, shopId: string, caseId: string): Promise<CaseRecord | undefined> {
    const [row] = await tx.query(`SELECT * FROM cases WHERE id = $1 AND shop_id = $2`, [caseId, shopId]);
    return row ? toCaseRecord(row) : undefined;
  }

  /** The case, or 404 CASE_NOT_FOUND (also for another shop's case). */
  async require(tx: Tx, shopId: string, caseId: string): Promise<CaseRecord> {
    const record = await this.find(tx, shopId, caseId);
    if (!record) throw caseNotFound(caseId);
    return record;
  }

  async findByPlatformCaseId(tx: Tx, shopId: string, platform: string, platformCaseId: string): Promise<CaseRecord | undefined> {
    const [row] = await tx.query(`SELECT * FROM cases WHERE shop_id = $1 AND platform = $2 AND platform_case_id = $3`, [shopId, platform, platformCaseId]);
    return row ? toCaseRecord(row) : undefined;
  }

  /**
   * The case with its order and pending timers in one round trip, optionally locking the case row
   * (the engine's first step; reads for display skip the lock).
   */
  async loadWithContext(tx: Tx, shopId: string, caseId: string, lock: boolean): Promise<CaseWithContext | undefined> {
    const [row] = await tx.query(
      `SELECT ${WITH_CONTEXT} FROM cases c JOIN orders o ON o.id = c.order_id
       WHERE c.id = $1 AND c.shop_id = $2 ${lock ? 'FOR UPDATE OF c' : ''}`,
      [caseId, shopId],
    );
    return row && withContext(row);
  }

  /** loadWithContext, or 404 CASE_NOT_FOUND (also for another shop's case). */
  async requireWithContext(tx: Tx, shopId: string, caseId: string, lock: boolean): Promise<CaseWithContext> {
    const loaded = await this.loadWithContext(tx, shopId, caseId, lock);
    if (!loaded) throw caseNotFound(caseId);
    return loaded;
  }

  /** Every case of an order (archived ones too), oldest first: what the order view lists. */
  async listOfOrder(tx: Tx, shopId: string, orderId: string): Promise<Array<{ id: string; state: string; version: number }>> {
    return tx.query(`SELECT id, state, version FROM cases WHERE shop_id = $1 AND order_id = $2 ORDER BY opened_at, id`, [shopId, orderId]);
  }

  async list(tx: Tx, shopId: string, filter: CaseListFilter): Promise<CaseWithContext[]> {
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
    if (filter.platformCaseId) add('c.platform_case_id = ?', filter.platformCaseId);
    if (filter.buyer !== undefined) {
      // Two index ranges (cases_shop_buyer_id_idx, cases_shop_buyer_nickname_idx); LIKE's own characters are escaped.
      params.push(filter.buyer, `${filter.buyer.replace(/[\\%_]/g, '\\$&')}%`);
      where.push(`((c.buyer ->> 'id') = $${params.length - 1} OR (c.buyer ->> 'nickname') LIKE $${params.length})`);
    }
    if (filter.dueBefore) add('EXISTS (SELECT 1 FROM case_timers t WHERE t.case_id = c.id AND t.due_at < ?)', filter.dueBefore);
    if (filter.after) {
      params.push(filter.after.at, filter.after.id);
      where.push(`(c.opened_at, c.id) > ($${params.length - 1}, $${params.length})`);
    }
    params.push(filter.limit + 1);
    const rows = await tx.query(
      `SELECT ${WITH_CONTEXT} FROM cases c JOIN orders o ON o.id = c.order_id
       WHERE ${where.join(' AND ')} ORDER BY c.opened_at, c.id LIMIT $${params.length}`,
      params,
    );
    return rows.map(withContext);
  }
}
