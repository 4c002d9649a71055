import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { toCaseRecord } from '../cases/case.repository.js';
import type { CaseRecord } from '../cases/case.record.js';
import type { Tx } from '../platform/database/transactions.js';
import { WARNED_TIMERS } from './webhook-events.js';

/** A deadline claimed for its `deadline.approaching` warning, with its case as it stands. */
export interface ClaimedWarning {
  record: CaseRecord;
  /** The timer: `merchant-response` or `dispute-evidence`. */
  timerId: string;
  dueAt: Date;
}

/** The warned timers, written into the SQL (they are constants); the range of due times reads case_timers_due_idx. */
const WARNED_TIMER_LIST = WARNED_TIMERS.map((id) => `'${id.replace(/'/g, "''")}'`).join(', ');

function toClaimedWarning(row: Record<string, unknown>): ClaimedWarning {
  const { warning_timer_id: timerId, warning_due_at: dueAt, ...caseRow } = row;
  return { record: toCaseRecord(caseRow), timerId: timerId as string, dueAt: new Date(dueAt as Date) };
}

/**
 * The deadlines the order system was warned about (`deadline_warnings`): one mark per case, timer and
 * due time, so a timer rescheduled to a new due time is warned about again. `case_timers` is only read
 * here: the case engine is its one writer.
 */
@Injectable()
export class DeadlineWarningsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Marks as warned, as of `now`, up to `limit` pending deadlines due in (`now`, `horizon`] and not marked
   * yet, soonest first, and returns them with their cases. A deadline already past is the sweeper's.
   * Concurrent claimers insert the same marks: the second waits for the first to commit and then
   * inserts nothing (ON CONFLICT DO NOTHING), so a deadline is warned about once.
   */
  async claimDue(tx: Tx, now: Date, horizon: Date, limit: number): Promise<ClaimedWarning[]> {
    const rows: Array<Record<string, unknown>> = await tx.query(
      `WITH due AS (
         SELECT t.case_id, t.timer_id, t.due_at, t.shop_id FROM case_timers t
         WHERE t.timer_id IN (${WARNED_TIMER_LIST}) AND t.due_at > $1 AND t.due_at <= $2
           AND NOT EXISTS (
             SELECT 1 FROM deadline_warnings w WHERE w.case_id = t.case_id AND w.timer_id = t.timer_id AND w.due_at = t.due_at)
         ORDER BY t.due_at, t.case_id, t.timer_id
         LIMIT $3),
       marked AS (
         INSERT INTO deadline_warnings (case_id, timer_id, due_at, shop_id, warned_at)
         SELECT due.case_id, due.timer_id, due.due_at, due.shop_id, $1 FROM due
         ON CONFLICT DO NOTHING
         RETURNING case_id, timer_id, due_at)
       SELECT m.timer_id AS warning_timer_id, m.due_at AS warning_due_at, c.*
       FROM marked m JOIN cases c ON c.id = m.case_id
       ORDER BY m.due_at, m.case_id, m.timer_id`,
      [now, horizon, limit],
    );
    return rows.map(toClaimedWarning);
  }

  /**
   * Deletes up to `limit` marks of deadlines due before `cutoff`, oldest first; returns how many. Such a
   * deadline can no longer be warned about (only those still ahead are), so its mark only records history.
   */
  async purgeDueBefore(cutoff: Date, limit: number): Promise<number> {
    const [, count]: [unknown, number] = await this.dataSource.query(
      `WITH doomed AS (
         SELECT case_id, timer_id, due_at FROM deadline_warnings
         WHERE due_at < $1
         ORDER BY due_at
         LIMIT $2
         FOR UPDATE SKIP LOCKED)
       DELETE FROM deadline_warnings w USING doomed
       WHERE w.case_id = doomed.case_id AND w.timer_id = doomed.timer_id AND w.due_at = doomed.due_at`,
      [cutoff, limit],
    );
    return count;
  }
}
