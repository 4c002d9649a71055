import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * After-sales metrics: one row per countable fact of a case (written by the case engine in the same
 * statement as the change that produced it, backfilled here from the audit trail), buyers' ratings and
 * daily paid-order counts reported by the order system, and a cache of settled days per shop time zone
 * (each stored day gets a new generation, so instances may keep decoded copies and tell when one is stale).
 */
export class Metrics1795360000000 implements MigrationInterface {
  name = 'Metrics1795360000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE metric_facts (
        shop_id uuid NOT NULL,
        case_id uuid NOT NULL,
        seq integer NOT NULL,
        kind text NOT NULL,
        at timestamptz(3) NOT NULL,
        case_type text NOT NULL,
        agent_id uuid,
        label text,
        seconds integer,
        currency text NOT NULL,
        amount bigint,
        PRIMARY KEY (case_id, seq, kind),
        CONSTRAINT metric_facts_kind_check CHECK (kind IN ('opened', 'first_response', 'response', 'archived', 'refunded', 'intervened', 'recoded'))
      )`);
    // Every kind but a recode happens at most once per case; the engine relies on this to keep the first.
    await q.query(`CREATE UNIQUE INDEX metric_facts_once_key ON metric_facts (case_id, kind) WHERE kind <> 'recoded'`);
    await q.query(`CREATE INDEX metric_facts_shop_at_idx ON metric_facts (shop_id, at)`);

    await q.query(`
      CREATE TABLE case_ratings (
        case_id uuid PRIMARY KEY REFERENCES cases (id),
        shop_id uuid NOT NULL,
        agent_id uuid,
        rating text NOT NULL,
        comment text,
        rated_at timestamptz(3) NOT NULL,
        reported_at timestamptz(3) NOT NULL,
        CONSTRAINT case_ratings_rating_check CHECK (rating IN ('satisfied', 'neutral', 'dissatisfied'))
      )`);
    await q.query(`CREATE INDEX case_ratings_shop_reported_idx ON case_ratings (shop_id, reported_at)`);

    await q.query(`
      CREATE TABLE paid_order_days (
        shop_id uuid NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
        day date NOT NULL,
        paid_orders integer NOT NULL,
        reported_at timestamptz(3) NOT NULL,
        PRIMARY KEY (shop_id, day),
        CONSTRAINT paid_order_days_count_check CHECK (paid_orders >= 0)
      )`);

    await q.query(`
      CREATE TABLE metric_rollups (
        shop_id uuid NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
        timezone text NOT NULL,
        day date NOT NULL,
        counts jsonb NOT NULL,
        agents uuid[] NOT NULL,
        first_response_counts integer[] NOT NULL,
        first_response_seconds bytea NOT NULL,
        resolution_seconds bytea NOT NULL,
        computed_at timestamptz(3) NOT NULL,
        generation bigint GENERATED ALWAYS AS IDENTITY,
        PRIMARY KEY (shop_id, timezone, day)
      )`);

    // Open cases per agent, kept by the case engine with each change (the per-agent metrics read it).
    await q.query(`
      CREATE TABLE agent_open_cases (
        agent_id uuid PRIMARY KEY REFERENCES agents (id) ON DELETE CASCADE,
        shop_id uuid NOT NULL,
        open integer NOT NULL
      )`);

    await backfillMetricFacts(q);
    await recountAgentOpenCases(q);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE agent_open_cases`);
    await q.query(`DROP TABLE metric_rollups`);
    await q.query(`DROP TABLE paid_order_days`);
    await q.query(`DROP TABLE case_ratings`);
    await q.query(`DROP TABLE metric_facts`);
  }
}

/**
 * The facts of cases opened before this migration, from their audit trail, by the rules of
 * `metricFactsOf`. Two cannot be known after the fact and are left out: who was assigned when a
 * deadline lapsed (the agent of a `missed` response is null).
 */
export async function backfillMetricFacts(q: QueryRunner): Promise<void> {
  const agentOf = `CASE WHEN e.actor_kind = 'agent' THEN e.actor_id::uuid END`;
  const seconds = (at: string) => `GREATEST(0, floor(extract(epoch FROM ${at} - c.requested_at)))::int`;
  await q.query(`
    INSERT INTO metric_facts (shop_id, case_id, seq, kind, at, case_type, currency)
    SELECT c.shop_id, c.id, 1, 'opened', c.opened_at, c.type, c.currency FROM cases c`);
  await q.query(`
    INSERT INTO metric_facts (shop_id, case_id, seq, kind, at, case_type, agent_id, seconds, currency)
    SELECT DISTINCT ON (e.case_id) c.shop_id, c.id, e.seq, 'first_response', e.at, c.type, ${agentOf}, ${seconds('e.at')}, c.currency
    FROM case_events e JOIN cases c ON c.id = e.case_id
    WHERE e.type IN ('CONTACT_BUYER', 'APOLOGISE', 'PROPOSE')
    ORDER BY e.case_id, e.seq`);
  await q.query(`
    INSERT INTO metric_facts (shop_id, case_id, seq, kind, at, case_type, agent_id, label, currency, amount)
    SELECT DISTINCT ON (e.case_id) c.shop_id, c.id, e.seq, 'response', e.at, c.type,
      CASE WHEN e.type = 'PROPOSE' THEN ${agentOf} END,
      CASE WHEN e.type = 'MERCHANT_RESPONSE_EXPIRED' THEN 'missed'
           WHEN e.at <= c.requested_at + (c.snapshot -> 'context' -> 'policy' ->> 'merchantResponseMs')::bigint * interval '1 millisecond' THEN 'in_time'
           ELSE 'late' END,
      c.currency,
      CASE WHEN e.type = 'MERCHANT_RESPONSE_EXPIRED' THEN CASE WHEN c.type IN ('refund', 'return') THEN c.requested_amount ELSE 0 END END
    FROM case_events e JOIN cases c ON c.id = e.case_id
    WHERE c.type <> 'complaint' AND e.from_state LIKE 'open.%' AND e.to_state NOT LIKE 'open.%'
      AND e.type IN ('PROPOSE', 'MERCHANT_RESPONSE_EXPIRED')
    ORDER BY e.case_id, e.seq`);
  await q.query(`
    INSERT INTO metric_facts (shop_id, case_id, seq, kind, at, case_type, agent_id, label, seconds, currency)
    SELECT DISTINCT ON (e.case_id) c.shop_id, c.id, e.seq, 'archived', e.at, c.type, c.assignee_id, c.outcome, ${seconds('e.at')}, c.currency
    FROM case_events e JOIN cases c ON c.id = e.case_id
    WHERE e.to_state = 'archived' AND c.archived_at IS NOT NULL
    ORDER BY e.case_id, e.seq`);
  await q.query(`
    INSERT INTO metric_facts (shop_id, case_id, seq, kind, at, case_type, agent_id, label, currency, amount)
    SELECT DISTINCT ON (e.case_id) c.shop_id, c.id, e.seq, 'refunded', e.at, c.type, c.assignee_id,
      COALESCE(c.verified_reason_category, c.claimed_reason_category), c.currency, (e.payload ->> 'amount')::bigint
    FROM case_events e JOIN cases c ON c.id = e.case_id
    WHERE e.type = 'REFUND_EXECUTED'
      AND NOT (c.snapshot -> 'context' -> 'proposal' ->> 'resolution' = 'compensation'
               AND (c.snapshot -> 'context' ->> 'approvedVia') IS DISTINCT FROM 'ruling')
    ORDER BY e.case_id, e.seq`);
  await q.query(`
    INSERT INTO metric_facts (shop_id, case_id, seq, kind, at, case_type, currency)
    SELECT DISTINCT ON (e.case_id) c.shop_id, c.id, e.seq, 'intervened', e.at, c.type, c.currency
    FROM case_events e JOIN cases c ON c.id = e.case_id
    WHERE e.type = 'PLATFORM_INTERVENED'
    ORDER BY e.case_id, e.seq`);
  await q.query(`
    INSERT INTO metric_facts (shop_id, case_id, seq, kind, at, case_type, agent_id, label, currency)
    SELECT v.shop_id, v.case_id, v.seq, 'recoded', v.at, v.type, v.agent_id, CASE WHEN v.recoded THEN 'recoded' ELSE 'restored' END, v.currency
    FROM (
      SELECT c.shop_id, e.case_id, e.seq, e.at, c.type, c.currency, ${agentOf} AS agent_id,
        c.claimed_reason_category = 'quality' AND e.payload ->> 'verifiedReasonCategory' = 'non_quality' AS recoded,
        lag(c.claimed_reason_category = 'quality' AND e.payload ->> 'verifiedReasonCategory' = 'non_quality', 1, false)
          OVER (PARTITION BY e.case_id ORDER BY e.seq) AS was_recoded
      FROM case_events e JOIN cases c ON c.id = e.case_id
      WHERE e.type = 'VERIFY'
    ) v
    WHERE v.recoded <> v.was_recoded`);
}

/** Sets every agent's open-case counter from the cases themselves (after a backfill, or a bulk load that bypassed the engine). */
export async function recountAgentOpenCases(q: { query(sql: string): Promise<unknown> }): Promise<void> {
  await q.query(`
    INSERT INTO agent_open_cases (agent_id, shop_id, open)
    SELECT a.id, a.shop_id, count(c.id)::int
    FROM agents a LEFT JOIN cases c ON c.assignee_id = a.id AND c.archived_at IS NULL
    GROUP BY a.id, a.shop_id
    ON CONFLICT (agent_id) DO UPDATE SET open = EXCLUDED.open`);
}
