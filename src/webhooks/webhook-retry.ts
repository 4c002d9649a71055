/** Longest pause between two attempts. */
export const MAX_RETRY_DELAY_MS = 2 * 3_600_000;

/**
 * When to try again after failed attempt number `attempts` (1 for the first): base × 2^(attempts−1),
 * at most two hours; null once that would fall after the retry window, and the message is failed.
 */
export function nextAttemptAt(options: { now: Date; retryFrom: Date; attempts: number; baseMs: number; windowMs: number }): Date | null {
  const delay = Math.min(options.baseMs * 2 ** Math.min(options.attempts - 1, 30), MAX_RETRY_DELAY_MS);
  const next = options.now.getTime() + delay;
  return next > options.retryFrom.getTime() + options.windowMs ? null : new Date(next);
}
