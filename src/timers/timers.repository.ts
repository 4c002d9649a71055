import { Injectable } from '@nestjs/common';
import type { Tx } from '../database/transactions.js';

export interface TimerRow {
  caseId: string;
  timerId: string;
  shopId: string;
  event: { type: string };
  dueAt: Date;
  attempts: number;
}

/** Durable deadlines: one row per pending delayed event of a case. */
@Injectable()
export class TimersRepository {
  async schedule(tx: Tx, timers: Array<Omit<TimerRow, 'attempts'>>): Promise<void> {
    if (timers.length === 0) return;
    await tx.query(
      `INSERT INTO case_timers (case_id, timer_id, shop_id, event, due_at)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::jsonb[], $5::timestamptz[])
       ON CONFLICT (case_id, timer_id) DO UPDATE SET event = EXCLUDED.event, due_at = EXCLUDED.due_at, attempts = 0, last_error = NULL`,
      [
        timers.map((t) => t.caseId),
        timers.map((t) => t.timerId),
        timers.map((t) => t.shopId),
        timers.map((t) => JSON.stringify(t.event)),
        timers.map((t) => t.dueAt.toISOString()),
      ],
    );
  }

  /** Deletes timers by (case, timer id): cancelled deadlines and fired ones alike. */
  async deleteMany(tx: Tx, keys: Array<{ caseId: string; timerId: string }>): Promise<void> {
    if (keys.length === 0) return;
    await tx.query(
      `DELETE FROM case_timers t USING unnest($1::uuid[], $2::text[]) AS k(case_id, timer_id)
       WHERE t.case_id = k.case_id AND t.timer_id = k.timer_id`,
      [keys.map((k) => k.caseId), keys.map((k) => k.timerId)],
    );
  }

  async forCase(tx: Tx, caseId: string): Promise<TimerRow[]> {
    const rows = await tx.query(`SELECT * FROM case_timers WHERE case_id = $1 ORDER BY due_at, timer_id`, [caseId]);
    return rows.map(toTimer);
  }

  /**
   * Claims up to `limit` due timers together with their cases' rows (returned with them). SKIP LOCKED on
   * both: a timer whose case is being changed right now is left for the next round instead of waiting,
   * so a sweeper never waits on an API transaction that holds the case and wants to cancel this timer.
   */
  async claimDue(tx: Tx, now: Date, limit: number): Promise<Array<{ timer: TimerRow; caseRow: Record<string, unknown> }>> {
    const rows: Array<Record<string, unknown> & { claimed_timer: TimerDbRow }> = await tx.query(
      `SELECT to_jsonb(t) AS claimed_timer, c.* FROM case_timers t JOIN cases c ON c.id = t.case_id
       WHERE t.due_at <= $1
       ORDER BY t.due_at
       LIMIT $2
       FOR UPDATE OF t, c SKIP LOCKED`,
      [now, limit],
    );
    return rows.map(({ claimed_timer: timer, ...caseRow }) => ({ timer: toTimer({ ...timer, due_at: new Date(timer.due_at) }), caseRow }));
  }

  async delete(tx: Tx, caseId: string, timerId: string): Promise<void> {
    await this.deleteMany(tx, [{ caseId, timerId }]);
  }

  /** A timer whose event failed unexpectedly is retried later instead of blocking the queue. */
  async postpone(tx: Tx, caseId: string, timerId: string, until: Date, error: string): Promise<void> {
    await tx.query(
      `UPDATE case_timers SET due_at = $3, attempts = attempts + 1, last_error = $4 WHERE case_id = $1 AND timer_id = $2`,
      [caseId, timerId, until, error.slice(0, 2000)],
    );
  }
}

interface TimerDbRow {
  case_id: string;
  timer_id: string;
  shop_id: string;
  event: { type: string };
  due_at: Date;
  attempts: number;
}

function toTimer(row: TimerDbRow): TimerRow {
  return { caseId: row.case_id, timerId: row.timer_id, shopId: row.shop_id, event: row.event, dueAt: row.due_at, attempts: row.attempts };
}
