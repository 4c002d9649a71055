import type { CaseWithContext } from '../cases/case.repository.js';
import { CASE_TIMERS } from '../cases/machine/case-timers.js';
import { restoreSnapshot } from '../cases/machine/case-machine.queries.js';

const EVIDENCE_TIMER = CASE_TIMERS.DISPUTE_EVIDENCE.timerId;

export type EvidenceWindow = { closed: false } | { closed: true; dueAt: Date | null };

/**
 * Whether the platform's evidence window of a case has passed at `now`. It counts as passed at its due
 * time even before the deadline sweeper has fired it: a platform does not wait for our sweeper. `dueAt`
 * is null when the timer has fired already (the caller looks up the intervention time then).
 */
export function evidenceWindowOf(loaded: CaseWithContext, now: Date): EvidenceWindow {
  const timer = loaded.timers.find((t) => t.timerId === EVIDENCE_TIMER);
  if (timer) return timer.dueAt.getTime() <= now.getTime() ? { closed: true, dueAt: timer.dueAt } : { closed: false };
  return restoreSnapshot(loaded.record.snapshot).context.evidenceWindowClosed ? { closed: true, dueAt: null } : { closed: false };
}

/** The window's length for this case, fixed from the shop's policy when the case opened. */
export function evidenceWindowMs(loaded: CaseWithContext): number {
  return restoreSnapshot(loaded.record.snapshot).context.policy.disputeEvidenceMs;
}
