/** A pending delayed event of a case (a row of case_timers); the case engine is its only writer. */
export interface TimerRow {
  caseId: string;
  timerId: string;
  shopId: string;
  event: { type: string };
  /** The platform's deadline: never moved by a failed fire. */
  dueAt: Date;
  /** Failed fires so far. */
  attempts: number;
  /** When a failed fire is tried again; null while none failed. The sweeper claims by `retryAt ?? dueAt`. */
  retryAt: Date | null;
}

export interface TimerDbRow {
  case_id: string;
  timer_id: string;
  shop_id: string;
  event: { type: string };
  /** A Date from a column, an ISO string from to_jsonb(). */
  due_at: Date | string;
  attempts: number;
  retry_at: Date | string | null;
}

export function toTimerRow(row: TimerDbRow): TimerRow {
  return {
    caseId: row.case_id,
    timerId: row.timer_id,
    shopId: row.shop_id,
    event: row.event,
    dueAt: new Date(row.due_at),
    attempts: row.attempts,
    retryAt: row.retry_at === null || row.retry_at === undefined ? null : new Date(row.retry_at),
  };
}
