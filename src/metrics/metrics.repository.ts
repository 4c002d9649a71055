import { Injectable } from '@nestjs/common';
import { slaCountsSql } from '../cases/case-sla.js';
import type { Tx } from '../platform/database/transactions.js';
import { decodeSeconds, encodeSeconds, figuresOf, storedFormOf, type DayFigures, type FactGroup, type RatingGroup } from './day-figures.js';
import type { Day } from './metric-period.js';

export interface DayBounds {
  day: Day;
  start: Date;
  end: Date;
  /** The generation of the day's stored figures (metric_rollups), null when none are stored. */
  generation: string | null;
}

export interface StoredDay {
  generation: string;
  figures: DayFigures;
}

export interface AgentLoad {
  id: string;
  displayName: string;
  role: string;
  active: boolean;
  /** Open cases they hold now. */
  open: number;
  /** Of those, past their merchant deadline (not yet fired), and within the warning lead of it. */
  overdue: number;
  dueSoon: number;
}

export type Rating = 'satisfied' | 'neutral' | 'dissatisfied';

export interface RatingRecord {
  caseId: string;
  agentId: string | null;
  rating: Rating;
  comment: string | null;
  ratedAt: Date;
  reportedAt: Date;
}

const DAY = `to_char(d, 'YYYY-MM-DD')`;

/** The SQL of the metrics: facts grouped by shop day, the settled-day cache, ratings and paid orders. */
@Injectable()
export class MetricsRepository {
  async timeZone(tx: Tx, shopId: string): Promise<string> {
    const [shop]: Array<{ timezone: string }> = await tx.query(`SELECT timezone FROM shops WHERE id = $1`, [shopId]);
    return shop.timezone;
  }

  /** The shop's metrics lock for the transaction: readers share it; replacing a rating (which changes a past day) takes it alone. */
  async lockMetrics(tx: Tx, shopId: string, mode: 'shared' | 'exclusive'): Promise<void> {
    const fn = mode === 'shared' ? 'pg_advisory_xact_lock_shared' : 'pg_advisory_xact_lock';
    await tx.query(`SELECT ${fn}(hashtextextended('metrics:' || $1, 0))`, [shopId]);
  }

  /**
   * Where each day of [from, to] starts and ends in the time zone (DST-proof: PostgreSQL's zone rules),
   * and the generation of its stored figures if any.
   */
  async dayBounds(tx: Tx, shopId: string, timeZone: string, from: Day, to: Day): Promise<DayBounds[]> {
    return tx.query(
      `SELECT ${DAY} AS day, d::timestamp AT TIME ZONE $1 AS start, (d + 1)::timestamp AT TIME ZONE $1 AS "end", r.generation::text AS generation
       FROM generate_series($2::date, $3::date, interval '1 day') AS g(t)
         CROSS JOIN LATERAL (SELECT g.t::date AS d) x
         LEFT JOIN metric_rollups r ON r.shop_id = $4 AND r.timezone = $1 AND r.day = x.d
       ORDER BY 1`,
      [timeZone, from, to, shopId],
    );
  }

  /** The stored figures of the listed days. */
  async storedDays(tx: Tx, shopId: string, timeZone: string, days: Day[]): Promise<StoredDay[]> {
    if (days.length === 0) return [];
    const rows: Array<{
      day: Day;
      generation: string;
      counts: Record<string, number>;
      agents: Array<string | null>;
      first_response_counts: number[];
      first_response_seconds: Buffer;
      resolution_seconds: Buffer;
    }> = await tx.query(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, generation::text AS generation, counts, agents::text[] AS agents, first_response_counts,
         first_response_seconds, resolution_seconds
       FROM metric_rollups WHERE shop_id = $1 AND timezone = $2 AND day = ANY($3::date[])`,
      [shopId, timeZone, days],
    );
    return rows.map((row) => ({
      generation: row.generation,
      figures: figuresOf({
        day: row.day,
        counts: row.counts,
        agents: row.agents,
        firstResponseCounts: row.first_response_counts,
        firstResponseSeconds: decodeSeconds(row.first_response_seconds),
        resolutionSeconds: decodeSeconds(row.resolution_seconds),
      }),
    }));
  }

  /**
   * Stores settled days and answers the generation of each one stored; a day someone else stored
   * meanwhile is left as it is (both were computed from the same facts) and not answered.
   */
  async storeDays(tx: Tx, shopId: string, timeZone: string, days: DayFigures[], now: Date): Promise<Map<Day, string>> {
    if (days.length === 0) return new Map();
    const stored = days.map(storedFormOf);
    const rows: Array<{ day: Day; generation: string }> = await tx.query(
      `INSERT INTO metric_rollups (shop_id, timezone, day, counts, agents, first_response_counts, first_response_seconds, resolution_seconds, computed_at)
       SELECT $1, $2, d.day, d.counts, d.agents::uuid[], d.first_response_counts::int[], d.first_response_seconds, d.resolution_seconds, $3
       FROM unnest($4::date[], $5::jsonb[], $6::text[], $7::text[], $8::bytea[], $9::bytea[])
         AS d(day, counts, agents, first_response_counts, first_response_seconds, resolution_seconds)
       ON CONFLICT (shop_id, timezone, day) DO NOTHING
       RETURNING to_char(day, 'YYYY-MM-DD') AS day, generation::text AS generation`,
      [
        shopId,
        timeZone,
        now,
        stored.map((d) => d.day),
        stored.map((d) => JSON.stringify(d.counts)),
        stored.map((d) => pgArray(d.agents)),
        stored.map((d) => pgArray(d.firstResponseCounts.map(String))),
        stored.map((d) => encodeSeconds(d.firstResponseSeconds)),
        stored.map((d) => encodeSeconds(d.resolutionSeconds)),
      ],
    );
    return new Map(rows.map((row) => [row.day, row.generation]));
  }

  /** The shop's metric facts in [start, end), grouped by shop day and by what the figures tell apart. */
  async factGroups(tx: Tx, shopId: string, timeZone: string, start: Date, end: Date): Promise<FactGroup[]> {
    const rows: Array<{
      day: Day;
      kind: string;
      label: string | null;
      case_type: string | null;
      agent_id: string | null;
      currency: string | null;
      n: number;
      amount: string | null;
      seconds: number[] | null;
    }> = await tx.query(
      `SELECT to_char((f.at AT TIME ZONE $2)::date, 'YYYY-MM-DD') AS day, f.kind, f.label,
         CASE WHEN f.kind = 'opened' THEN f.case_type END AS case_type,
         CASE WHEN f.kind IN ('first_response', 'archived') THEN f.agent_id END AS agent_id,
         CASE WHEN f.kind IN ('response', 'refunded') THEN f.currency END AS currency,
         count(*)::int AS n, sum(f.amount)::text AS amount,
         CASE WHEN f.kind IN ('first_response', 'archived') THEN array_agg(f.seconds) END AS seconds
       FROM metric_facts f
       WHERE f.shop_id = $1 AND f.at >= $3 AND f.at < $4
       GROUP BY 1, 2, 3, 4, 5, 6`,
      [shopId, timeZone, start, end],
    );
    return rows.map((row) => ({
      day: row.day,
      kind: row.kind,
      label: row.label,
      caseType: row.case_type,
      agentId: row.agent_id,
      currency: row.currency,
      n: row.n,
      amount: row.amount,
      seconds: row.seconds,
    }));
  }

  async ratingGroups(tx: Tx, shopId: string, timeZone: string, start: Date, end: Date): Promise<RatingGroup[]> {
    const rows: Array<{ day: Day; agent_id: string | null; rating: string; n: number }> = await tx.query(
      `SELECT to_char((r.reported_at AT TIME ZONE $2)::date, 'YYYY-MM-DD') AS day, r.agent_id, r.rating, count(*)::int AS n
       FROM case_ratings r
       WHERE r.shop_id = $1 AND r.reported_at >= $3 AND r.reported_at < $4
       GROUP BY 1, 2, 3`,
      [shopId, timeZone, start, end],
    );
    return rows.map((row) => ({ day: row.day, agentId: row.agent_id, rating: row.rating, n: row.n }));
  }

  /** Reported paid-order counts of the days in [from, to]. */
  async paidOrders(tx: Tx, shopId: string, from: Day, to: Day): Promise<Map<Day, number>> {
    const rows: Array<{ day: Day; paid_orders: number }> = await tx.query(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, paid_orders FROM paid_order_days WHERE shop_id = $1 AND day BETWEEN $2::date AND $3::date`,
      [shopId, from, to],
    );
    return new Map(rows.map((row) => [row.day, row.paid_orders]));
  }

  async savePaidOrders(tx: Tx, shopId: string, days: Array<{ date: Day; paidOrders: number }>, now: Date): Promise<void> {
    await tx.query(
      `INSERT INTO paid_order_days (shop_id, day, paid_orders, reported_at)
       SELECT $1, d.day, d.paid_orders, $2 FROM unnest($3::date[], $4::int[]) AS d(day, paid_orders)
       ON CONFLICT (shop_id, day) DO UPDATE SET paid_orders = EXCLUDED.paid_orders, reported_at = EXCLUDED.reported_at`,
      [shopId, now, days.map((d) => d.date), days.map((d) => d.paidOrders)],
    );
  }

  /** The case's current assignee, with the case row locked so a rating and an assignment do not cross. */
  async lockCase(tx: Tx, shopId: string, caseId: string): Promise<{ assigneeId: string | null } | undefined> {
    const [row] = await tx.query(`SELECT assignee_id FROM cases WHERE shop_id = $1 AND id = $2 FOR UPDATE`, [shopId, caseId]);
    return row && { assigneeId: row.assignee_id };
  }

  async rating(tx: Tx, caseId: string): Promise<RatingRecord | undefined> {
    const [row] = await tx.query(`SELECT * FROM case_ratings WHERE case_id = $1`, [caseId]);
    return row && toRating(row);
  }

  async saveRating(tx: Tx, shopId: string, rating: RatingRecord): Promise<RatingRecord> {
    const [row] = await tx.query(
      `INSERT INTO case_ratings (case_id, shop_id, agent_id, rating, comment, rated_at, reported_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (case_id) DO UPDATE SET agent_id = EXCLUDED.agent_id, rating = EXCLUDED.rating, comment = EXCLUDED.comment,
         rated_at = EXCLUDED.rated_at, reported_at = EXCLUDED.reported_at
       RETURNING *`,
      [rating.caseId, shopId, rating.agentId, rating.rating, rating.comment, rating.ratedAt, rating.reportedAt],
    );
    return toRating(row);
  }

  /** Drops the cached figures of the shop days (in any time zone) that contain `instant`. */
  async forgetDaysContaining(tx: Tx, shopId: string, instant: Date): Promise<void> {
    await tx.query(`DELETE FROM metric_rollups WHERE shop_id = $1 AND day = ($2::timestamptz AT TIME ZONE timezone)::date`, [shopId, instant]);
  }

  /**
   * The shop's agents and supervisors, each with the open cases they hold now (agent_open_cases) and how
   * many of those are past or near their merchant deadline (slaCountsSql over the range of
   * cases_assignee_queue_idx due by the end of the warning lead: the `total` of that range is not used).
   */
  async agentLoads(tx: Tx, shopId: string, now: Date, dueSoonMs: number): Promise<AgentLoad[]> {
    const rows: Array<{ id: string; display_name: string; role: string; active: boolean; open: number; overdue: number; due_soon: number }> = await tx.query(
      `SELECT a.id, a.display_name, a.role, a.active, coalesce(o.open, 0) AS open, s.overdue::int AS overdue, s.due_soon::int AS due_soon
       FROM agents a LEFT JOIN agent_open_cases o ON o.agent_id = a.id
       CROSS JOIN LATERAL (
         SELECT ${slaCountsSql('c.due_at', '$2', '$3')}
         FROM cases c WHERE c.shop_id = a.shop_id AND c.assignee_id = a.id AND c.archived_at IS NULL AND c.due_at <= $3
       ) s
       WHERE a.shop_id = $1 AND a.role IN ('agent', 'supervisor')`,
      [shopId, now, new Date(now.getTime() + dueSoonMs)],
    );
    return rows.map((row) => ({
      id: row.id,
      displayName: row.display_name,
      role: row.role,
      active: row.active,
      open: row.open,
      overdue: row.overdue,
      dueSoon: row.due_soon,
    }));
  }
}

function toRating(row: { case_id: string; agent_id: string | null; rating: Rating; comment: string | null; rated_at: Date; reported_at: Date }): RatingRecord {
  return { caseId: row.case_id, agentId: row.agent_id, rating: row.rating, comment: row.comment, ratedAt: row.rated_at, reportedAt: row.reported_at };
}

/** A PostgreSQL array literal of strings (or nulls). */
function pgArray(values: Array<string | null>): string {
  return `{${values.map((v) => (v === null ? 'NULL' : `"${v.replace(/["\\]/g, '\\$&')}"`)).join(',')}}`;
}
