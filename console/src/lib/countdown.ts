/** SLA stage of a deadline, the same rule as the API's `sla` (ok · due_soon within the lead · overdue at or past due). */
export type SlaStage = 'ok' | 'due_soon' | 'overdue';

export function slaStage(dueAtMs: number | null, nowMs: number, leadMs: number): SlaStage {
  if (dueAtMs === null) return 'ok';
  const left = dueAtMs - nowMs;
  if (left <= 0) return 'overdue';
  return left <= leadMs ? 'due_soon' : 'ok';
}

export interface CountdownUnits {
  /** Appended to the day count: 天 in Chinese, d in English. */
  day: string;
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * A countdown agents compare at a glance, always in calendar time:
 * a day or more `2天 03:15` · an hour or more `H:MM:SS` · under an hour `MM:SS` · past due `-` and the same form.
 * Seconds are floored towards the due time, so 0 shows only at the due second.
 */
export function formatCountdown(secondsLeft: number, units: CountdownUnits = { day: '天' }): string {
  const overdue = secondsLeft < 0;
  const total = Math.abs(Math.trunc(secondsLeft));
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  let text: string;
  if (days > 0) text = `${days}${units.day} ${pad(hours)}:${pad(minutes)}`;
  else if (hours > 0) text = `${hours}:${pad(minutes)}:${pad(seconds)}`;
  else text = `${pad(minutes)}:${pad(seconds)}`;
  return overdue ? `-${text}` : text;
}

/** Whole seconds from `nowMs` to `dueAtMs`, rounded towards the past so a countdown never shows time that is gone. */
export function secondsUntil(dueAtMs: number, nowMs: number): number {
  return Math.floor((dueAtMs - nowMs) / 1000);
}

/** Offset to add to Date.now() to get the server's clock, from a server time seen at a local time. */
export function serverOffsetMs(serverTimeIso: string, localReceivedAtMs: number): number {
  const server = Date.parse(serverTimeIso);
  return Number.isFinite(server) ? server - localReceivedAtMs : 0;
}
