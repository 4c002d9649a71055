import { int8 } from '../platform/database/bigint.js';
import type { Day } from './metric-period.js';

/**
 * Everything the metrics need from one shop day, in a form that adds up across days exactly: counts and
 * amounts as named sums, and the durations percentiles are taken from as they are, sorted (no
 * histogram, so a median over a year is as exact as one over a day). A settled day is stored
 * (metric_rollups) in the form `StoredFigures` gives.
 */
export interface DayFigures {
  day: Day;
  /** The shop's named sums, see `buildDays` for the keys. */
  counts: Record<string, number>;
  /** Per-agent named sums: `handled.<agent>`, `agentRatings.<agent>.<rating>`. */
  agentCounts: Record<string, number>;
  /** First responses grouped by who gave them: `agents[i]` (null: not an agent) gave `firstResponseCounts[i]` of them. */
  agents: Array<string | null>;
  firstResponseCounts: number[];
  /** Seconds from request to first response, agent by agent in the order of `agents`, each agent's ascending. */
  firstResponseSeconds: Int32Array;
  /** All of the day's first responses, ascending (derived from `firstResponseSeconds`, not stored). */
  firstResponseSorted: Int32Array;
  /** Seconds from request to archive of the cases archived that day, ascending. */
  resolutionSeconds: Int32Array;
}

/** A day's figures as metric_rollups keeps them: one set of named sums, the durations as they are sorted. */
export interface StoredFigures {
  day: Day;
  counts: Record<string, number>;
  agents: Array<string | null>;
  firstResponseCounts: number[];
  firstResponseSeconds: Int32Array;
  resolutionSeconds: Int32Array;
}

/** A group of metric facts of one day as the repository reads them (see MetricsRepository.factGroups). */
export interface FactGroup {
  day: Day;
  kind: string;
  label: string | null;
  caseType: string | null;
  agentId: string | null;
  currency: string | null;
  n: number;
  amount: string | number | null;
  seconds: number[] | null;
}

export interface RatingGroup {
  day: Day;
  agentId: string | null;
  rating: string;
  n: number;
}

const AGENT_KEY = /^(handled|agentRatings)\./;

function add(counts: Record<string, number>, key: string, n: number): void {
  counts[key] = (counts[key] ?? 0) + n;
}

/**
 * The figures of a stored day (or of one just built): the sums split into the shop's and the agents',
 * every run of durations ascending (sorted here if it is not: a stored day of any origin is safe to use).
 */
export function figuresOf(stored: StoredFigures): DayFigures {
  const counts: Record<string, number> = {};
  const agentCounts: Record<string, number> = {};
  for (const [key, n] of Object.entries(stored.counts)) (AGENT_KEY.test(key) ? agentCounts : counts)[key] = n;
  let offset = 0;
  for (const count of stored.firstResponseCounts) {
    ascending(stored.firstResponseSeconds.subarray(offset, offset + count));
    offset += count;
  }
  return {
    day: stored.day,
    counts,
    agentCounts,
    agents: stored.agents,
    firstResponseCounts: stored.firstResponseCounts,
    firstResponseSeconds: stored.firstResponseSeconds,
    firstResponseSorted: Int32Array.from(stored.firstResponseSeconds).sort(),
    resolutionSeconds: ascending(stored.resolutionSeconds),
  };
}

export function storedFormOf(figures: DayFigures): StoredFigures {
  return {
    day: figures.day,
    counts: { ...figures.counts, ...figures.agentCounts },
    agents: figures.agents,
    firstResponseCounts: figures.firstResponseCounts,
    firstResponseSeconds: figures.firstResponseSeconds,
    resolutionSeconds: figures.resolutionSeconds,
  };
}

/** Sorts `values` in place unless it is sorted already (the usual case: a check is linear). */
function ascending(values: Int32Array): Int32Array {
  for (let i = 1; i < values.length; i++) {
    if (values[i - 1] > values[i]) return values.sort();
  }
  return values;
}

export function emptyDay(day: Day): DayFigures {
  return figuresOf({ day, counts: {}, agents: [], firstResponseCounts: [], firstResponseSeconds: new Int32Array(0), resolutionSeconds: new Int32Array(0) });
}

/** Builds each day's figures from its fact and rating groups; days without any come out empty. */
export function buildDays(days: Day[], facts: FactGroup[], ratings: RatingGroup[]): Map<Day, DayFigures> {
  const byDay = new Map<Day, { counts: Record<string, number>; firstResponse: Map<string | null, number[]>; resolution: number[] }>();
  const of = (day: Day) => {
    let entry = byDay.get(day);
    if (!entry) byDay.set(day, (entry = { counts: {}, firstResponse: new Map(), resolution: [] }));
    return entry;
  };
  for (const group of facts) {
    const { counts, firstResponse, resolution } = of(group.day);
    const amount = group.amount === null ? 0 : int8(group.amount);
    switch (group.kind) {
      case 'opened':
        add(counts, `opened.${group.caseType}`, group.n);
        break;
      case 'first_response': {
        const list = firstResponse.get(group.agentId) ?? [];
        firstResponse.set(group.agentId, list.concat(group.seconds ?? []));
        break;
      }
      case 'response':
        add(counts, `response.${group.label}`, group.n);
        if (group.label === 'missed') add(counts, `autoApprovedAmount.${group.currency}`, amount);
        break;
      case 'archived':
        add(counts, `archived.${group.label}`, group.n);
        if (group.agentId) add(counts, `handled.${group.agentId}`, group.n);
        for (const s of group.seconds ?? []) resolution.push(s);
        break;
      case 'refunded':
        add(counts, `refunds.${group.label}`, group.n);
        add(counts, `refundedAmount.${group.label}.${group.currency}`, amount);
        break;
      case 'intervened':
        add(counts, 'interventions', group.n);
        break;
      case 'recoded':
        add(counts, `recodes.${group.label}`, group.n);
        break;
      default:
        throw new Error(`unknown metric fact kind ${group.kind}`);
    }
  }
  for (const group of ratings) {
    const { counts } = of(group.day);
    add(counts, `ratings.${group.rating}`, group.n);
    if (group.agentId) add(counts, `agentRatings.${group.agentId}.${group.rating}`, group.n);
  }
  const result = new Map<Day, DayFigures>();
  for (const day of days) {
    const entry = byDay.get(day);
    if (!entry) {
      result.set(day, emptyDay(day));
      continue;
    }
    const agents = [...entry.firstResponse.keys()];
    const lists = agents.map((agent) => Int32Array.from(entry.firstResponse.get(agent) ?? []).sort());
    const firstResponseSeconds = new Int32Array(lists.reduce((n, list) => n + list.length, 0));
    lists.reduce((offset, list) => (firstResponseSeconds.set(list, offset), offset + list.length), 0);
    result.set(
      day,
      figuresOf({
        day,
        counts: entry.counts,
        agents,
        firstResponseCounts: lists.map((list) => list.length),
        firstResponseSeconds,
        resolutionSeconds: Int32Array.from(entry.resolution).sort(),
      }),
    );
  }
  return result;
}

/** Whether this machine stores an Int32Array little-endian, as the stored form is: then a copy of the bytes is enough. */
const LITTLE_ENDIAN = new Uint8Array(Int32Array.of(1).buffer)[0] === 1;

/** Durations as stored: int32, little-endian, back to back. */
export function encodeSeconds(values: Int32Array): Buffer {
  if (LITTLE_ENDIAN) return Buffer.from(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  const buffer = Buffer.alloc(values.length * 4);
  values.forEach((value, i) => buffer.writeInt32LE(value, i * 4));
  return buffer;
}

export function decodeSeconds(buffer: Buffer): Int32Array {
  const values = new Int32Array(buffer.length >>> 2);
  if (LITTLE_ENDIAN) new Uint8Array(values.buffer).set(buffer.subarray(0, values.length * 4));
  else for (let i = 0; i < values.length; i++) values[i] = buffer.readInt32LE(i * 4);
  return values;
}

/** Several days added up: the sums, and every duration as the days' ascending runs (nothing is copied). */
export interface Totals {
  counts: Record<string, number>;
  /** Only when asked for (`totalOf(…, { agents: true })`), else empty. */
  agentCounts: Record<string, number>;
  firstResponse: Int32Array[];
  /** Only when asked for, else empty. */
  firstResponseByAgent: Map<string | null, Int32Array[]>;
  resolution: Int32Array[];
}

export function totalOf(days: Iterable<DayFigures>, options: { agents?: boolean } = {}): Totals {
  const totals: Totals = { counts: {}, agentCounts: {}, firstResponse: [], firstResponseByAgent: new Map(), resolution: [] };
  for (const day of days) {
    for (const key in day.counts) add(totals.counts, key, day.counts[key]);
    totals.firstResponse.push(day.firstResponseSorted);
    totals.resolution.push(day.resolutionSeconds);
    if (!options.agents) continue;
    for (const key in day.agentCounts) add(totals.agentCounts, key, day.agentCounts[key]);
    let offset = 0;
    day.agents.forEach((agent, i) => {
      const count = day.firstResponseCounts[i];
      const runs = totals.firstResponseByAgent.get(agent) ?? [];
      runs.push(day.firstResponseSeconds.subarray(offset, offset + count));
      totals.firstResponseByAgent.set(agent, runs);
      offset += count;
    });
  }
  return totals;
}

/** A share: 0 when nothing is counted. */
export function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}

export function sum(values: Record<string, number>): number {
  return Object.values(values).reduce((a, b) => a + b, 0);
}

/** The sum of every count whose key starts with `prefix`, keyed by the rest of the key. */
export function countsUnder(counts: Record<string, number>, prefix: string): Record<string, number> {
  const result: Record<string, number> = {};
  for (const [key, n] of Object.entries(counts)) {
    if (key.startsWith(prefix)) add(result, key.slice(prefix.length), n);
  }
  return result;
}

/** How many values the runs hold. */
export function countOf(runs: readonly Int32Array[]): number {
  let n = 0;
  for (const run of runs) n += run.length;
  return n;
}

/**
 * Nearest-rank percentiles of the values of several ascending runs: for each p, the smallest value with
 * at least ceil(p·n) values at or below it (the median of 1, 2, 3, 4 is 2); null when there are no
 * values. Nothing is merged or copied: a binary search over the value range counts, in each run by
 * binary search, the values at or below a candidate, so a year of days costs about
 * 32 × days × log(values a day) steps.
 */
export function percentiles(runs: readonly Int32Array[], ps: number[]): Array<number | null> {
  const filled = runs.filter((run) => run.length > 0);
  const n = countOf(filled);
  if (n === 0) return ps.map(() => null);
  let min = filled[0][0];
  let max = filled[0][filled[0].length - 1];
  for (const run of filled) {
    if (run[0] < min) min = run[0];
    if (run[run.length - 1] > max) max = run[run.length - 1];
  }
  return ps.map((p) => {
    const rank = Math.min(n, Math.max(1, Math.ceil(p * n)));
    if (filled.length === 1) return filled[0][rank - 1];
    let lo = min;
    let hi = max;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (atOrBelow(filled, mid) >= rank) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  });
}

function atOrBelow(runs: readonly Int32Array[], value: number): number {
  let count = 0;
  for (const run of runs) {
    if (run[run.length - 1] <= value) count += run.length;
    else if (run[0] <= value) {
      let lo = 0;
      let hi = run.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (run[mid] <= value) lo = mid + 1;
        else hi = mid;
      }
      count += lo;
    }
  }
  return count;
}
