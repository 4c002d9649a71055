import { ValidationProblem } from '../platform/problem/validation.js';
import { addDays, dayIn, dayRange, isDay, resolvePeriod } from './metric-period.js';

function fieldOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationProblem) return error.errors?.[0].field;
    throw error;
  }
  return undefined;
}

describe('metric periods', () => {
  const now = new Date('2026-11-21T17:30:00Z'); // 01:30 on 22 November in Shanghai, still 21 November in Los Angeles

  it('should know real calendar dates', () => {
    expect(isDay('2026-11-30')).toBe(true);
    expect(isDay('2028-02-29')).toBe(true);
    expect(isDay('2026-02-29')).toBe(false);
    expect(isDay('2026-11-1')).toBe(false);
    expect(isDay('2026-11-01T00:00:00Z')).toBe(false);
  });

  it('should take today in the shop’s zone', () => {
    expect(dayIn('Asia/Shanghai', now)).toBe('2026-11-22');
    expect(dayIn('America/Los_Angeles', now)).toBe('2026-11-21');
  });

  it('should default to the 30 days ending today, or starting on from', () => {
    expect(resolvePeriod({}, 'Asia/Shanghai', now)).toEqual({ from: '2026-10-24', to: '2026-11-22' });
    expect(resolvePeriod({ from: '2026-11-01' }, 'Asia/Shanghai', now)).toEqual({ from: '2026-11-01', to: '2026-11-30' });
    expect(resolvePeriod({ to: '2026-11-10' }, 'Asia/Shanghai', now)).toEqual({ from: '2026-10-12', to: '2026-11-10' });
  });

  it('should name the field of a bad period', () => {
    expect(fieldOf(() => resolvePeriod({ from: '2026-13-01' }, 'UTC', now))).toBe('from');
    expect(fieldOf(() => resolvePeriod({ to: 'yesterday' }, 'UTC', now))).toBe('to');
    expect(fieldOf(() => resolvePeriod({ from: '2026-11-02', to: '2026-11-01' }, 'UTC', now))).toBe('from');
    expect(fieldOf(() => resolvePeriod({ from: '2025-01-01', to: '2026-01-02' }, 'UTC', now))).toBe('to');
    expect(fieldOf(() => resolvePeriod({ from: '2025-01-02', to: '2026-01-02' }, 'UTC', now))).toBeUndefined();
  });

  it('should count days across month and year ends', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(dayRange('2026-12-30', '2027-01-02')).toEqual(['2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02']);
  });
});
