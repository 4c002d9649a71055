import fc from 'fast-check';
import { buildDays, concatSeconds, decodeSeconds, encodeSeconds, percentiles, totalOf } from './day-figures.js';

/** Nearest rank by the book: sort, then the ceil(p·n)-th value. */
function byTheBook(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(p * sorted.length)) - 1];
}

describe('percentiles (nearest rank)', () => {
  it('should take the lower middle value as the median of an even count, and the 9th of 10 as p90', () => {
    expect(percentiles(Int32Array.from([40, 10, 30, 20]), [0.5, 0.9])).toEqual([20, 40]);
    expect(percentiles(Int32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].reverse()), [0.9, 0.5])).toEqual([9, 5]);
    expect(percentiles(Int32Array.from([7]), [0.5, 0.9])).toEqual([7, 7]);
  });

  it('should answer null for no values', () => {
    expect(percentiles(new Int32Array(0), [0.5, 0.9])).toEqual([null, null]);
  });

  it('should agree with sorting for any values and any percentiles', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 5_000_000 }), { maxLength: 300 }),
        fc.array(fc.double({ min: 0.01, max: 1, noNaN: true }), { minLength: 1, maxLength: 4 }),
        (values, ps) => {
          expect(percentiles(Int32Array.from(values), ps)).toEqual(ps.map((p) => byTheBook(values, p)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('should stay exact on many equal values (the pivot equals most of the array)', () => {
    const values = Int32Array.from({ length: 10_001 }, (_, i) => (i % 3 === 0 ? 5 : i % 3 === 1 ? 5 : 9));
    expect(percentiles(values, [0.5, 0.9])).toEqual([5, 9]);
  });
});

describe('day figures', () => {
  it('should round-trip durations through their stored form', () => {
    const values = Int32Array.from([0, 1, 172_800, 2_147_483_647, -1]);
    const stored = encodeSeconds(values);
    expect(stored.length).toBe(20);
    expect(Array.from(decodeSeconds(stored))).toEqual(Array.from(values));
  });

  it('should add facts and ratings of several days into per-day sums and per-agent durations', () => {
    const days = buildDays(
      ['2026-11-01', '2026-11-02', '2026-11-03'],
      [
        { day: '2026-11-01', kind: 'opened', label: null, caseType: 'refund', agentId: null, currency: null, n: 2, amount: null, seconds: null },
        { day: '2026-11-01', kind: 'first_response', label: null, caseType: null, agentId: 'a', currency: null, n: 2, amount: null, seconds: [60, 600] },
        { day: '2026-11-02', kind: 'first_response', label: null, caseType: null, agentId: 'a', currency: null, n: 1, amount: null, seconds: [120] },
        { day: '2026-11-02', kind: 'first_response', label: null, caseType: null, agentId: 'b', currency: null, n: 1, amount: null, seconds: [30] },
        { day: '2026-11-02', kind: 'response', label: 'missed', caseType: null, agentId: null, currency: 'CNY', n: 2, amount: '59800', seconds: null },
        { day: '2026-11-02', kind: 'archived', label: 'refunded', caseType: null, agentId: 'a', currency: null, n: 1, amount: null, seconds: [90_000] },
        { day: '2026-11-02', kind: 'refunded', label: 'quality', caseType: null, agentId: null, currency: 'CNY', n: 1, amount: '29900', seconds: null },
      ],
      [{ day: '2026-11-02', agentId: 'a', rating: 'satisfied', n: 1 }],
    );
    expect(days.get('2026-11-03')?.counts).toEqual({});
    const total = totalOf(days.values());
    expect(total.counts).toEqual({
      'opened.refund': 2,
      'response.missed': 2,
      'autoApprovedAmount.CNY': 59800,
      'archived.refunded': 1,
      'handled.a': 1,
      'refunds.quality': 1,
      'refundedAmount.quality.CNY': 29900,
      'ratings.satisfied': 1,
      'agentRatings.a.satisfied': 1,
    });
    expect(Array.from(concatSeconds(total.firstResponse.get('a') ?? []))).toEqual([60, 600, 120]);
    expect(Array.from(concatSeconds(total.firstResponse.get('b') ?? []))).toEqual([30]);
    expect(Array.from(concatSeconds(total.resolution))).toEqual([90_000]);
  });
});
