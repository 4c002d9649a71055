import { Injectable } from '@nestjs/common';
import { Environment } from '../platform/config/environment.js';
import type { DayFigures } from './day-figures.js';
import type { Day } from './metric-period.js';

interface Entry {
  generation: string;
  figures: DayFigures;
  bytes: number;
}

/**
 * Settled days' figures as this process decoded them, so a request over a year need not fetch and decode
 * every stored day again. The database stays the truth: a reader first lists the generations of the
 * stored days (metric_rollups.generation, new on every store) and takes from here only a day whose
 * generation matches; a day dropped and computed again (a replaced rating) has a new generation. So any
 * number of instances may keep their own copy. Least recently used days go first once the budget is spent.
 *
 * The figures handed out are shared: callers only read them (totalOf adds up into new sums and hands
 * out the durations as read-only runs).
 */
@Injectable()
export class SettledDaysCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  private readonly budget: number;

  constructor(env: Environment) {
    this.budget = env.METRICS_CACHE_MB * 1024 * 1024;
  }

  get(shopId: string, timeZone: string, day: Day, generation: string): DayFigures | undefined {
    const key = keyOf(shopId, timeZone, day);
    const entry = this.entries.get(key);
    if (!entry || entry.generation !== generation) return undefined;
    // Map keeps insertion order: re-inserting marks the day as the most recently used.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.figures;
  }

  set(shopId: string, timeZone: string, generation: string, figures: DayFigures): void {
    const key = keyOf(shopId, timeZone, figures.day);
    this.remove(key);
    const bytes = sizeOf(figures);
    if (bytes > this.budget) return;
    this.entries.set(key, { generation, figures, bytes });
    this.bytes += bytes;
    for (const [oldest] of this.entries) {
      if (this.bytes <= this.budget) break;
      this.remove(oldest);
    }
  }

  /** What is kept now: days and their estimated bytes. */
  get usage(): { days: number; bytes: number } {
    return { days: this.entries.size, bytes: this.bytes };
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }
}

function keyOf(shopId: string, timeZone: string, day: Day): string {
  return `${shopId}\u0000${timeZone}\u0000${day}`;
}

/** A rough size in memory: the durations, plus about 100 bytes per named count and per agent. */
function sizeOf(figures: DayFigures): number {
  return (
    200 +
    figures.firstResponseSeconds.byteLength +
    figures.firstResponseSorted.byteLength +
    figures.resolutionSeconds.byteLength +
    (Object.keys(figures.counts).length + Object.keys(figures.agentCounts).length + figures.agents.length) * 100 +
    figures.firstResponseCounts.length * 8
  );
}
