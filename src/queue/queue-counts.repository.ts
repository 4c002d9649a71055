import { Injectable } from '@nestjs/common';
import { slaCountsSql } from '../cases/case-sla.js';
import { CASE_TIMERS } from '../cases/machine/case-timers.js';
import { int8 } from '../platform/database/bigint.js';
import type { Tx } from '../platform/database/transactions.js';

export interface SlaCounts {
  overdue: number;
  dueSoon: number;
  ok: number;
  total: number;
}

export interface AtStake {
  currency: string;
  count: number;
  amount: number;
}

/** Cases whose auto-approval would move money. */
export const AUTO_APPROVED_TYPES = ['refund', 'return'] as const;

/** Counts for the console's badges. Each reads one index range; archived cases are never read. */
@Injectable()
export class QueueCountsRepository {
  /**
   * Open cases by SLA state: an agent's (cases_assignee_queue_idx) or the unassigned ones
   * (cases_unassigned_queue_idx); both partial indexes hold open cases only.
   */
  async slaCounts(tx: Tx, shopId: string, assigneeId: string | null, now: Date, dueSoonUntil: Date): Promise<SlaCounts> {
    const [row] = await tx.query(
      `SELECT ${slaCountsSql('c.due_at', '$2', '$3')}
       FROM cases c
       WHERE c.shop_id = $1 AND c.archived_at IS NULL AND ${assigneeId === null ? 'c.assignee_id IS NULL' : 'c.assignee_id = $4'}`,
      assigneeId === null ? [shopId, now, dueSoonUntil] : [shopId, now, dueSoonUntil, assigneeId],
    );
    const overdue = int8(row.overdue);
    const dueSoon = int8(row.due_soon);
    const total = int8(row.total);
    return { overdue, dueSoon, ok: total - overdue - dueSoon, total };
  }

  /**
   * Refund and return cases whose merchant-response deadline (the platform auto-approves at it) falls by
   * `until`, past ones the sweeper has not fired yet included, with the money they ask for; per currency.
   * Reads the shop's pending deadlines due by then (case_timers_shop_due_idx), all kinds: a short range.
   */
  async autoApprovalsDue(tx: Tx, shopId: string, until: Date, assigneeId: string | undefined): Promise<AtStake[]> {
    const params: unknown[] = [shopId, until, CASE_TIMERS.MERCHANT_RESPONSE.timerId, [...AUTO_APPROVED_TYPES]];
    if (assigneeId) params.push(assigneeId);
    const rows: Array<{ currency: string; n: string; amount: string }> = await tx.query(
      `SELECT c.currency, count(*) AS n, sum(c.requested_amount) AS amount
       FROM case_timers t JOIN cases c ON c.id = t.case_id
       WHERE t.shop_id = $1 AND t.due_at <= $2 AND t.timer_id = $3
         AND c.shop_id = $1 AND c.archived_at IS NULL AND c.type = ANY($4::text[])
         ${assigneeId ? 'AND c.assignee_id = $5' : ''}
       GROUP BY c.currency
       ORDER BY sum(c.requested_amount) DESC, c.currency`,
      params,
    );
    return rows.map((row) => ({ currency: row.currency, count: int8(row.n), amount: int8(row.amount) }));
  }
}
