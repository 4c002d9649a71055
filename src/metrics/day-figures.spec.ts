import fc from 'fast-check';
import { buildDays, countOf, decodeSeconds, encodeSeconds, figuresOf, percentiles, storedFormOf, totalOf } from './day-figures.js';

/** Nearest rank by the book: sort, then the ceil(p·n)-th value. */
function byTheBook(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(p * sorted.length)) - 1];
}

/** The values as ascending runs cut at the given points (each run sorted on its own). */
function runsOf(values: number[], cuts: number[] = []): Int32Array[] {
  const points = [...new Set(cuts.map((c) => c % (values.length + 1)))].sort((a, b) => a - b);
  const runs: Int32Array[] = [];
  let from = 0;
  for (const point of [...points, values.length]) {
    runs.push(Int32Array.from(values.slice(from, point)).sort());
    from = Math.max(from, point);
  }
  return runs;
}

describe('percentiles (nearest rank)', () => {
  it('should take the lower middle value as the median of an even count, and the 9th of 10 as p90', () => {
    expect(percentiles(runsOf([40, 10, 30, 20]), [0.5, 0.9])).toEqual([20, 40]);
    expect(percentiles(runsOf([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].reverse(), [3, 7]), [0.9, 0.5])).toEqual([9, 5]);
    expect(percentiles(runsOf([7]), [0.5, 0.9])).toEqual([7, 7]);
  });

  it('should answer null for no values, however many empty runs', () => {
    expect(percentiles([], [0.5, 0.9])).toEqual([null, null]);
    expect(percentiles([new Int32Array(0), new Int32Array(0)], [0.5])).toEqual([null]);
  });

  it('should agree with sorting for any values, any split into runs and any percentiles', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -5, max: 5_000_000 }), { maxLength: 300 }),
        fc.array(fc.nat({ max: 300 }), { maxLength: 12 }),
        fc.array(fc.double({ min: 0.01, max: 1, noNaN: true }), { minLength: 1, maxLength: 4 }),
        (values, cuts, ps) => {
          const runs = runsOf(values, cuts);
          expect(countOf(runs)).toBe(values.length);
          expect(percentiles(runs, ps)).toEqual(ps.map((p) => byTheBook(values, p)));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('should stay exact on many equal values and on the extremes of int32', () => {
    const values = Array.from({ length: 10_001 }, (_, i) => (i % 3 === 0 ? 5 : i % 3 === 1 ? 5 : 9));
    expect(percentiles(runsOf(values, [17, 4000, 9000]), [0.5, 0.9])).toEqual([5, 9]);
    const extremes = [-2_147_483_648, 2_147_483_647, 0, 2_147_483_646];
    expect(percentiles(runsOf(extremes, [1, 2]), [0.25, 0.5, 0.75, 1])).toEqual([-2_147_483_648, 0, 2_147_483_646, 2_147_483_647]);
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
      'refunds.quality': 1,
      'refundedAmount.quality.CNY': 29900,
      'ratings.satisfied': 1,
    });
    expect(total.agentCounts).toEqual({});
    const flat = (runs: Int32Array[]) => runs.map((run) => Array.from(run));
    expect(flat(total.firstResponse)).toEqual([[60, 600], [30, 120], []]);
    expect(flat(total.resolution)).toEqual([[], [90_000], []]);
    const withAgents = totalOf(days.values(), { agents: true });
    expect(withAgents.counts).toEqual(total.counts);
    expect(withAgents.agentCounts).toEqual({ 'handled.a': 1, 'agentRatings.a.satisfied': 1 });
    expect(flat(withAgents.firstResponseByAgent.get('a') ?? [])).toEqual([[60, 600], [120]]);
    expect(flat(withAgents.firstResponseByAgent.get('b') ?? [])).toEqual([[30]]);
  });

  it('should keep each agent’s durations ascending and give back the stored form it was read from', () => {
    const day = buildDays(
      ['2026-11-01'],
      [
        { day: '2026-11-01', kind: 'first_response', label: null, caseType: null, agentId: 'a', currency: null, n: 3, amount: null, seconds: [900, 60, 300] },
        { day: '2026-11-01', kind: 'first_response', label: null, caseType: null, agentId: null, currency: null, n: 2, amount: null, seconds: [500, 10] },
        { day: '2026-11-01', kind: 'archived', label: 'refunded', caseType: null, agentId: 'a', currency: null, n: 2, amount: null, seconds: [7200, 3600] },
      ],
      [],
    ).get('2026-11-01')!;
    expect(day.agents).toEqual(['a', null]);
    expect(Array.from(day.firstResponseSeconds)).toEqual([60, 300, 900, 10, 500]);
    expect(Array.from(day.firstResponseSorted)).toEqual([10, 60, 300, 500, 900]);
    expect(Array.from(day.resolutionSeconds)).toEqual([3600, 7200]);
    const stored = storedFormOf(day);
    expect(stored.counts).toEqual({ 'archived.refunded': 2, 'handled.a': 2 });
    expect(figuresOf(stored)).toEqual(day);
    // A stored day whose runs are out of order (written by hand, or by an older version) is sorted on reading.
    const unsorted = figuresOf({ ...stored, firstResponseSeconds: Int32Array.from([900, 60, 300, 500, 10]), resolutionSeconds: Int32Array.from([7200, 3600]) });
    expect(unsorted).toEqual(day);
  });
});
