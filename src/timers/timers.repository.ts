import { Injectable } from '@nestjs/common';
import type { Tx } from '../platform/database/transactions.js';
import { toTimerRow, type TimerDbRow, type TimerRow } from '../cases/timer.record.js';

/** Durable deadlines: one row per pending delayed event of a case (the engine writes them). */
@Injectable()
export class TimersRepository {
  /**
   * Claims up to `limit` due timers together with their cases' rows (returned with them). SKIP LOCKED on
   * both: a timer whose case is being changed right now is left for the next round instead of waiting,
   * so a sweeper never waits on an API transaction that holds the case and wants to cancel this timer.
   */
  async claimDue(tx: Tx, now: Date, limit: number): Promise<Array<{ timer: TimerRow; caseRow: Record<string, unknown>; timers: TimerRow[] }>> {
    const rows: Array<Record<string, unknown> & { claimed_timer: TimerDbRow; case_timers: TimerDbRow[] }> = await tx.query(
      `SELECT to_jsonb(t) AS claimed_timer, (SELECT jsonb_agg(to_jsonb(p)) FROM case_timers p WHERE p.case_id = c.id) AS case_timers, c.*
       FROM case_timers t JOIN cases c ON c.id = t.case_id
       WHERE t.due_at <= $1
       ORDER BY t.due_at
       LIMIT $2
       FOR UPDATE OF t, c SKIP LOCKED`,
      [now, limit],
    );
    return rows.map(({ claimed_timer: timer, case_timers: timers, ...caseRow }) => ({ timer: toTimerRow(timer), caseRow, timers: timers.map(toTimerRow) }));
  }

  /** A timer whose event failed unexpectedly is retried later instead of blocking the queue. */
  async postpone(tx: Tx, caseId: string, timerId: string, until: Date, error: string): Promise<void> {
    await tx.query(
      `UPDATE case_timers SET due_at = $3, attempts = attempts + 1, last_error = $4 WHERE case_id = $1 AND timer_id = $2`,
      [caseId, timerId, until, error.slice(0, 2000)],
    );
  }
}
