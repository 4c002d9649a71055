import { int8 } from '../database/bigint.js';
import type { Day } from './metric-period.js';

/**
 * Everything the metrics need from one shop day, in a form that adds up across days exactly: counts and
 * amounts as named sums, and the durations percentiles are taken from as they are (no histogram, so a
 * median over a year is as exact as one over a day). A settled day is stored as is (metric_rollups).
 */
export interface DayFigures {
  day: Day;
  /** Named sums, see `addFactGroup` and `addRatingGroup` for the keys. */
  counts: Record<string, number>;
  /** First responses grouped by who gave them: `agents[i]` (null: not an agent) gave `firstResponseCounts[i]` of them. */
  agents: Array<string | null>;
  firstResponseCounts: number[];
  /** Seconds from request to first response, in the order of `agents`. */
  firstResponseSeconds: Int32Array;
  /** Seconds from request to archive of the cases archived that day. */
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

export function emptyDay(day: Day): DayFigures {
  return { day, counts: {}, agents: [], firstResponseCounts: [], firstResponseSeconds: new Int32Array(0), resolutionSeconds: new Int32Array(0) };
}

function add(counts: Record<string, number>, key: string, n: number): void {
  counts[key] = (counts[key] ?? 0) + n;
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
    const lists = agents.map((agent) => entry.firstResponse.get(agent) ?? []);
    result.set(day, {
      day,
      counts: entry.counts,
      agents,
      firstResponseCounts: lists.map((list) => list.length),
      firstResponseSeconds: Int32Array.from(lists.flat()),
      resolutionSeconds: Int32Array.from(entry.resolution),
    });
  }
  return result;
}

/** Durations as stored: int32, little-endian, back to back. */
export function encodeSeconds(values: Int32Array): Buffer {
  const buffer = Buffer.alloc(values.length * 4);
  values.forEach((value, i) => buffer.writeInt32LE(value, i * 4));
  return buffer;
}

export function decodeSeconds(buffer: Buffer): Int32Array {
  const values = new Int32Array(buffer.length / 4);
  for (let i = 0; i < values.length; i++) values[i] = buffer.readInt32LE(i * 4);
  return values;
}

/** Several days added up: the sums, and every duration (per agent for first responses). */
export interface Totals {
  counts: Record<string, number>;
  firstResponse: Map<string | null, Int32Array[]>;
  resolution: Int32Array[];
}

export function totalOf(days: Iterable<DayFigures>): Totals {
  const totals: Totals = { counts: {}, firstResponse: new Map(), resolution: [] };
  for (const day of days) {
    for (const [key, n] of Object.entries(day.counts)) add(totals.counts, key, n);
    let offset = 0;
    day.agents.forEach((agent, i) => {
      const count = day.firstResponseCounts[i];
      const list = totals.firstResponse.get(agent) ?? [];
      list.push(day.firstResponseSeconds.subarray(offset, offset + count));
      totals.firstResponse.set(agent, list);
      offset += count;
    });
    totals.resolution.push(day.resolutionSeconds);
  }
  return totals;
}

/** The sum of every count whose key starts with `prefix`, keyed by the rest of the key. */
export function countsUnder(counts: Record<string, number>, prefix: string): Record<string, number> {
  const result: Record<string, number> = {};
  for (const [key, n] of Object.entries(counts)) {
    if (key.startsWith(prefix)) add(result, key.slice(prefix.length), n);
  }
  return result;
}

export function concatSeconds(parts: Int32Array[]): Int32Array {
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const all = new Int32Array(total);
  let offset = 0;
  for (const part of parts) {
    all.set(part, offset);
    offset += part.length;
  }
  return all;
}

/**
 * Nearest-rank percentiles: for each p, the smallest value with at least ceil(p·n) values at or below it
 * (the median of 1, 2, 3, 4 is 2). null when there are no values. Reorders `values` (a selection, not a
 * full sort: linear on average, which matters for a year of cases).
 */
export function percentiles(values: Int32Array, ps: number[]): Array<number | null> {
  const n = values.length;
  if (n === 0) return ps.map(() => null);
  const ranks = ps.map((p) => Math.min(n, Math.max(1, Math.ceil(p * n))) - 1);
  const order = ranks.map((rank, i) => ({ rank, i })).sort((a, b) => a.rank - b.rank);
  const result: Array<number | null> = ps.map(() => null);
  let lo = 0;
  for (const { rank, i } of order) {
    select(values, rank, lo, n - 1);
    result[i] = values[rank];
    lo = rank;
  }
  return result;
}

/** Moves the k-th smallest of values[lo..hi] to index k, smaller ones before it and larger after (Hoare). */
function select(a: Int32Array, k: number, lo: number, hi: number): void {
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    // Median of three as the pivot keeps sorted and reversed input linear.
    const x = a[lo], y = a[mid], z = a[hi];
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}
