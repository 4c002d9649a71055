import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { encodeQueueCursor } from '../src/queue/queue-cursor.js';
import { CLAIM_NEXT_SQL } from '../src/queue/queue.repository.js';
import { startBenchServer, vacuumAnalyze, type BenchServer } from './support/bench-db.js';
import { replay, type RecordedSession } from './support/pg-recorder.js';
import { seedOpenCases, type SeedOptions, type SeededAgent } from './support/seed.js';
import { HttpClient, percentile } from './support/bench-http.js';
import { scansOf, type PlanNode } from './support/plans.js';
import { startService, stopRecording, waitUntilReady } from './support/service.js';

/**
 * Agent queue benchmark, against the service running as it is deployed (its own process, external
 * database, pool of 10), in two parts:
 *
 * 1. Claims: AGENTS agents, each with its own session, loop `POST /v1/queue/claim` at the same time
 *    (one request in flight per agent) until CLAIMS claims were sent or the queue answers 204, on OPEN
 *    open unassigned cases with spread deadlines and amounts. Afterwards SQL checks that no case got two
 *    ASSIGNEE_CHANGED events, that every assigned case has exactly one (seq 2, chained on the opening
 *    event, naming the agent whose request got the case), that assigned cases = 200 responses, and that
 *    the claimed cases are exactly the first ones in queue order (none skipped for good).
 *    Floor: the SQL the service sent in a second, untimed run, replayed by raw node-postgres on as many
 *    connections as the service used, on a third copy; each `SKIP LOCKED` claim is pinned to the case
 *    it claimed when recorded (see pinClaims).
 *
 * 2. Listing: `GET /v1/queue` (default page of 50) by one agent who has cases of their own (a tenth of
 *    the shop's cases; another tenth belong to teammates), so both branches of the page's union are
 *    read, at LIST_CONCURRENCY concurrent clients for LIST_REQUESTS requests, on a database of each size.
 *    Each client walks PAGES_PER_WALK pages by nextCursor, every other walk from the first page and the
 *    others from a position 25 / 50 / 75 / 99 % deep into the agent's queue (a cursor as a previous page
 *    would have returned it). Every page is checked (order, continuity, only the agent's own and
 *    unassigned cases). The service's p99 at the largest size over its p99 at the smallest is the figure
 *    the issue sets a target for (≤ 2). Floor: the recorded SQL replayed by raw pg at the same
 *    concurrency on the same database (the listing writes nothing); EXPLAIN (ANALYZE, BUFFERS) of the
 *    recorded listing statement shows what one page reads.
 *
 *   npm run bench:queue [-- <open cases> <claims> <agents>]     (defaults: 100000 cases, 20000 claims, 50 agents)
 *   BENCH_QUEUE_SIZES=10000,1000000   BENCH_QUEUE_REQUESTS=4000   BENCH_QUEUE_CONCURRENCY=8   BENCH_QUEUE_PARTS=claim,list
 */
const OPEN = Number(process.argv[2] ?? 100_000);
const CLAIMS = Number(process.argv[3] ?? 20_000);
const AGENTS = Number(process.argv[4] ?? 50);
const SIZES = (process.env.BENCH_QUEUE_SIZES ?? '10000,1000000').split(',').map((s) => Number(s.replace(/_/g, '')));
const LIST_REQUESTS = Number(process.env.BENCH_QUEUE_REQUESTS ?? 4000);
const LIST_CONCURRENCY = Number(process.env.BENCH_QUEUE_CONCURRENCY ?? 8);
const PARTS = (process.env.BENCH_QUEUE_PARTS ?? 'claim,list').split(',');
const PAGES_PER_WALK = 5;
const DEEP_STARTS = [0.25, 0.5, 0.75, 0.99];
const TARGET_P99_RATIO = 2;
const HOUR = 3_600_000;

/**
 * Requests over the last 47 hours in whole minutes (merchant deadlines 1–48 h away, many cases per
 * minute, so the amount and then the id decide), 200 amounts from 10.00 to 2,000.00.
 */
const spread = (): SeedOptions => ({ requestedAtSpreadMs: 47 * HOUR, amounts: { min: 1_000, max: 200_000, step: 1_000 } });

interface ClaimRun {
  sent: number;
  claimed: Array<{ caseId: string; agentId: string }>;
  empty: number;
  errors: number;
  firstError?: string;
  ms: number;
  latencies: number[];
  /** ms since the start at which each claim's response arrived, in arrival order. */
  claimedAt: number[];
  perAgent: number[];
}

interface ListRun {
  requests: number;
  ms: number;
  latencies: number[];
  firstPage: number[];
  deeper: number[];
  items: number;
  mine: number;
}

async function main(): Promise<void> {
  const server = await startBenchServer();
  const report: Record<string, unknown> = { benchmark: 'queue' };
  const lines: string[] = [];
  let failed = false;
  try {
    if (PARTS.includes('claim')) {
      const claims = await claimPart(server);
      lines.push(...claims.lines);
      report.claims = claims.json;
      failed ||= claims.failed;
    }
    if (PARTS.includes('list')) {
      const listing = await listPart(server);
      lines.push(...listing.lines);
      report.listing = listing.json;
      failed ||= listing.failed;
    }
    console.log('');
    for (const line of lines) console.log(line);
    console.log(JSON.stringify(report));
    if (failed) process.exitCode = 1;
  } finally {
    await server.stop();
  }
}

// ---------------------------------------------------------------------------------------------------
// Part 1: concurrent claims

async function claimPart(server: BenchServer) {
  const seedDb = 'bench_queue_claim_seed';
  const runs = ['bench_queue_claim_run', 'bench_queue_claim_rec', 'bench_queue_claim_floor'];
  try {
    const started = performance.now();
    await server.createMigrated(seedDb);
    const seeded = await seedOpenCases(server.urlFor(seedDb), OPEN, new Date(), { ...spread(), agents: AGENTS });
    await vacuumAnalyze(server.urlFor(seedDb));
    console.log(`seeded ${fmt(OPEN)} open cases and ${AGENTS} online agents in ${seconds(performance.now() - started)} s`);

    const measured = await server.copy(seedDb, runs[0]);
    const run = await claimLoad(measured, seeded.agents, CLAIMS);
    await verifyClaims(measured, run.claimed.length, run.claimed);
    const claimPlan = await explainClaim(measured, seeded.shopId);
    console.log(`measured run: ${fmt(run.claimed.length)} claims in ${seconds(run.ms)} s`);

    const recordFile = join(tmpdir(), `bench-queue-claims-${randomBytes(4).toString('hex')}.json`);
    const recordedUrl = await server.copy(seedDb, runs[1]);
    const recorded = await claimLoad(recordedUrl, seeded.agents, CLAIMS, recordFile);
    await verifyClaims(recordedUrl, recorded.claimed.length, recorded.claimed);
    const sessions = readRecording(recordFile);
    const pinned = pinClaims(sessions);
    if (pinned.claimed !== recorded.claimed.length) throw new Error(`recording: ${pinned.claimed} claims pinned, ${recorded.claimed.length} made`);

    const floorUrl = await server.copy(seedDb, runs[2]);
    const floorMs = await replay(floorUrl, sessions);
    await verifyClaims(floorUrl, recorded.claimed.length);

    const rate = (run.claimed.length / run.ms) * 1000;
    const floorRate = (recorded.claimed.length / floorMs) * 1000;
    const quarter = Math.floor(run.claimed.length / 4);
    const firstQuarter = quarter > 0 ? (quarter / run.claimedAt[quarter - 1]) * 1000 : NaN;
    const lastQuarter = quarter > 0 ? (quarter / (run.ms - run.claimedAt[run.claimed.length - quarter - 1])) * 1000 : NaN;
    const p50 = percentile(run.latencies, 0.5);
    const p99 = percentile(run.latencies, 0.99);
    const lines = [
      `claims: ${fmt(run.claimed.length)} of ${fmt(OPEN)} open cases by ${AGENTS} agents at once: ${fmt(rate)} claims/s ` +
        `(first quarter ${fmt(firstQuarter)}/s, last ${fmt(lastQuarter)}/s), p50 ${ms(p50)} ms, p99 ${ms(p99)} ms, 204 ${run.empty}, errors ${run.errors}; ` +
        `per agent ${Math.min(...run.perAgent)}–${Math.max(...run.perAgent)}; every claimed case has exactly one ASSIGNEE_CHANGED, none skipped` +
        `  | same SQL replayed by raw pg (${sessions.length} connections): ${fmt(floorRate)}/s  | ratio ${(rate / floorRate).toFixed(2)}`,
      `  the claim statement after ${fmt(run.claimed.length)} claims: ${claimPlan}`,
    ];
    if (run.firstError) lines.push(`  first error: ${run.firstError}`);
    return {
      lines,
      failed: run.errors > 0,
      json: {
        openCases: OPEN,
        agents: AGENTS,
        requests: run.sent,
        claimed: run.claimed.length,
        empty204: run.empty,
        errors: run.errors,
        seconds: +(run.ms / 1000).toFixed(2),
        claimsPerSecond: Math.round(rate),
        firstQuarterPerSecond: Math.round(firstQuarter),
        lastQuarterPerSecond: Math.round(lastQuarter),
        p50Ms: +p50.toFixed(1),
        p99Ms: +p99.toFixed(1),
        perAgentMin: Math.min(...run.perAgent),
        perAgentMax: Math.max(...run.perAgent),
        floorConnections: sessions.length,
        floorPerSecond: Math.round(floorRate),
        ratio: +(rate / floorRate).toFixed(2),
      },
    };
  } finally {
    for (const name of [...runs, seedDb]) await server.drop(name).catch(() => undefined);
  }
}

/** Starts the service, lets every agent claim in a loop until `target` claims were sent or a 204, stops it. */
async function claimLoad(url: string, agents: SeededAgent[], target: number, recordFile?: string): Promise<ClaimRun> {
  const port = 30_000 + Math.floor(Math.random() * 20_000);
  const service = startService(url, port, recordFile);
  const client = new HttpClient(port, agents.length);
  try {
    await waitUntilReady(port);
    const run: ClaimRun = { sent: 0, claimed: [], empty: 0, errors: 0, ms: 0, latencies: [], claimedAt: [], perAgent: agents.map(() => 0) };
    const started = performance.now();
    await Promise.all(
      agents.map(async (agent, a) => {
        while (run.sent < target) {
          run.sent++;
          const t = performance.now();
          const res = await client.send('POST', '/v1/queue/claim', agent.token);
          const now = performance.now();
          run.latencies.push(now - t);
          if (res.status === 200) {
            run.claimed.push({ caseId: (JSON.parse(res.body) as { id: string }).id, agentId: agent.id });
            run.claimedAt.push(now - started);
            run.perAgent[a]++;
          } else if (res.status === 204) {
            run.empty++;
            return;
          } else {
            run.errors++;
            run.firstError ??= `HTTP ${res.status} ${res.body.slice(0, 300)}`;
          }
        }
      }),
    );
    run.ms = performance.now() - started;
    if (recordFile) await stopRecording(service, recordFile);
    return run;
  } finally {
    client.close();
    service.kill('SIGTERM');
    await new Promise((resolve) => service.once('exit', resolve));
  }
}

/**
 * A `SKIP LOCKED` claim replayed as written would take whatever is free at replay time while the
 * statements after it act on the case claimed when recording. The claim's transaction goes on with
 * loading that case (`… FOR UPDATE OF c`, its id first) on the same connection, so each claim is pinned
 * to it: the same statement with `AND c.id = $2` (NULL when nothing was claimed: it then finds nothing).
 */
function pinClaims(sessions: RecordedSession[]): { claimed: number; empty: number } {
  const pinnedSql = CLAIM_NEXT_SQL.replace('c.assignee_id IS NULL', 'c.assignee_id IS NULL AND c.id = $2');
  if (pinnedSql === CLAIM_NEXT_SQL) throw new Error('the claim statement changed: adapt pinClaims');
  let claimed = 0;
  let empty = 0;
  for (const session of sessions) {
    session.statements.forEach((statement, i) => {
      if (statement.text !== CLAIM_NEXT_SQL) return;
      const next = session.statements[i + 1];
      const caseId = next && /FOR UPDATE OF c\b/.test(next.text) ? next.values?.[0] : null;
      if (caseId) claimed++;
      else empty++;
      session.statements[i] = { text: pinnedSql, values: [...(statement.values ?? []), caseId] };
    });
  }
  return { claimed, empty };
}

async function verifyClaims(url: string, expected: number, claimed?: Array<{ caseId: string; agentId: string }>): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(`
      SELECT
        (SELECT count(*)::int FROM cases WHERE assignee_id IS NOT NULL) AS assigned,
        (SELECT count(*)::int FROM case_events WHERE type = 'ASSIGNEE_CHANGED') AS events,
        (SELECT count(*)::int FROM (SELECT case_id FROM case_events WHERE type = 'ASSIGNEE_CHANGED' GROUP BY case_id HAVING count(*) > 1) d) AS twice,
        (SELECT count(*)::int FROM cases c WHERE c.assignee_id IS NOT NULL
           AND (SELECT count(*) FROM case_events e WHERE e.case_id = c.id AND e.type = 'ASSIGNEE_CHANGED') <> 1) AS not_once,
        (SELECT count(*)::int FROM cases c
           JOIN case_events e ON e.case_id = c.id AND e.seq = 2
           JOIN case_events o ON o.case_id = c.id AND o.seq = 1
         WHERE c.assignee_id IS NOT NULL
           AND (c.event_seq <> 2 OR c.version <> 2 OR e.type <> 'ASSIGNEE_CHANGED' OR e.hash <> c.chain_head OR e.prev_hash <> o.hash
                OR e.payload ->> 'to' <> c.assignee_id::text OR e.actor_id <> c.assignee_id::text)) AS bad_event,
        (SELECT count(*)::int FROM cases u WHERE u.assignee_id IS NULL AND u.archived_at IS NULL
           AND (u.due_at, -u.requested_amount, u.id) <
               (SELECT c.due_at, -c.requested_amount, c.id FROM cases c WHERE c.assignee_id IS NOT NULL ORDER BY c.due_at DESC, -c.requested_amount DESC, c.id DESC LIMIT 1)) AS skipped`);
    const r = rows[0];
    const problems: string[] = [];
    if (r.assigned !== expected) problems.push(`${r.assigned} assigned cases, ${expected} claims answered 200`);
    if (r.events !== expected) problems.push(`${r.events} ASSIGNEE_CHANGED events, expected ${expected}`);
    if (r.twice > 0) problems.push(`${r.twice} cases with two or more ASSIGNEE_CHANGED events`);
    if (r.not_once > 0) problems.push(`${r.not_once} assigned cases without exactly one ASSIGNEE_CHANGED`);
    if (r.bad_event > 0) problems.push(`${r.bad_event} assigned cases whose ASSIGNEE_CHANGED is not seq 2 chained on the opening or names another agent`);
    if (r.skipped > 0) problems.push(`${r.skipped} unassigned cases come before the last claimed one in queue order`);
    if (claimed) {
      const distinct = new Set(claimed.map((c) => c.caseId)).size;
      if (distinct !== claimed.length) problems.push(`${claimed.length - distinct} cases were returned to two claims`);
      const { rows: mismatch } = await client.query(
        `SELECT count(*)::int AS n FROM unnest($1::uuid[], $2::uuid[]) AS r(case_id, agent_id) LEFT JOIN cases c ON c.id = r.case_id
         WHERE c.assignee_id IS DISTINCT FROM r.agent_id`,
        [claimed.map((c) => c.caseId), claimed.map((c) => c.agentId)],
      );
      if (mismatch[0].n > 0) problems.push(`${mismatch[0].n} claimed cases are not assigned to the agent whose claim returned them`);
    }
    if (problems.length > 0) throw new Error(`claims verification failed: ${problems.join('; ')}`);
  } finally {
    await client.end();
  }
}

/** What the next claim reads once the first claims are done (EXPLAIN ANALYZE locks: rolled back). */
async function explainClaim(url: string, shopId: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${CLAIM_NEXT_SQL}`, [shopId]);
    await client.query('ROLLBACK');
    return planSummary(rows[0]['QUERY PLAN'][0]);
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------------
// Part 2: listing at two sizes

async function listPart(server: BenchServer) {
  const results: Array<Record<string, unknown> & { openCases: number; p99: number }> = [];
  const lines: string[] = [];
  let failed = false;
  for (const size of SIZES) {
    const db = `bench_queue_list_${size}`;
    try {
      const started = performance.now();
      const url = await server.createMigrated(db);
      // A tenth of the cases are the listing agent's (agents[0]), a tenth the nine teammates'.
      const seeded = await seedOpenCases(url, size, new Date(), {
        ...spread(),
        agents: 10,
        assigneeOf: (k) => (k % 10 === 3 ? 0 : k % 10 === 7 ? 1 + (k % 9) : undefined),
        seed: size,
      });
      await vacuumAnalyze(url);
      console.log(`seeded ${fmt(size)} open cases in ${seconds(performance.now() - started)} s`);
      const me = seeded.agents[0];
      const starts = await deepStarts(url, seeded.shopId, me.id);

      const run = await listLoad(url, me, starts);
      const recordFile = join(tmpdir(), `bench-queue-list-${randomBytes(4).toString('hex')}.json`);
      await listLoad(url, me, starts, recordFile);
      const sessions = readRecording(recordFile);
      const pageSql = sessions.flatMap((s) => s.statements).filter((s) => isPageSql(s.text));
      if (pageSql.length !== LIST_REQUESTS) throw new Error(`recording: ${pageSql.length} listing statements, expected ${LIST_REQUESTS}`);

      const floorPage: number[] = [];
      const floorMs = await replay(url, sessions, (text, t) => {
        if (isPageSql(text)) floorPage.push(t);
      });
      const explained = await explainPages(url, pageSql);

      const rate = (run.requests / run.ms) * 1000;
      const floorRate = (LIST_REQUESTS / floorMs) * 1000;
      const p50 = percentile(run.latencies, 0.5);
      const p99 = percentile(run.latencies, 0.99);
      lines.push(
        `listing at ${fmt(size)} open cases: ${fmt(run.requests)} GET /v1/queue at ${LIST_CONCURRENCY} concurrent (walks of ${PAGES_PER_WALK} pages by nextCursor, ` +
          `from the first page or 25–99 % deep): ${fmt(rate)} requests/s, p50 ${ms(p50)} ms, p99 ${ms(p99)} ms ` +
          `(first pages p99 ${ms(percentile(run.firstPage, 0.99))}, deeper ${ms(percentile(run.deeper, 0.99))}); ${((run.mine / run.items) * 100).toFixed(0)} % of items the agent's own` +
          `  | same SQL replayed by raw pg (${sessions.length} connections): ${fmt(floorRate)}/s, listing statement p50 ${ms(percentile(floorPage, 0.5))} ms, p99 ${ms(percentile(floorPage, 0.99))} ms` +
          `  | ratio ${(rate / floorRate).toFixed(2)}`,
        ...explained.map((e) => `  EXPLAIN (ANALYZE, BUFFERS) ${e.label} at ${fmt(size)}: ${e.summary}`),
      );
      results.push({
        openCases: size,
        requests: run.requests,
        requestsPerSecond: Math.round(rate),
        p50Ms: +p50.toFixed(1),
        p99Ms: +p99.toFixed(1),
        p99: p99,
        firstPageP99Ms: +percentile(run.firstPage, 0.99).toFixed(1),
        deeperP99Ms: +percentile(run.deeper, 0.99).toFixed(1),
        ownItemsShare: +(run.mine / run.items).toFixed(3),
        floorConnections: sessions.length,
        floorPerSecond: Math.round(floorRate),
        floorStatementP50Ms: +percentile(floorPage, 0.5).toFixed(2),
        floorStatementP99Ms: +percentile(floorPage, 0.99).toFixed(2),
        ratio: +(rate / floorRate).toFixed(2),
        explain: Object.fromEntries(explained.map((e) => [e.key, e.json])),
      });
    } finally {
      await server.drop(db).catch(() => undefined);
    }
  }
  const json: Record<string, unknown> = { concurrency: LIST_CONCURRENCY, pagesPerWalk: PAGES_PER_WALK, results: results.map(({ p99: _p99, ...r }) => r) };
  if (results.length > 1) {
    const small = results.reduce((a, b) => (b.openCases < a.openCases ? b : a));
    const large = results.reduce((a, b) => (b.openCases > a.openCases ? b : a));
    const ratio = large.p99 / small.p99;
    const met = ratio <= TARGET_P99_RATIO;
    failed ||= !met;
    lines.push(
      `listing p99 at ${fmt(large.openCases)} vs ${fmt(small.openCases)} open cases: ${ms(large.p99)} / ${ms(small.p99)} ms = ${ratio.toFixed(2)} ` +
        `(target ≤ ${TARGET_P99_RATIO}: ${met ? 'met' : 'NOT met'})`,
    );
    Object.assign(json, { p99Ratio: +ratio.toFixed(2), target: TARGET_P99_RATIO, targetMet: met });
  }
  return { lines, json, failed };
}

interface Key {
  due: string;
  amount: number;
  id: string;
}

/** Cursors 25 / 50 / 75 / 99 % deep into the agent's queue (their cases and the unassigned ones). */
async function deepStarts(url: string, shopId: string, agentId: string): Promise<Array<{ cursor: string; key: Key }>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: counted } = await client.query(
      `SELECT count(*)::int AS n FROM cases c WHERE c.shop_id = $1 AND c.archived_at IS NULL AND (c.assignee_id IS NULL OR c.assignee_id = $2)`,
      [shopId, agentId],
    );
    const positions = DEEP_STARTS.map((f) => Math.max(1, Math.floor(counted[0].n * f)));
    const { rows } = await client.query(
      `SELECT due_at, requested_amount, id FROM (
         SELECT c.due_at, c.requested_amount, c.id, row_number() OVER (ORDER BY c.due_at, (-c.requested_amount), c.id) AS n
         FROM cases c WHERE c.shop_id = $1 AND c.archived_at IS NULL AND (c.assignee_id IS NULL OR c.assignee_id = $2)
       ) q WHERE n = ANY ($3::bigint[]) ORDER BY n`,
      [shopId, agentId, positions],
    );
    return rows.map((r: { due_at: Date; requested_amount: string; id: string }) => {
      const key = { due: r.due_at.toISOString(), amount: Number(r.requested_amount), id: r.id };
      return { cursor: encodeQueueCursor({ dueAt: key.due, requestedAmount: key.amount, id: key.id }), key };
    });
  } finally {
    await client.end();
  }
}

/** Starts the service, walks the queue with LIST_CONCURRENCY clients (an untimed warm-up first, unless recording), stops it. */
async function listLoad(url: string, me: SeededAgent, starts: Array<{ cursor: string; key: Key }>, recordFile?: string): Promise<ListRun> {
  const port = 30_000 + Math.floor(Math.random() * 20_000);
  const service = startService(url, port, recordFile);
  const client = new HttpClient(port, LIST_CONCURRENCY);
  try {
    await waitUntilReady(port);
    if (!recordFile) await walkQueue(client, me, starts, Math.min(LIST_REQUESTS, 1000));
    const run = await walkQueue(client, me, starts, LIST_REQUESTS);
    if (recordFile) await stopRecording(service, recordFile);
    return run;
  } finally {
    client.close();
    service.kill('SIGTERM');
    await new Promise((resolve) => service.once('exit', resolve));
  }
}

async function walkQueue(client: HttpClient, me: SeededAgent, starts: Array<{ cursor: string; key: Key }>, requests: number): Promise<ListRun> {
  const run: ListRun = { requests: 0, ms: 0, latencies: [], firstPage: [], deeper: [], items: 0, mine: 0 };
  const problems: string[] = [];
  let walks = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: LIST_CONCURRENCY }, async () => {
      while (run.requests < requests) {
        const w = walks++;
        const start = w % 2 === 0 ? undefined : starts[(w >> 1) % starts.length];
        let cursor = start?.cursor;
        let previous = start?.key;
        for (let page = 0; page < PAGES_PER_WALK && run.requests < requests; page++) {
          run.requests++;
          const t = performance.now();
          const res = await client.send('GET', cursor ? `/v1/queue?cursor=${cursor}` : '/v1/queue', me.token);
          const took = performance.now() - t;
          run.latencies.push(took);
          (cursor ? run.deeper : run.firstPage).push(took);
          if (res.status !== 200) {
            problems.push(`HTTP ${res.status} ${res.body.slice(0, 300)}`);
            break;
          }
          const body = JSON.parse(res.body) as {
            items: Array<{ caseId: string; assigneeId: string | null; amount: number; deadline: { dueAt: string } | null }>;
            nextCursor: string | null;
          };
          for (const item of body.items) {
            const key = { due: item.deadline?.dueAt ?? 'infinity', amount: item.amount, id: item.caseId };
            if (item.assigneeId !== null && item.assigneeId !== me.id) problems.push(`case ${item.caseId} of another agent listed`);
            if (previous && compareKeys(previous, key) >= 0) problems.push(`case ${item.caseId} out of queue order`);
            previous = key;
            run.items++;
            if (item.assigneeId === me.id) run.mine++;
          }
          if (body.nextCursor !== null && body.items.length !== 50) problems.push(`a page of ${body.items.length} items with a next page`);
          if (!body.nextCursor) break;
          cursor = body.nextCursor;
        }
      }
    }),
  );
  run.ms = performance.now() - started;
  if (problems.length > 0) throw new Error(`listing: ${problems.length} problems, first: ${problems.slice(0, 3).join('; ')}`);
  return run;
}

/** Queue order: earliest deadline, then the larger amount, then the id. */
function compareKeys(a: Key, b: Key): number {
  if (a.due !== b.due) return a.due < b.due ? -1 : 1;
  if (a.amount !== b.amount) return b.amount - a.amount;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

const isPageSql = (text: string) => /^\s*WITH page AS/.test(text);

/** EXPLAIN (ANALYZE, BUFFERS) of a recorded first-page statement and of the deepest recorded one. */
async function explainPages(url: string, pageSql: RecordedSession['statements']) {
  const first = pageSql.find((s) => !s.text.includes('::timestamptz'));
  // The deepest recorded position: the latest deadline a cursor carried (values: shop, deadline, …).
  const deeper = pageSql
    .filter((s) => s.text.includes('::timestamptz'))
    .reduce<RecordedSession['statements'][number] | undefined>((a, b) => (!a || String(b.values?.[1]) > String(a.values?.[1]) ? b : a), undefined);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: size } = await client.query(
      `SELECT pg_relation_size('cases') / current_setting('block_size')::int AS pages, (SELECT count(*) FROM cases) AS cases`,
    );
    const out: Array<{ label: string; key: string; summary: string; json: Record<string, unknown> }> = [];
    for (const [label, key, statement] of [
      ['first page', 'firstPage', first],
      ['deepest page', 'deepestPage', deeper],
    ] as const) {
      if (!statement) continue;
      await client.query(`EXPLAIN (ANALYZE, BUFFERS) ${statement.text}`, statement.values); // warm, as in the runs
      const { rows } = await client.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${statement.text}`, statement.values);
      const plan = rows[0]['QUERY PLAN'][0];
      out.push({
        label,
        key,
        summary: `${planSummary(plan)}; the cases table has ${fmt(Number(size[0].pages))} pages`,
        json: {
          topNode: plan.Plan['Node Type'],
          executionMs: plan['Execution Time'],
          sharedHit: plan.Plan['Shared Hit Blocks'],
          sharedRead: plan.Plan['Shared Read Blocks'],
          scans: scansOf(plan.Plan),
          casesPages: Number(size[0].pages),
        },
      });
    }
    return out;
  } finally {
    await client.end();
  }
}

function planSummary(plan: { 'Plan': PlanNode; 'Execution Time': number }): string {
  const root = plan.Plan;
  const scans = scansOf(root);
  const seq = scans.some((s) => s.startsWith('Seq Scan'));
  return (
    `top node ${root['Node Type']} (${root['Actual Rows']} rows), ${plan['Execution Time'].toFixed(2)} ms, ` +
    `buffers shared hit ${fmt(root['Shared Hit Blocks'])} read ${fmt(root['Shared Read Blocks'])}; ${scans.join(', ')}${seq ? ' — SEQUENTIAL SCAN' : ''}`
  );
}

// ---------------------------------------------------------------------------------------------------
// Shared

function readRecording(recordFile: string): RecordedSession[] {
  const sessions = JSON.parse(readFileSync(recordFile, 'utf8')) as RecordedSession[];
  if (!process.env.BENCH_KEEP_RECORDING) rmSync(recordFile);
  else console.log(`recording kept in ${recordFile}`);
  return sessions;
}

const fmt = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : String(n));
const ms = (n: number) => n.toFixed(1);
const seconds = (t: number) => (t / 1000).toFixed(1);

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
