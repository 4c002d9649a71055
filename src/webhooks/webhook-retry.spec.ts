import { MAX_RETRY_DELAY_MS, nextAttemptAt } from './webhook-retry.js';

describe('webhook retry schedule', () => {
  const retryFrom = new Date('2026-11-20T00:00:00Z');
  const base = { retryFrom, baseMs: 10_000, windowMs: 24 * 3_600_000 };

  it('should double the pause after each failed attempt', () => {
    const pauses = [1, 2, 3, 4].map((attempts) => nextAttemptAt({ ...base, now: retryFrom, attempts })!.getTime() - retryFrom.getTime());
    expect(pauses).toEqual([10_000, 20_000, 40_000, 80_000]);
  });

  it('should never pause longer than two hours', () => {
    const next = nextAttemptAt({ ...base, now: retryFrom, attempts: 40 });
    expect(next!.getTime() - retryFrom.getTime()).toBe(MAX_RETRY_DELAY_MS);
  });

  it('should give up once the next attempt would fall after the window', () => {
    const late = new Date(retryFrom.getTime() + 24 * 3_600_000 - 5_000);
    expect(nextAttemptAt({ ...base, now: late, attempts: 1 })).toBeNull();
    const inTime = new Date(retryFrom.getTime() + 24 * 3_600_000 - 10_000);
    expect(nextAttemptAt({ ...base, now: inTime, attempts: 1 })).toEqual(new Date(retryFrom.getTime() + 24 * 3_600_000));
  });

  it('should count retries over a whole day: about 20 attempts before giving up', () => {
    let now = retryFrom;
    let attempts = 0;
    for (;;) {
      attempts++;
      const next = nextAttemptAt({ ...base, now, attempts });
      if (!next) break;
      now = next;
    }
    expect(attempts).toBeGreaterThan(15);
    expect(attempts).toBeLessThan(25);
    expect(now.getTime() - retryFrom.getTime()).toBeLessThanOrEqual(24 * 3_600_000);
  });
});
