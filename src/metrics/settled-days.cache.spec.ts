import { Environment } from '../platform/config/environment.js';
import { figuresOf, type DayFigures } from './day-figures.js';
import { SettledDaysCache } from './settled-days.cache.js';

function cacheOf(megabytes: number): SettledDaysCache {
  return new SettledDaysCache(Object.assign(new Environment(), { METRICS_CACHE_MB: megabytes }));
}

/** A day whose durations take about `kib` KiB. */
function dayOf(day: string, kib: number, opened = 1): DayFigures {
  return figuresOf({
    day,
    counts: { 'opened.refund': opened },
    agents: [null],
    firstResponseCounts: [kib * 128],
    firstResponseSeconds: new Int32Array(kib * 128),
    resolutionSeconds: new Int32Array(0),
  });
}

describe(SettledDaysCache.name, () => {
  it('should hand out a day only for the shop, zone and generation it was kept under', () => {
    const cache = cacheOf(1);
    const figures = dayOf('2026-11-10', 1);
    cache.set('shop-a', 'Asia/Shanghai', '7', figures);
    expect(cache.get('shop-a', 'Asia/Shanghai', '2026-11-10', '7')).toBe(figures);
    expect(cache.get('shop-a', 'Asia/Shanghai', '2026-11-10', '8')).toBeUndefined();
    expect(cache.get('shop-b', 'Asia/Shanghai', '2026-11-10', '7')).toBeUndefined();
    expect(cache.get('shop-a', 'Europe/Berlin', '2026-11-10', '7')).toBeUndefined();
    expect(cache.get('shop-a', 'Asia/Shanghai', '2026-11-11', '7')).toBeUndefined();
  });

  it('should replace a day kept under an older generation', () => {
    const cache = cacheOf(1);
    cache.set('shop-a', 'Asia/Shanghai', '7', dayOf('2026-11-10', 1, 5));
    const newer = dayOf('2026-11-10', 1, 6);
    cache.set('shop-a', 'Asia/Shanghai', '9', newer);
    expect(cache.get('shop-a', 'Asia/Shanghai', '2026-11-10', '7')).toBeUndefined();
    expect(cache.get('shop-a', 'Asia/Shanghai', '2026-11-10', '9')).toBe(newer);
    expect(cache.usage.days).toBe(1);
  });

  it('should stay within its budget, dropping the least recently used days first', () => {
    const cache = cacheOf(1); // 1 MiB: three days of 300 KiB fit, a fourth does not
    for (const day of ['2026-11-01', '2026-11-02', '2026-11-03']) cache.set('s', 'UTC', '1', dayOf(day, 300));
    expect(cache.get('s', 'UTC', '2026-11-01', '1')).toBeDefined(); // now the most recently used
    cache.set('s', 'UTC', '1', dayOf('2026-11-04', 300));
    expect(cache.get('s', 'UTC', '2026-11-02', '1')).toBeUndefined();
    for (const day of ['2026-11-01', '2026-11-03', '2026-11-04']) expect(cache.get('s', 'UTC', day, '1')).toBeDefined();
    expect(cache.usage.bytes).toBeLessThanOrEqual(1024 * 1024);
  });

  it('should keep nothing with a budget of 0, or a day larger than the budget', () => {
    const none = cacheOf(0);
    none.set('s', 'UTC', '1', dayOf('2026-11-01', 1));
    expect(none.get('s', 'UTC', '2026-11-01', '1')).toBeUndefined();
    const small = cacheOf(1);
    small.set('s', 'UTC', '1', dayOf('2026-11-01', 2048));
    expect(small.get('s', 'UTC', '2026-11-01', '1')).toBeUndefined();
    expect(small.usage).toEqual({ days: 0, bytes: 0 });
  });
});
