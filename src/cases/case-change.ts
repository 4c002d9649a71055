import { Injectable } from '@nestjs/common';
import type { CaseRecord } from './case.record.js';

/** Who made a change: an agent, the order system's API key, the admin token, or the service itself. */
export interface Actor {
  kind: 'admin' | 'agent' | 'integration' | 'system';
  id: string;
}

/** One accepted event of a case, as the engine hands it to contributors. */
export interface CaseStep {
  /** The case before the event; for an opening, the draft as created. */
  before: CaseRecord;
  after: CaseRecord;
  /** The event's type (`PROPOSE`, `MERCHANT_RESPONSE_EXPIRED`, `CASE_OPENED`, …). */
  event: string;
  actor: Actor;
  /** The state the event was applied in; null when the case is being opened. */
  fromState: string | null;
  at: Date;
  /** The audit event's sequence number on the case. */
  seq: number;
}

/**
 * Rows a feature adds to a change, and the data-modifying SQL that writes them. The engine writes every
 * contribution in the same statement as the change itself (one data-modifying CTE part each), so what a
 * feature derives from a case is committed with it or not at all, at no extra round trip.
 */
export interface CaseWrite {
  rows: readonly unknown[];
  /**
   * The part's SQL, ending in `RETURNING 1`. `from(columns)` is the rows as a relation typed by
   * `columns` (as for `jsonb_to_recordset`, e.g. `'case_id uuid, seq int'`).
   */
  sql: (from: (columns: string) => string) => string;
}

/**
 * A feature's projection of case changes (webhook outbox messages, metric facts, agents' open-case
 * counters, …). Registered from the feature's own module; the engine knows only this interface.
 */
export interface CaseChangeContributor {
  /** The writes for the steps of one statement (several cases, several steps of a case, in order); [] when none. */
  contribute(steps: readonly CaseStep[]): CaseWrite[];
}

/** The contributors registered by the features of this process, in registration order. */
@Injectable()
export class CaseChangeContributors {
  private readonly contributors: CaseChangeContributor[] = [];

  register(contributor: CaseChangeContributor): void {
    if (!this.contributors.includes(contributor)) this.contributors.push(contributor);
  }

  writesOf(steps: readonly CaseStep[]): CaseWrite[] {
    if (steps.length === 0) return [];
    return this.contributors.flatMap((contributor) => contributor.contribute(steps)).filter((write) => write.rows.length > 0);
  }
}
