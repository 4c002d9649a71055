/**
 * A case's SLA state from its `due_at` (the most urgent merchant deadline, see mostUrgentDeadline): the one
 * definition of the boundaries, in TypeScript for a case read and in SQL for counting cases without reading them.
 */
export const SLA_STATUSES = ['ok', 'due_soon', 'overdue'] as const;
export type SlaStatus = (typeof SLA_STATUSES)[number];

/** ok: more than the warning lead left (or no deadline) · due_soon: within it · overdue: past due, not yet fired. */
export function slaStatusOf(dueAt: Date | null, now: Date, dueSoonMs: number): SlaStatus {
  if (!dueAt) return 'ok';
  const left = dueAt.getTime() - now.getTime();
  if (left <= 0) return 'overdue';
  return left <= dueSoonMs ? 'due_soon' : 'ok';
}

/**
 * slaStatusOf in SQL, to count cases by SLA state without reading them: `dueAt` names a `due_at` column
 * ('infinity' when there is no deadline: ok), `now` and `dueSoonUntil` parameters holding `now` and
 * `now + dueSoonMs`. Gives the columns `overdue`, `due_soon` and `total` (ok = total - overdue - due_soon).
 */
export function slaCountsSql(dueAt: string, now: string, dueSoonUntil: string): string {
  return `count(*) FILTER (WHERE ${dueAt} <= ${now}) AS overdue,
    count(*) FILTER (WHERE ${dueAt} > ${now} AND ${dueAt} <= ${dueSoonUntil}) AS due_soon,
    count(*) AS total`;
}
