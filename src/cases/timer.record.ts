/** A pending delayed event of a case (a row of case_timers); the case engine is its only writer. */
export interface TimerRow {
  caseId: string;
  timerId: string;
  shopId: string;
  event: { type: string };
  dueAt: Date;
  attempts: number;
}

export interface TimerDbRow {
  case_id: string;
  timer_id: string;
  shop_id: string;
  event: { type: string };
  /** A Date from a column, an ISO string from to_jsonb(). */
  due_at: Date | string;
  attempts: number;
}

export function toTimerRow(row: TimerDbRow): TimerRow {
  return { caseId: row.case_id, timerId: row.timer_id, shopId: row.shop_id, event: row.event, dueAt: new Date(row.due_at), attempts: row.attempts };
}
