import { ValidationProblem } from '../platform/problem/validation.js';

/** A shop calendar day, `YYYY-MM-DD`. */
export type Day = string;

export const MAX_PERIOD_DAYS = 366;
/** The platforms' rolling window for the intervention rate and volume (介入率 / 介入量). */
export const INTERVENTION_WINDOW_DAYS = 30;
export const DEFAULT_PERIOD_DAYS = 30;

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** Whether `value` is a real calendar date written `YYYY-MM-DD` (2026-02-30 is not). */
export function isDay(value: string): boolean {
  const match = DAY_PATTERN.exec(value);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === value;
}

export function addDays(day: Day, days: number): Day {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Days from `a` to `b`, counting both (a ≤ b). */
export function daysBetween(a: Day, b: Day): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS) + 1;
}

export function dayRange(from: Day, to: Day): Day[] {
  const count = daysBetween(from, to);
  return Array.from({ length: Math.max(0, count) }, (_, i) => addDays(from, i));
}

/** The calendar day `instant` falls on in `timeZone`. */
export function dayIn(timeZone: string, instant: Date): Day {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}

export interface PeriodDays {
  from: Day;
  to: Day;
}

/**
 * The period a metrics request asks for: both days inclusive, in the shop's calendar. Left out, it is
 * the 30 days ending today; with only `from`, the 30 days from it. Bad input answers 400 naming the field.
 */
export function resolvePeriod(query: { from?: string; to?: string }, timeZone: string, now: Date): PeriodDays {
  const errors: Array<{ field: string; message: string }> = [];
  for (const field of ['from', 'to'] as const) {
    const value = query[field];
    if (value !== undefined && !isDay(value)) errors.push({ field, message: `${field} must be a calendar date written YYYY-MM-DD` });
  }
  if (errors.length > 0) throw new ValidationProblem(errors);
  const to = query.to ?? (query.from !== undefined ? addDays(query.from, DEFAULT_PERIOD_DAYS - 1) : dayIn(timeZone, now));
  const from = query.from ?? addDays(to, -(DEFAULT_PERIOD_DAYS - 1));
  if (from > to) throw new ValidationProblem([{ field: 'from', message: 'from must not be after to' }]);
  if (daysBetween(from, to) > MAX_PERIOD_DAYS) {
    throw new ValidationProblem([{ field: 'to', message: `a period spans at most ${MAX_PERIOD_DAYS} days` }]);
  }
  return { from, to };
}
