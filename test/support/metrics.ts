import pg from 'pg';
import { csvObjects } from './csv.js';
import { bearer, createAgent, type ShopFixture } from './fixtures.js';
import type { TestApp } from './test-app.js';

const HOUR = 3_600_000;

export interface NamedAgent {
  id: string;
  token: string;
  displayName: string;
  role: 'agent' | 'supervisor' | 'auditor';
}

/** An agent with a chosen display name (the metrics list agents sorted by it), logged in. */
export async function namedAgent(t: TestApp, shop: ShopFixture, role: NamedAgent['role'], displayName: string): Promise<NamedAgent> {
  const { id, token } = await createAgent(t, shop, role, displayName);
  return { id, token, displayName, role };
}

type Query = Record<string, string>;

/** GET a metrics endpoint as JSON; throws with the body unless it answered 200. */
export async function metricsJson<T = any>(t: TestApp, token: string, path: string, query: Query = {}): Promise<T> {
  const res = await t.http.get(`/v1/metrics/${path}`).query(query).set(bearer(token));
  if (res.status !== 200) throw new Error(`GET /v1/metrics/${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as T;
}

/** GET a metrics endpoint with `Accept: text/csv`: the content type and the parsed rows. */
export async function metricsCsv(t: TestApp, token: string, path: string, query: Query = {}) {
  const res = await t.http.get(`/v1/metrics/${path}`).query(query).set(bearer(token)).set('Accept', 'text/csv');
  if (res.status !== 200) throw new Error(`GET /v1/metrics/${path} (csv): ${res.status} ${res.text}`);
  return { contentType: String(res.headers['content-type']), ...csvObjects(res.text) };
}

/** The leaves of a JSON value with dotted names, in key order (empty objects have none). */
export function leaves(value: unknown, path = ''): Array<[string, unknown]> {
  if (value !== null && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) => leaves(child, path ? `${path}.${key}` : key));
  }
  return [[path, value]];
}

/** What a CSV cell must say for a JSON value: empty for null; numbers are compared as numbers by the caller. */
export function cellOf(value: unknown): string {
  if (value === null || value === undefined) return '';
  return String(value);
}

/** A ratio as the service computes it: a plain number, 0 when the denominator is 0. */
export function ratio(numerator: number, denominator: number) {
  return expect.closeTo(denominator === 0 ? 0 : numerator / denominator, 12);
}

/** The UTC instant a calendar day starts at, for a zone with a fixed offset over the days used (`+08:00`, `-08:00`). */
export function dayStart(day: string, offset: string): string {
  return new Date(`${day}T00:00:00${offset}`).toISOString();
}

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 24 * HOUR).toISOString().slice(0, 10);
}

/** The period block of a response, for days in a zone with a fixed offset. */
export function periodOf(from: string, to: string, offset: string) {
  const days = Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / (24 * HOUR)) + 1;
  return { from, to, days, start: dayStart(from, offset), end: dayStart(addDays(to, 1), offset) };
}

/** Timeseries points from `from` on, one per value: `[value, n]` or `[value, n, basis]`. */
export function pointsFrom(from: string, offset: string, values: Array<[unknown, number] | [unknown, number, string]>) {
  return values.map(([value, n, basis], i) => {
    const date = addDays(from, i);
    return { date, start: dayStart(date, offset), value, n, ...(basis === undefined ? {} : { basis }) };
  });
}

const NO_OUTCOMES = {
  refunded: 0,
  partially_refunded: 0,
  exchanged: 0,
  rejected: 0,
  withdrawn: 0,
  auto_approved: 0,
  closed_no_return: 0,
  resolved: 0,
};

export const GOLD_TEAM_NOT_MET = { minRatings: 100, minSatisfiedShare: 0.95, met: false };

/** The summary of a period with nothing in it (and no paid-order counts): zeros, empty amounts, null medians. */
export function emptySummary(shopId: string, timezone: string, period: ReturnType<typeof periodOf>) {
  return {
    shopId,
    timezone,
    period,
    opened: { total: 0, byType: { refund: 0, return: 0, exchange: 0, complaint: 0 } },
    responseWindow: { settled: 0, answeredInTime: 0, answeredLate: 0, missed: 0, inTimeShare: 0 },
    autoApproved: { count: 0, amount: {} },
    firstResponse: { count: 0, medianSeconds: null, p90Seconds: null },
    resolution: { count: 0, medianSeconds: null, p90Seconds: null },
    outcomes: { total: 0, byOutcome: { ...NO_OUTCOMES } },
    qualityRefundRate: {
      basis: 'refunds',
      rate: 0,
      label: 'quality share of refunds (paid-order counts missing)',
      qualityRefunds: 0,
      refunds: 0,
      refundedAmount: {},
      qualityRefundedAmount: {},
      paidOrders: null,
      paidOrderDaysKnown: 0,
      paidOrderDaysMissing: period.days,
    },
    intervention: { window: { from: addDays(period.to, -29), to: period.to, days: 30 }, volume: 0, cases: 0, rate: 0 },
    recodedQualityToNonQuality: 0,
    satisfaction: { ratings: 0, satisfied: 0, neutral: 0, dissatisfied: 0, satisfiedShare: 0, goldTeam: GOLD_TEAM_NOT_MET },
  };
}

export function outcomes(counts: Partial<typeof NO_OUTCOMES>) {
  return { ...NO_OUTCOMES, ...counts };
}

/** The field names of a 400 validation problem. */
export function fieldsOf(body: { errors?: Array<{ field: string }> }): string[] {
  return (body.errors ?? []).map((e) => e.field);
}

/** Every agent's open-case counter (agent_open_cases) beside a live count of the open cases they hold. */
export async function openCaseCounters(t: TestApp): Promise<Array<{ agentId: string; counter: number; live: number }>> {
  const client = new pg.Client({ connectionString: t.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT a.id AS "agentId", coalesce(o.open, 0) AS counter,
         (SELECT count(*)::int FROM cases c WHERE c.assignee_id = a.id AND c.archived_at IS NULL) AS live
       FROM agents a LEFT JOIN agent_open_cases o ON o.agent_id = a.id ORDER BY a.id`,
    );
    return rows;
  } finally {
    await client.end();
  }
}
