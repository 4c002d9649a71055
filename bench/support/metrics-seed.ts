import pg from 'pg';
import { recountAgentOpenCases } from '../../migrations/1795360000000-metrics.js';

/**
 * A year of after-sales history for every case in the database (as seeded by `seedOpenCases`: open
 * refund cases requested up to a year before `now`, most assigned to an agent), written in SQL over the
 * cases the way the case engine would have left them: the case rows (type, reason, archive, outcome,
 * refunded amount, next deadline), the metric facts of the contract (`metric_facts`), buyers' ratings
 * (`case_ratings`) and the order system's daily paid-order counts (`paid_order_days`).
 *
 * Draws are deterministic per case: hashes of the case id with a salt, uniform in [0, 1). No fact lies
 * after `now` (a step planned later than `now` has not happened yet, and the case is still open there).
 *
 * Per case (the shares are of all cases, before the "not yet happened" cut):
 * - type: refund 55 %, return 25 %, exchange 10 %, complaint 10 %; claimed reason quality 60 %.
 * - response window (not complaints): answered in time 80 % (first PROPOSE 1 min–48 h after the request,
 *   log-uniform), late 5 % (48 h–7 days), missed 7 % (the 48 h timer, amount = requested amount, 0 for an
 *   exchange), never settled 8 % (withdrawn before 48 h, or taken to the platform: an intervention).
 * - first response (CONTACT_BUYER / APOLOGISE / PROPOSE, 60 s–48 h): every case that answered, 30 % of the
 *   missed, 20 % of the unsettled, 60 % of the complaints (≈ 86 % overall); by the assignee 90 % of the time.
 * - archived ≈ 78 % (1 h–20 days after the last of those steps), outcome by type and response, attributed to
 *   the assignee; refund executed for refunded / partially refunded / auto-approved (≈ 43 %), labelled by the
 *   final reason category; ~3 % recoded quality → non-quality (a tenth of them restored an hour later).
 * - ratings on 40 % of the archived cases (reported 0–3 days after), 88 % satisfied, 7 % neutral.
 * - open cases keep the 48 h merchant-response deadline while it runs; after it, a later deadline from
 *   one day past to seven days ahead (about an eighth overdue); complaints have none.
 * - paid orders: every shop calendar day from 367 days before `now` to today, ~30 per opened case.
 */
export interface MetricsHistory {
  facts: Record<string, number>;
  ratings: number;
  paidOrderDays: number;
  archivedCases: number;
  openCases: number;
  openAssigned: number;
  openOverdue: number;
  stepMs: Record<string, number>;
}

const DAY = 86_400;
const RESPONSE_WINDOW = 48 * 3600;

/** The k-th uniform draw of the case `c`. */
const u = (k: number) => `((hashtext(c.id::text || '#${k}')::float8 + 2147483648) / 4294967296)`;
const logUniform = (draw: string, min: number, max: number) => `floor(${min} * exp(${draw} * ln(${max / min})))::int`;

export async function seedMetricsHistory(url: string, now: Date, options: { deactivate?: { shopId: string; agents: number } } = {}): Promise<MetricsHistory> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const stepMs: Record<string, number> = {};
  const step = async (name: string, sql: string, values: unknown[] = []) => {
    const t = performance.now();
    const result = await client.query(sql, values);
    stepMs[name] = (stepMs[name] ?? 0) + (performance.now() - t);
    return result;
  };
  try {
    await step('plan', `SET work_mem = '256MB'`);
    await step('plan', `DROP TABLE IF EXISTS bench_metric_plan`);
    // One row per case: every draw and every derived time (seconds after the request), before the cut at now.
    await step(
      'plan',
      `CREATE UNLOGGED TABLE bench_metric_plan AS
       WITH d AS (
         SELECT c.id, c.shop_id, c.requested_at AS t0, c.requested_amount AS amount, c.currency, c.assignee_id, c.due_at, c.due_timer,
                c.claimed_reason_code, sa.agents,
                floor(extract(epoch FROM $1::timestamptz - c.requested_at))::int AS age,
                ${Array.from({ length: 24 }, (_, i) => `${u(i + 1)} AS u${i + 1}`).join(', ')}
         FROM cases c
         LEFT JOIN (SELECT shop_id, array_agg(id ORDER BY id) AS agents FROM agents WHERE role = 'agent' GROUP BY shop_id) sa ON sa.shop_id = c.shop_id
       ), k AS (
         SELECT d.*,
           CASE WHEN u1 < 0.55 THEN 'refund' WHEN u1 < 0.80 THEN 'return' WHEN u1 < 0.90 THEN 'exchange' ELSE 'complaint' END AS type,
           u2 < 0.6 AS quality
         FROM d
       ), r AS (
         SELECT k.*,
           CASE WHEN type = 'complaint' THEN NULL WHEN u3 < 0.80 THEN 'in_time' WHEN u3 < 0.85 THEN 'late' WHEN u3 < 0.92 THEN 'missed' END AS response,
           type <> 'complaint' AND u3 >= 0.92 AND u10 >= 0.7 AS platform
         FROM k
       ), s AS (
         SELECT r.*,
           CASE response WHEN 'in_time' THEN ${logUniform('u4', 60, RESPONSE_WINDOW)}
                         WHEN 'late' THEN ${RESPONSE_WINDOW + 1} + floor(u4 * ${5 * DAY})::int
                         WHEN 'missed' THEN ${RESPONSE_WINDOW} END AS rs,
           CASE WHEN response IN ('in_time', 'late') THEN true WHEN response = 'missed' THEN u5 < 0.3
                WHEN type = 'complaint' THEN u5 < 0.6 ELSE u5 < 0.2 END AS has_fr
         FROM r
       ), f AS (
         SELECT s.*,
           CASE WHEN NOT has_fr THEN NULL
                WHEN response = 'in_time' AND u6 < 0.6 THEN rs
                WHEN response = 'in_time' THEN 60 + floor(u7 * (rs - 60))::int
                ELSE ${logUniform('u7', 60, RESPONSE_WINDOW)} END AS fr,
           CASE WHEN assignee_id IS NOT NULL AND u8 < 0.9 THEN assignee_id ELSE agents[1 + floor(u9 * cardinality(agents))::int] END AS fr_agent,
           CASE
             WHEN response = 'missed' THEN CASE WHEN type = 'exchange' THEN 'exchanged' ELSE 'auto_approved' END
             WHEN response IS NULL AND type <> 'complaint' THEN CASE WHEN NOT platform THEN 'withdrawn' WHEN type = 'exchange' THEN 'exchanged' ELSE 'refunded' END
             WHEN type = 'refund' THEN CASE WHEN u10 < 0.6 THEN 'refunded' WHEN u10 < 0.75 THEN 'partially_refunded' WHEN u10 < 0.9 THEN 'rejected' ELSE 'withdrawn' END
             WHEN type = 'return' THEN CASE WHEN u10 < 0.55 THEN 'refunded' WHEN u10 < 0.65 THEN 'partially_refunded' WHEN u10 < 0.75 THEN 'rejected'
                                            WHEN u10 < 0.9 THEN 'closed_no_return' ELSE 'withdrawn' END
             WHEN type = 'exchange' THEN CASE WHEN u10 < 0.75 THEN 'exchanged' WHEN u10 < 0.85 THEN 'rejected' ELSE 'withdrawn' END
             ELSE CASE WHEN u10 < 0.85 THEN 'resolved' ELSE 'withdrawn' END
           END AS outcome
         FROM s
       ), i AS (
         SELECT f.*,
           CASE WHEN platform THEN coalesce(fr, 0) + floor(u13 * (${RESPONSE_WINDOW} - coalesce(fr, 0)))::int END AS iv
         FROM f
       ), a AS (
         SELECT i.*,
           CASE WHEN response IS NULL AND type <> 'complaint' AND NOT platform
                  THEN coalesce(fr, 0) + 1 + floor(u12 * (${RESPONSE_WINDOW} - coalesce(fr, 0)))::int
                WHEN u11 < 0.80
                  THEN greatest(coalesce(rs, 0), coalesce(fr, 0), coalesce(iv, 0)) + ${logUniform('u12', 3600, 20 * DAY)} END AS planned_res
         FROM i
       ), x AS (
         SELECT a.*,
           CASE WHEN planned_res <= age THEN planned_res END AS res,
           CASE WHEN quality AND u15 < 0.05 THEN coalesce(fr, 600) + floor(u16 * ${DAY})::int END AS recode
         FROM a
       ), y AS (
         SELECT x.*,
           CASE WHEN recode IS NOT NULL AND u17 < 0.1 THEN recode + 1 + floor(u18 * 3600)::int END AS restore
         FROM x
       ), z AS (
         SELECT y.*,
           recode IS NOT NULL AND recode <= age AND (res IS NULL OR recode < res) AS recoded,
           restore IS NOT NULL AND restore <= age AND (res IS NULL OR restore < res) AS restored
         FROM y
       )
       SELECT z.id, z.shop_id, z.t0, z.age, z.amount, z.currency, z.assignee_id, z.due_at, z.due_timer, z.claimed_reason_code, z.type, z.quality,
              z.response, z.rs, z.fr, z.fr_agent, z.iv, z.outcome, z.res, z.recode, z.restore, z.recoded, z.restored,
              CASE WHEN z.res IS NOT NULL AND z.outcome IN ('refunded', 'partially_refunded', 'auto_approved')
                   THEN greatest(coalesce(z.rs, 0), coalesce(z.fr, 0), coalesce(z.iv, 0))
                        + floor(z.u14 * (z.res - greatest(coalesce(z.rs, 0), coalesce(z.fr, 0), coalesce(z.iv, 0))))::int END AS refund_s,
              CASE WHEN z.outcome = 'partially_refunded' THEN floor(z.amount * (0.3 + 0.5 * z.u19))::bigint ELSE z.amount END AS refund_amount,
              CASE WHEN z.quality AND NOT (z.recoded AND NOT z.restored) THEN 'quality' ELSE 'non_quality' END AS refund_label,
              CASE WHEN z.res IS NOT NULL AND z.u20 < 0.40 AND z.res + floor(z.u21 * ${3 * DAY})::int <= z.age
                   THEN z.res + floor(z.u21 * ${3 * DAY})::int END AS rated_s,
              floor(z.u22 * 3600)::int AS rated_before,
              CASE WHEN z.u23 < 0.88 THEN 'satisfied' WHEN z.u23 < 0.95 THEN 'neutral' ELSE 'dissatisfied' END AS rating,
              z.u24 AS u_due
       FROM z`,
      [now],
    );
    await step('plan', `CREATE INDEX ON bench_metric_plan (id)`);
    await step('plan', `ANALYZE bench_metric_plan`);

    const at = (seconds: string) => `p.t0 + ${seconds} * interval '1 second'`;
    await step(
      'metric_facts',
      `INSERT INTO metric_facts (shop_id, case_id, seq, kind, at, case_type, agent_id, label, seconds, currency, amount)
       SELECT p.shop_id, p.id, 1, 'opened', p.t0, p.type, NULL::uuid, NULL, NULL::int, p.currency, NULL::bigint FROM bench_metric_plan p
       UNION ALL
       SELECT p.shop_id, p.id, 3, 'first_response', ${at('p.fr')}, p.type, p.fr_agent, NULL, p.fr, p.currency, NULL
       FROM bench_metric_plan p WHERE p.fr <= p.age
       UNION ALL
       SELECT p.shop_id, p.id, CASE WHEN p.response = 'in_time' AND p.rs = p.fr THEN 3 ELSE 4 END, 'response', ${at('p.rs')}, p.type,
              CASE WHEN p.response = 'missed' THEN NULL WHEN p.rs = p.fr THEN p.fr_agent ELSE coalesce(p.assignee_id, p.fr_agent) END,
              p.response, NULL, p.currency,
              CASE WHEN p.response = 'missed' THEN CASE WHEN p.type = 'exchange' THEN 0 ELSE p.amount END END
       FROM bench_metric_plan p WHERE p.rs <= p.age
       UNION ALL
       SELECT p.shop_id, p.id, 5, 'intervened', ${at('p.iv')}, p.type, NULL, NULL, NULL, p.currency, NULL
       FROM bench_metric_plan p WHERE p.iv <= p.age
       UNION ALL
       SELECT p.shop_id, p.id, 6, 'recoded', ${at('p.recode')}, p.type, coalesce(p.assignee_id, p.fr_agent), 'recoded', NULL, p.currency, NULL
       FROM bench_metric_plan p WHERE p.recoded
       UNION ALL
       SELECT p.shop_id, p.id, 7, 'recoded', ${at('p.restore')}, p.type, coalesce(p.assignee_id, p.fr_agent), 'restored', NULL, p.currency, NULL
       FROM bench_metric_plan p WHERE p.restored
       UNION ALL
       SELECT p.shop_id, p.id, 8, 'refunded', ${at('p.refund_s')}, p.type, p.assignee_id, p.refund_label, NULL, p.currency, p.refund_amount
       FROM bench_metric_plan p WHERE p.refund_s IS NOT NULL
       UNION ALL
       SELECT p.shop_id, p.id, 9, 'archived', ${at('p.res')}, p.type, p.assignee_id, p.outcome, p.res, p.currency, NULL
       FROM bench_metric_plan p WHERE p.res IS NOT NULL`,
    );

    await step(
      'case_ratings',
      `INSERT INTO case_ratings (case_id, shop_id, agent_id, rating, comment, rated_at, reported_at)
       SELECT p.id, p.shop_id, p.assignee_id, p.rating, CASE WHEN p.rating = 'dissatisfied' THEN '物流太慢' END,
              ${at('(p.rated_s - p.rated_before)')}, ${at('p.rated_s')}
       FROM bench_metric_plan p WHERE p.rated_s IS NOT NULL`,
    );

    // The case rows as the engine leaves them. Open cases past the 48 h window (or answered) wait on a
    // later deadline (return receipt and the like); complaints have no merchant deadline.
    await step(
      'cases',
      `UPDATE cases c SET
         type = p.type,
         claimed_reason_code = CASE WHEN p.quality THEN 'quality_problem' ELSE 'no_reason_7_days' END,
         claimed_reason_category = CASE WHEN p.quality THEN 'quality' ELSE 'non_quality' END,
         verified_reason_code = CASE WHEN p.restored THEN 'quality_problem' WHEN p.recoded THEN 'ordered_wrong' END,
         verified_reason_category = CASE WHEN p.restored THEN 'quality' WHEN p.recoded THEN 'non_quality' END,
         reason_recoded = p.recoded AND NOT p.restored,
         state = CASE WHEN p.res IS NOT NULL THEN 'archived' ELSE c.state END,
         archived_at = CASE WHEN p.res IS NOT NULL THEN ${at('p.res')} END,
         outcome = CASE WHEN p.res IS NOT NULL THEN p.outcome END,
         refunded_amount = CASE WHEN p.refund_s IS NOT NULL THEN p.refund_amount ELSE 0 END,
         updated_at = greatest(c.updated_at, ${at(`least(p.age, greatest(coalesce(p.res, 0), coalesce(p.rs, 0) * (p.rs <= p.age)::int, coalesce(p.fr, 0) * (p.fr <= p.age)::int))`)}),
         due_at = CASE WHEN p.res IS NOT NULL OR p.type = 'complaint' THEN 'infinity'
                       WHEN p.age < ${RESPONSE_WINDOW} AND (p.rs IS NULL OR p.rs > p.age) THEN c.due_at
                       ELSE $1::timestamptz + (p.u_due * 8 - 1) * interval '1 day' END,
         due_timer = CASE WHEN p.res IS NOT NULL OR p.type = 'complaint' THEN NULL
                          WHEN p.age < ${RESPONSE_WINDOW} AND (p.rs IS NULL OR p.rs > p.age) THEN c.due_timer
                          ELSE 'merchant-receipt' END
       FROM bench_metric_plan p WHERE p.id = c.id`,
      [now],
    );
    await step('cases', `DELETE FROM case_timers t USING cases c WHERE c.id = t.case_id AND (c.due_timer IS DISTINCT FROM t.timer_id)`);
    await step(
      'cases',
      `INSERT INTO case_timers (case_id, timer_id, shop_id, event, due_at)
       SELECT c.id, c.due_timer, c.shop_id, '{"type":"MERCHANT_RECEIPT_EXPIRED"}'::jsonb, c.due_at FROM cases c
       WHERE c.due_timer = 'merchant-receipt' AND c.archived_at IS NULL`,
    );
    await recountAgentOpenCases({ query: (sql) => step('cases', sql) });
    if (options.deactivate) {
      // A couple of agents who left: listed only where they have figures in the period.
      await step(
        'cases',
        `UPDATE agents SET active = false WHERE id IN (SELECT id FROM agents WHERE shop_id = $1 AND role = 'agent' ORDER BY display_name DESC LIMIT $2)`,
        [options.deactivate.shopId, options.deactivate.agents],
      );
    }

    // ~30 paid orders per opened case on each shop day, every day from 367 days back to today.
    await step(
      'paid_order_days',
      `INSERT INTO paid_order_days (shop_id, day, paid_orders, reported_at)
       SELECT s.id, d.day::date,
              coalesce(o.n, 0) * 30 + (hashtext(s.id::text || d.day::date::text)::bigint & 1023),
              least($1::timestamptz, (d.day::date + 1)::timestamp AT TIME ZONE s.timezone)
       FROM shops s
       CROSS JOIN LATERAL generate_series((($1::timestamptz - interval '367 days') AT TIME ZONE s.timezone)::date,
                                          ($1::timestamptz AT TIME ZONE s.timezone)::date, interval '1 day') AS d(day)
       LEFT JOIN (SELECT shop_id, (opened_at AT TIME ZONE sh.timezone)::date AS day, count(*)::int AS n
                  FROM cases JOIN shops sh ON sh.id = cases.shop_id GROUP BY 1, 2) o ON o.shop_id = s.id AND o.day = d.day::date`,
      [now],
    );
    await step('plan', `DROP TABLE bench_metric_plan`);

    const { rows: kinds } = await client.query(`SELECT kind, count(*)::int AS n FROM metric_facts GROUP BY kind ORDER BY kind`);
    const { rows: totals } = await client.query(`
      SELECT (SELECT count(*)::int FROM case_ratings) AS ratings,
             (SELECT count(*)::int FROM paid_order_days) AS paid_days,
             (SELECT count(*)::int FROM cases WHERE archived_at IS NOT NULL) AS archived,
             (SELECT count(*)::int FROM cases WHERE archived_at IS NULL) AS open,
             (SELECT count(*)::int FROM cases WHERE archived_at IS NULL AND assignee_id IS NOT NULL) AS open_assigned,
             (SELECT count(*)::int FROM cases WHERE archived_at IS NULL AND due_at < now()) AS open_overdue`);
    return {
      facts: Object.fromEntries(kinds.map((r: { kind: string; n: number }) => [r.kind, r.n])),
      ratings: totals[0].ratings,
      paidOrderDays: totals[0].paid_days,
      archivedCases: totals[0].archived,
      openCases: totals[0].open,
      openAssigned: totals[0].open_assigned,
      openOverdue: totals[0].open_overdue,
      stepMs,
    };
  } finally {
    await client.end();
  }
}
