import { Injectable } from '@nestjs/common';
import type { Tx } from '../platform/database/transactions.js';
import type { ClaimedTimer } from '../cases/case-engine.js';
import { toTimerRow, type TimerDbRow } from '../cases/timer.record.js';

/** The sweeper's read of durable deadlines (the engine is their only writer): claims those due or due for a retry. */
@Injectable()
export class TimersRepository {
  /**
   * Claims up to `limit` due timers together with their cases' rows (returned with them). SKIP LOCKED on
   * both: a timer whose case is being changed right now is left for the next round instead of waiting,
   * so a sweeper never waits on an API transaction that holds the case and wants to cancel this timer.
   */
  async claimDue(tx: Tx, now: Date, limit: number): Promise<ClaimedTimer[]> {
    const rows: Array<Record<string, unknown> & { claimed_timer: TimerDbRow; case_timers: TimerDbRow[] }> = await tx.query(
      `SELECT to_jsonb(t) AS claimed_timer, (SELECT jsonb_agg(to_jsonb(p)) FROM case_timers p WHERE p.case_id = c.id) AS case_timers, c.*
       FROM case_timers t JOIN cases c ON c.id = t.case_id
       WHERE COALESCE(t.retry_at, t.due_at) <= $1
       ORDER BY COALESCE(t.retry_at, t.due_at)
       LIMIT $2
       FOR UPDATE OF t, c SKIP LOCKED`,
      [now, limit],
    );
    return rows.map(({ claimed_timer: timer, case_timers: timers, ...caseRow }) => ({ timer: toTimerRow(timer), caseRow, timers: timers.map(toTimerRow) }));
  }
}
