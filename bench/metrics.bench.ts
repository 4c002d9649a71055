import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { sha256Hex } from '../src/platform/auth/secrets.js';
import { startBenchServer, vacuumAnalyze, withClient } from './support/bench-db.js';
import { seedMetricsHistory } from './support/metrics-seed.js';
import type { RecordedSession } from './support/pg-recorder.js';
import { seedOpenCases, type Seeded } from './support/seed.js';
import { HttpClient, percentile } from './support/bench-http.js';
import { scansOf, type PlanNode } from './support/plans.js';
import { startService, stopRecording, waitUntilReady } from './support/service.js';

/**
 * Metrics benchmark: `GET /v1/metrics/summary` and `GET /v1/metrics/agents` over a shop with a year of
 * history (1,000,000 cases, ~50 agents), against the service running as it is deployed (its own process,
 * external database, pool of 10), by a supervisor session.
 *
 * Data: the cases (`seedOpenCases`: requests spread over the 365 days before now, most assigned to an
 * agent) and, in SQL over them, what the engine would have written since (`seedMetricsHistory`): types,
 * archives and outcomes, the metric facts (opened, first response, response window, archived, refunded,
 * intervened, recoded), ratings, and a paid-order count for every day. A second, small shop gets the same
 * kind of history in the same tables, so every figure has to be scoped to the shop.
 *
 * Measured, per endpoint and period — the last 30 days, and the whole year (366 shop days, every case):
 * - cold: the first call after the settled-day cache (`metric_rollups`) was emptied, on a freshly started
 *   service: it computes and stores every settled day of the period;
 * - warm: REQUESTS requests at each concurrency (after a few untimed ones), p50 / p99;
 * - and the timeseries of one metric over the year, cold and warm.
 * Every response is checked against SQL over the seeded tables (counts, nearest-rank percentiles,
 * per-agent figures, the open-case counts at the response's `asOf`); a cold response must equal the warm
 * ones (the cache changes nothing); the small shop's supervisor sees exactly the small shop's figures.
 *
 * Floor: the SQL one warm request sends, recorded from a service process (the statements of its second
 * request: the first one of a fresh process may also fill in-process caches) and replayed by a bare
 * node-postgres client, the same number of times at the same concurrency on the same database and cache
 * state: what the request costs the database alone, without HTTP, Nest, authentication or JSON. ratio =
 * service p50 ÷ floor p50. The issue's target is a p50 under 300 ms; it is printed, not asserted.
 *
 *   npm run bench:metrics [-- <cases> <cases of the second shop> <agents>]     (defaults: 1000000 20000 50)
 *   BENCH_METRICS_REQUESTS=200   BENCH_METRICS_CONCURRENCY=1,4   BENCH_METRICS_TIMESERIES_METRIC=firstResponseMedian
 *   BENCH_METRICS_KEEP_DB=1 (keep the seeded database: needs DATABASE_URL; reused when it exists)
 */
const CASES = Number((process.argv[2] ?? '1000000').replace(/_/g, ''));
const OTHER_CASES = Number((process.argv[3] ?? '20000').replace(/_/g, ''));
const AGENTS = Number(process.argv[4] ?? 50);
const REQUESTS = Number(process.env.BENCH_METRICS_REQUESTS ?? 200);
const CONCURRENCY = (process.env.BENCH_METRICS_CONCURRENCY ?? '1,4').split(',').map(Number);
const TIMESERIES_METRIC = process.env.BENCH_METRICS_TIMESERIES_METRIC ?? 'firstResponseMedian';
const WARMUP = 5;
const TARGET_P50_MS = 300;
const DUE_SOON_MINUTES = Number(process.env.DEADLINE_WARNING_LEAD_MINUTES ?? 360);
const DB = 'bench_metrics';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface Shop {
  seeded: Seeded;
  cases: number;
  timezone: string;
}

interface Target {
  key: string;
  endpoint: 'summary' | 'agents' | 'timeseries';
  label: string;
  from: string;
  to: string;
  path: string;
}

interface Load {
  latencies: number[];
  ms: number;
}

interface Row {
  target: Target;
  coldMs: number;
  warm: Array<{ concurrency: number; p50: number; p99: number; mean: number; rate: number; floorP50: number; floorP99: number }>;
  statements: number;
  slowest: Array<{ text: string; ms: number; plan?: string }>;
}

async function main(): Promise<void> {
  const server = await startBenchServer();
  const keep = Boolean(process.env.BENCH_METRICS_KEEP_DB && process.env.DATABASE_URL);
  const report: Record<string, unknown> = { benchmark: 'metrics', cases: CASES, otherShopCases: OTHER_CASES, agents: AGENTS, requests: REQUESTS };
  const problems: string[] = [];
  try {
    const url = server.urlFor(DB);
    const { big, small, seedMs } = (keep && (await reuse(url))) || (await seed(server));
    report.seedSeconds = +(seedMs / 1000).toFixed(1);
    const sizes = await tableSizes(url);
    report.tables = sizes;

    const today = shopDay(big.timezone, new Date());
    const periods = [
      { key: '30d', label: 'last 30 days', from: addDays(today, -29), to: today },
      { key: '366d', label: `whole year (366 days)`, from: addDays(today, -365), to: today },
    ];
    const targets: Target[] = [];
    for (const p of periods) {
      for (const endpoint of ['summary', 'agents'] as const) {
        targets.push({
          key: `${endpoint}-${p.key}`,
          endpoint,
          label: p.label,
          from: p.from,
          to: p.to,
          path: `/v1/metrics/${endpoint}?from=${p.from}&to=${p.to}`,
        });
      }
    }
    const year = periods[1];
    targets.push({
      key: `timeseries-${year.key}`,
      endpoint: 'timeseries',
      label: `${year.label}, ${TIMESERIES_METRIC}`,
      from: year.from,
      to: year.to,
      path: `/v1/metrics/timeseries?metric=${TIMESERIES_METRIC}&from=${year.from}&to=${year.to}&interval=day`,
    });

    // Cold: each endpoint and period as the first call on an empty cache, on a fresh process.
    const cold = new Map<string, { ms: number; body: string }>();
    for (const target of targets) {
      await clearRollups(url);
      const { ms: took, body } = await withService(url, async (client) => {
        const t = performance.now();
        const res = await client.get(target.path, big.seeded.agentToken);
        const ms = performance.now() - t;
        if (res.status !== 200) throw new Error(`cold ${target.path}: HTTP ${res.status} ${res.body.slice(0, 500)}`);
        return { ms, body: res.body };
      });
      cold.set(target.key, { ms: took, body });
      console.log(`cold ${target.endpoint} (${target.label}): ${ms(took)} ms`);
    }
    // The warm loads, on one process (the untimed first requests of each fill whatever the cold ones left).
    const warm = new Map<string, Array<{ concurrency: number; load: Load }>>();
    const bodies = new Map<string, string>();
    await withService(
      url,
      async (client) => {
        for (const target of targets) {
          for (let i = 0; i < WARMUP; i++) {
            const res = await client.get(target.path, big.seeded.agentToken);
            if (res.status !== 200) throw new Error(`${target.path}: HTTP ${res.status} ${res.body.slice(0, 500)}`);
            bodies.set(target.key, res.body);
          }
          const runs: Array<{ concurrency: number; load: Load }> = [];
          for (const concurrency of CONCURRENCY) {
            const load = await serviceLoad(client, target.path, big.seeded.agentToken, REQUESTS, concurrency);
            runs.push({ concurrency, load });
            console.log(
              `warm ${target.endpoint} (${target.label}) at ${concurrency}: p50 ${ms(percentile(load.latencies, 0.5))} ms, p99 ${ms(percentile(load.latencies, 0.99))} ms`,
            );
          }
          warm.set(target.key, runs);
        }
        // Shop scoping from the other side: the small shop's supervisor sees the small shop only.
        const res = await client.get(targets.find((t) => t.key === 'summary-366d')!.path, small.seeded.agentToken);
        if (res.status !== 200) throw new Error(`small shop summary: HTTP ${res.status} ${res.body.slice(0, 500)}`);
        bodies.set('small-summary-366d', res.body);
      },
      CONCURRENCY.reduce((a, b) => Math.max(a, b), 1),
    );
    const rollups = await rollupCount(url);

    // Correctness, against SQL over the seeded tables.
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      for (const target of targets) {
        const body = bodies.get(target.key)!;
        const coldBody = cold.get(target.key)!.body;
        if (stripVolatile(coldBody) !== stripVolatile(body))
          problems.push(`${target.key}: the cold response differs from the warm one: ${firstDifference(coldBody, body)}`);
        if (target.endpoint === 'summary') problems.push(...(await checkSummary(client, big, JSON.parse(body), target)));
        if (target.endpoint === 'agents') problems.push(...(await checkAgents(client, big, JSON.parse(body), target)));
        if (target.endpoint === 'timeseries') problems.push(...(await checkTimeseries(client, big, JSON.parse(body), target)));
      }
      const smallSummary = JSON.parse(bodies.get('small-summary-366d')!);
      problems.push(...(await checkSummary(client, small, smallSummary, { ...year, key: 'small shop summary-366d', endpoint: 'summary', path: '' })));
      const bigSummary = JSON.parse(bodies.get('summary-366d')!);
      if (bigSummary.opened?.total !== big.cases)
        problems.push(`summary over the year: opened.total ${bigSummary.opened?.total}, the shop has ${big.cases} cases`);
      if (smallSummary.opened?.total !== small.cases)
        problems.push(`small shop summary over the year: opened.total ${smallSummary.opened?.total}, the shop has ${small.cases} cases`);
    } finally {
      await client.end();
    }

    // Floor: one warm request's SQL, replayed.
    const rows: Row[] = [];
    for (const target of targets) {
      const statements = await recordWarmRequest(url, target.path, big.seeded.agentToken);
      const runs = warm.get(target.key)!;
      const perStatement = new Map<string, number[]>();
      const row: Row = { target, coldMs: cold.get(target.key)!.ms, warm: [], statements: statements.length, slowest: [] };
      for (const { concurrency, load } of runs) {
        const floor = await floorLoad(url, statements, REQUESTS, concurrency, concurrency === 1 ? perStatement : undefined);
        row.warm.push({
          concurrency,
          p50: percentile(load.latencies, 0.5),
          p99: percentile(load.latencies, 0.99),
          mean: load.latencies.reduce((a, b) => a + b, 0) / load.latencies.length,
          rate: (load.latencies.length / load.ms) * 1000,
          floorP50: percentile(floor.latencies, 0.5),
          floorP99: percentile(floor.latencies, 0.99),
        });
      }
      row.slowest = await explainSlowest(url, statements, perStatement);
      rows.push(row);
    }

    // Report.
    const lines: string[] = [];
    lines.push(
      `metrics over ${fmt(big.cases)} cases of one shop (${AGENTS} agents, requests spread over the 365 days before now) + ${fmt(small.cases)} of a second shop; ` +
        `${REQUESTS} warm requests per row, supervisor session; seeded in ${seconds(seedMs)} s; ${fmt(rollups)} cached days after the cold calls`,
    );
    lines.push(`tables: ${sizes.map((s) => `${s.table} ${fmt(s.rows)} rows ${mib(s.total)} MiB (indexes ${mib(s.indexes)})`).join(', ')}`);
    const header = `${'request'.padEnd(34)} ${'period'.padEnd(23)} ${'cold ms'.padStart(8)} ${'conc'.padStart(4)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'req/s'.padStart(7)}   ${'floor p50'.padStart(9)} ${'floor p99'.padStart(9)} ${'ratio'.padStart(6)}   p50 < ${TARGET_P50_MS} ms`;
    lines.push(header, '-'.repeat(header.length));
    for (const row of rows) {
      row.warm.forEach((w, i) => {
        lines.push(
          `${(i === 0 ? `GET /v1/metrics/${row.target.endpoint}` : '').padEnd(34)} ${(i === 0 ? `${row.target.from}..${row.target.to}` : '').padEnd(23)} ` +
            `${(i === 0 ? ms(row.coldMs) : '').padStart(8)} ${String(w.concurrency).padStart(4)} ${ms(w.p50).padStart(8)} ${ms(w.p99).padStart(8)} ${fmt(w.rate).padStart(7)}   ` +
            `${ms(w.floorP50).padStart(9)} ${ms(w.floorP99).padStart(9)} ${(w.p50 / w.floorP50).toFixed(2).padStart(6)}   ` +
            `${w.p50 < TARGET_P50_MS ? 'met' : 'NOT met'}${i === 0 ? ` (cold ${row.coldMs < TARGET_P50_MS ? 'under' : 'over'})` : ''}`,
        );
      });
    }
    lines.push(
      `ratio = service p50 ÷ floor p50; floor = the SQL of one warm request (recorded from the service) replayed by raw pg, the same number of times at the same concurrency`,
    );
    for (const row of rows) {
      lines.push(`${row.target.key}: ${row.statements} statements per warm request; slowest when replayed (mean ms):`);
      for (const s of row.slowest)
        lines.push(`    ${ms(s.ms).padStart(8)} ms  ${s.text}${s.plan ? `\n              EXPLAIN (ANALYZE, BUFFERS): ${s.plan}` : ''}`);
    }
    lines.push(
      problems.length === 0
        ? 'checks: every response matches the SQL over the seeded tables; cold = warm; the second shop sees only its own cases'
        : `checks FAILED (${problems.length}):`,
    );
    for (const p of problems.slice(0, 40)) lines.push(`  - ${p}`);
    console.log('');
    for (const line of lines) console.log(line);
    report.results = rows.map((row) => ({
      request: row.target.key,
      from: row.target.from,
      to: row.target.to,
      coldMs: +row.coldMs.toFixed(1),
      statements: row.statements,
      warm: row.warm.map((w) => ({
        concurrency: w.concurrency,
        p50Ms: +w.p50.toFixed(1),
        p99Ms: +w.p99.toFixed(1),
        requestsPerSecond: +w.rate.toFixed(1),
        floorP50Ms: +w.floorP50.toFixed(2),
        floorP99Ms: +w.floorP99.toFixed(2),
        ratio: +(w.p50 / w.floorP50).toFixed(2),
        targetMet: w.p50 < TARGET_P50_MS,
      })),
    }));
    Object.assign(report, { targetP50Ms: TARGET_P50_MS, cachedDays: rollups, problems });
    console.log(JSON.stringify(report));
    if (problems.length > 0) process.exitCode = 1;
  } finally {
    if (!keep) await server.drop(DB).catch(() => undefined);
    await server.stop();
  }
}

// ---------------------------------------------------------------------------------------------------
// Seeding

async function seed(server: Awaited<ReturnType<typeof startBenchServer>>): Promise<{ big: Shop; small: Shop; seedMs: number }> {
  const started = performance.now();
  const url = await server.createMigrated(DB);
  const now = new Date();
  const year = 365 * DAY;
  // Agents' shares of the cases are uneven (a few handle most); about one case in nine is unassigned.
  const assigneeOf = (agents: number) => (k: number) => {
    const h = mix(k);
    if (h % 9 === 0) return undefined;
    return Math.min(agents - 1, Math.floor(agents * ((h >>> 8) / 16_777_216) ** 1.4));
  };
  const amounts = { min: 1_000, max: 200_000, step: 1_000 };
  let t = performance.now();
  const bigSeeded = await seedOpenCases(url, CASES, now, { requestedAtSpreadMs: year, amounts, agents: AGENTS, assigneeOf: assigneeOf(AGENTS), seed: 7 });
  console.log(`seeded ${fmt(CASES)} cases in ${seconds(performance.now() - t)} s`);
  t = performance.now();
  const smallSeeded = await seedOpenCases(url, OTHER_CASES, now, { requestedAtSpreadMs: year, amounts, agents: 3, assigneeOf: assigneeOf(3), seed: 11 });
  console.log(`seeded ${fmt(OTHER_CASES)} cases of a second shop in ${seconds(performance.now() - t)} s`);
  t = performance.now();
  const history = await seedMetricsHistory(url, now, { deactivate: { shopId: bigSeeded.shopId, agents: 2 } });
  console.log(
    `seeded the history in ${seconds(performance.now() - t)} s (${Object.entries(history.stepMs)
      .map(([k, v]) => `${k} ${seconds(v)} s`)
      .join(', ')}): ` +
      `facts ${Object.entries(history.facts)
        .map(([k, v]) => `${k} ${fmt(v)}`)
        .join(', ')}; ratings ${fmt(history.ratings)}; paid-order days ${fmt(history.paidOrderDays)}; ` +
      `archived ${fmt(history.archivedCases)}, open ${fmt(history.openCases)} (assigned ${fmt(history.openAssigned)}, overdue ${fmt(history.openOverdue)})`,
  );
  t = performance.now();
  await vacuumAnalyze(url);
  console.log(`VACUUM ANALYZE in ${seconds(performance.now() - t)} s`);
  const seedMs = performance.now() - started;
  const timezone = await timezoneOf(url, bigSeeded.shopId);
  return {
    big: { seeded: bigSeeded, cases: CASES, timezone },
    small: { seeded: smallSeeded, cases: OTHER_CASES, timezone: await timezoneOf(url, smallSeeded.shopId) },
    seedMs,
  };
}

/**
 * A database kept by an earlier run (BENCH_METRICS_KEEP_DB): its shops, and new supervisor sessions.
 * Only for working on the benchmark itself: the data keeps the earlier run's "now".
 */
async function reuse(url: string): Promise<{ big: Shop; small: Shop; seedMs: number } | undefined> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
  } catch {
    return undefined;
  }
  try {
    const { rows } = await client.query(`SELECT shop_id, count(*)::int AS n FROM cases GROUP BY shop_id ORDER BY n DESC`);
    if (rows.length !== 2 || rows[0].n !== CASES || rows[1].n !== OTHER_CASES) return undefined;
    const shops: Shop[] = [];
    for (const row of rows as Array<{ shop_id: string; n: number }>) {
      const { rows: sup } = await client.query(`SELECT id FROM agents WHERE shop_id = $1 AND role = 'supervisor' LIMIT 1`, [row.shop_id]);
      const token = `st_bench_${randomBytes(16).toString('hex')}`;
      await client.query(`INSERT INTO agent_sessions (shop_id, agent_id, token_hash, expires_at) VALUES ($1, $2, $3, now() + interval '1 day')`, [
        row.shop_id,
        sup[0].id,
        sha256Hex(token),
      ]);
      const { rows: tz } = await client.query(`SELECT timezone FROM shops WHERE id = $1`, [row.shop_id]);
      shops.push({
        seeded: { shopId: row.shop_id, caseIds: [], agentToken: token, supervisorId: sup[0].id, agents: [] },
        cases: row.n,
        timezone: tz[0].timezone,
      });
    }
    console.log('reusing the kept database');
    return { big: shops[0], small: shops[1], seedMs: 0 };
  } finally {
    await client.end();
  }
}

async function timezoneOf(url: string, shopId: string): Promise<string> {
  const { rows } = await withClient(url, (client) => client.query(`SELECT timezone FROM shops WHERE id = $1`, [shopId]));
  return rows[0].timezone;
}

function tableSizes(url: string): Promise<Array<{ table: string; rows: number; total: number; indexes: number }>> {
  return withClient(url, async (client) => {
    const out = [];
    for (const table of ['cases', 'case_events', 'metric_facts', 'case_ratings', 'paid_order_days']) {
      const { rows } = await client.query(
        `SELECT (SELECT count(*)::int FROM ${table}) AS rows, pg_total_relation_size($1::regclass)::bigint AS total, pg_indexes_size($1::regclass)::bigint AS indexes`,
        [table],
      );
      out.push({ table, rows: rows[0].rows, total: Number(rows[0].total), indexes: Number(rows[0].indexes) });
    }
    return out;
  });
}

async function clearRollups(url: string): Promise<void> {
  await withClient(url, (client) => client.query('DELETE FROM metric_rollups'));
}

async function rollupCount(url: string): Promise<number> {
  const { rows } = await withClient(url, (client) => client.query('SELECT count(*)::int AS n FROM metric_rollups'));
  return rows[0].n;
}

// ---------------------------------------------------------------------------------------------------
// Service load

async function withService<T>(url: string, work: (client: HttpClient) => Promise<T>, sockets = 1, recordFile?: string, poolSize?: number): Promise<T> {
  const port = 30_000 + Math.floor(Math.random() * 20_000);
  const previousPool = process.env.BENCH_POOL_SIZE;
  if (poolSize !== undefined) process.env.BENCH_POOL_SIZE = String(poolSize);
  const service = startService(url, port, recordFile);
  if (poolSize !== undefined) {
    if (previousPool === undefined) delete process.env.BENCH_POOL_SIZE;
    else process.env.BENCH_POOL_SIZE = previousPool;
  }
  const client = new HttpClient(port, sockets);
  try {
    await waitUntilReady(port);
    const result = await work(client);
    if (recordFile) await stopRecording(service, recordFile);
    return result;
  } finally {
    client.close();
    if (service.exitCode === null && service.signalCode === null) {
      const exited = new Promise((resolve) => service.once('exit', resolve));
      service.kill('SIGTERM');
      await exited;
    }
  }
}

async function serviceLoad(client: HttpClient, path: string, token: string, requests: number, concurrency: number): Promise<Load> {
  const latencies: number[] = [];
  let sent = 0;
  let failure: string | undefined;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (sent < requests && !failure) {
        sent++;
        const t = performance.now();
        const res = await client.get(path, token);
        latencies.push(performance.now() - t);
        if (res.status !== 200) failure = `HTTP ${res.status} ${res.body.slice(0, 500)}`;
      }
    }),
  );
  if (failure) throw new Error(`${path}: ${failure}`);
  return { latencies, ms: performance.now() - started };
}

// ---------------------------------------------------------------------------------------------------
// Floor

type Statement = RecordedSession['statements'][number];

/**
 * The statements of one warm request, from a service process (pool of two connections, the least it
 * accepts) that answers the request twice, one after the other. Start-up work runs on both connections;
 * a request runs its transactions one after the other, each on a connection from the pool. A request
 * starts with the session lookup of its bearer token, so each request's statements are the lookup and
 * what follows it on that connection; the second request's are replayed. (The service keeps nothing of
 * the metrics in memory, so both requests find the same state: the settled days in the database.)
 */
async function recordWarmRequest(url: string, path: string, token: string): Promise<Statement[]> {
  const recordFile = join(tmpdir(), `bench-metrics-${randomBytes(4).toString('hex')}.json`);
  await withService(
    url,
    async (client) => {
      for (let i = 0; i < 2; i++) {
        const res = await client.get(path, token);
        if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status} ${res.body.slice(0, 300)}`);
      }
    },
    1,
    recordFile,
    2,
  );
  const sessions = JSON.parse(readFileSync(recordFile, 'utf8')) as RecordedSession[];
  if (!process.env.BENCH_KEEP_RECORDING) rmSync(recordFile);
  else console.log(`recording kept in ${recordFile}`);
  const requests: Statement[][] = [];
  for (const session of sessions) {
    let current: Statement[] | undefined;
    for (const s of session.statements) {
      if (isHealthCheck(s.text)) continue;
      if (isSessionLookup(s.text)) requests.push((current = []));
      current?.push(s);
    }
  }
  if (requests.length !== 2) throw new Error(`recording ${path}: ${requests.length} session lookups, expected 2`);
  const [first, second] = requests;
  if (first.map((s) => s.text).join('\u0000') !== second.map((s) => s.text).join('\u0000')) {
    console.log(`note: the two recorded ${path} requests differ (${first.length} and ${second.length} statements)`);
  }
  return second;
}

const isSessionLookup = (text: string) => /FROM agent_sessions s JOIN agents a/.test(text);
const isHealthCheck = (text: string) => /^\s*SELECT 1\s*$/i.test(text);

/** The recorded statements of one request run `requests` times on `concurrency` bare connections (after a few untimed runs). */
async function floorLoad(url: string, statements: Statement[], requests: number, concurrency: number, perStatement?: Map<string, number[]>): Promise<Load> {
  const clients = await Promise.all(
    Array.from({ length: concurrency }, async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      return client;
    }),
  );
  try {
    for (let i = 0; i < WARMUP; i++) for (const s of statements) await clients[0].query(s.text, s.values);
    const latencies: number[] = [];
    let sent = 0;
    const started = performance.now();
    await Promise.all(
      clients.map(async (client) => {
        while (sent < requests) {
          sent++;
          const t = performance.now();
          for (const s of statements) {
            const ts = performance.now();
            await client.query(s.text, s.values);
            if (perStatement) {
              const list = perStatement.get(s.text) ?? [];
              list.push(performance.now() - ts);
              perStatement.set(s.text, list);
            }
          }
          latencies.push(performance.now() - t);
        }
      }),
    );
    return { latencies, ms: performance.now() - started };
  } finally {
    await Promise.all(clients.map((c) => c.end()));
  }
}

/** The three slowest statements of a request (mean replay time), with the plan of each read among them. */
async function explainSlowest(url: string, statements: Statement[], perStatement: Map<string, number[]>) {
  const ranked = [...perStatement.entries()]
    .map(([text, times]) => ({ text, ms: times.reduce((a, b) => a + b, 0) / times.length }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 3);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // One after the other: a client runs one query at a time.
    const explained = [];
    for (const r of ranked) {
      const statement = statements.find((s) => s.text === r.text)!;
      let plan: string | undefined;
      if (/^\s*(SELECT|WITH)\b/i.test(r.text) && !/\b(INSERT|UPDATE|DELETE)\b/i.test(r.text)) {
        try {
          const { rows } = await client.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${r.text}`, statement.values);
          plan = planSummary(rows[0]['QUERY PLAN'][0]);
        } catch (error) {
          plan = `(could not explain: ${(error as Error).message})`;
        }
      }
      explained.push({ text: r.text.replace(/\s+/g, ' ').trim().slice(0, 180), ms: r.ms, plan });
    }
    return explained;
  } finally {
    await client.end();
  }
}

function planSummary(plan: { 'Plan': PlanNode; 'Execution Time': number }): string {
  const root = plan.Plan;
  return (
    `${plan['Execution Time'].toFixed(2)} ms, buffers shared hit ${fmt(root['Shared Hit Blocks'])} read ${fmt(root['Shared Read Blocks'])}; ` +
    scansOf(root).join(', ')
  );
}

// ---------------------------------------------------------------------------------------------------
// Checks

interface Period {
  start: string;
  end: string;
}

/** Every count and percentile of the summary, from the facts, ratings and paid-order days of the shop. */
async function checkSummary(client: pg.Client, shop: Shop, body: any, target: Target): Promise<string[]> {
  const problems: string[] = [];
  const shopId = shop.seeded.shopId;
  const period = body.period as Period & { from: string; to: string; days: number };
  if (period?.from !== target.from || period?.to !== target.to) return [`${target.key}: period ${JSON.stringify(period)}`];
  const { rows } = await client.query(
    `SELECT
       count(*) FILTER (WHERE kind = 'opened')::int AS opened,
       count(*) FILTER (WHERE kind = 'opened' AND case_type = 'refund')::int AS opened_refund,
       count(*) FILTER (WHERE kind = 'opened' AND case_type = 'return')::int AS opened_return,
       count(*) FILTER (WHERE kind = 'opened' AND case_type = 'exchange')::int AS opened_exchange,
       count(*) FILTER (WHERE kind = 'opened' AND case_type = 'complaint')::int AS opened_complaint,
       count(*) FILTER (WHERE kind = 'response')::int AS settled,
       count(*) FILTER (WHERE kind = 'response' AND label = 'in_time')::int AS in_time,
       count(*) FILTER (WHERE kind = 'response' AND label = 'late')::int AS late,
       count(*) FILTER (WHERE kind = 'response' AND label = 'missed')::int AS missed,
       coalesce(sum(amount) FILTER (WHERE kind = 'response' AND label = 'missed' AND currency = 'CNY'), 0)::bigint AS missed_amount,
       count(*) FILTER (WHERE kind = 'first_response')::int AS fr,
       percentile_disc(0.5) WITHIN GROUP (ORDER BY seconds) FILTER (WHERE kind = 'first_response') AS fr_p50,
       percentile_disc(0.9) WITHIN GROUP (ORDER BY seconds) FILTER (WHERE kind = 'first_response') AS fr_p90,
       count(*) FILTER (WHERE kind = 'archived')::int AS archived,
       percentile_disc(0.5) WITHIN GROUP (ORDER BY seconds) FILTER (WHERE kind = 'archived') AS res_p50,
       percentile_disc(0.9) WITHIN GROUP (ORDER BY seconds) FILTER (WHERE kind = 'archived') AS res_p90,
       count(*) FILTER (WHERE kind = 'refunded')::int AS refunds,
       count(*) FILTER (WHERE kind = 'refunded' AND label = 'quality')::int AS quality_refunds,
       coalesce(sum(amount) FILTER (WHERE kind = 'refunded' AND currency = 'CNY'), 0)::bigint AS refunded_amount,
       (count(*) FILTER (WHERE kind = 'recoded' AND label = 'recoded') - count(*) FILTER (WHERE kind = 'recoded' AND label = 'restored'))::int AS recoded,
       (SELECT coalesce(jsonb_object_agg(label, n), '{}') FROM (
          SELECT label, count(*)::int AS n FROM metric_facts WHERE shop_id = $1 AND kind = 'archived' AND at >= $2 AND at < $3 GROUP BY label) o) AS outcomes
     FROM metric_facts WHERE shop_id = $1 AND at >= $2 AND at < $3`,
    [shopId, period.start, period.end],
  );
  const r = rows[0];
  const windowFrom = body.intervention?.window?.from as string;
  const { rows: more } = await client.query(
    `SELECT
       (SELECT count(*)::int FROM metric_facts WHERE shop_id = $1 AND kind = 'intervened' AND at >= w.start AND at < $3) AS interventions,
       (SELECT count(*)::int FROM metric_facts WHERE shop_id = $1 AND kind = 'opened' AND at >= w.start AND at < $3) AS window_opened,
       (SELECT count(*)::int FROM case_ratings WHERE shop_id = $1 AND reported_at >= $2 AND reported_at < $3) AS ratings,
       (SELECT count(*)::int FROM case_ratings WHERE shop_id = $1 AND reported_at >= $2 AND reported_at < $3 AND rating = 'satisfied') AS satisfied,
       (SELECT count(*)::int FROM case_ratings WHERE shop_id = $1 AND reported_at >= $2 AND reported_at < $3 AND rating = 'neutral') AS neutral,
       (SELECT count(*)::int FROM case_ratings WHERE shop_id = $1 AND reported_at >= $2 AND reported_at < $3 AND rating = 'dissatisfied') AS dissatisfied,
       (SELECT coalesce(sum(paid_orders), 0)::bigint FROM paid_order_days WHERE shop_id = $1 AND day >= $5::date AND day <= $6::date) AS paid_orders,
       (SELECT count(*)::int FROM paid_order_days WHERE shop_id = $1 AND day >= $5::date AND day <= $6::date) AS paid_days
     FROM (SELECT ($4::date)::timestamp AT TIME ZONE $7 AS start) w`,
    [shopId, period.start, period.end, windowFrom, period.from, period.to, shop.timezone],
  );
  const m = more[0];
  const expect = (name: string, actual: unknown, expected: unknown) => {
    if (actual !== expected) problems.push(`${target.key}: ${name} = ${JSON.stringify(actual)}, SQL says ${JSON.stringify(expected)}`);
  };
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  expect('opened.total', body.opened?.total, r.opened);
  for (const type of ['refund', 'return', 'exchange', 'complaint']) expect(`opened.byType.${type}`, body.opened?.byType?.[type], r[`opened_${type}`]);
  expect('responseWindow.settled', body.responseWindow?.settled, r.settled);
  expect('responseWindow.answeredInTime', body.responseWindow?.answeredInTime, r.in_time);
  expect('responseWindow.answeredLate', body.responseWindow?.answeredLate, r.late);
  expect('responseWindow.missed', body.responseWindow?.missed, r.missed);
  expect('autoApproved.count', body.autoApproved?.count, r.missed);
  expect('autoApproved.amount.CNY', body.autoApproved?.amount?.CNY ?? 0, Number(r.missed_amount));
  expect('firstResponse.count', body.firstResponse?.count, r.fr);
  expect('firstResponse.medianSeconds', body.firstResponse?.medianSeconds, num(r.fr_p50));
  expect('firstResponse.p90Seconds', body.firstResponse?.p90Seconds, num(r.fr_p90));
  expect('resolution.count', body.resolution?.count, r.archived);
  expect('resolution.medianSeconds', body.resolution?.medianSeconds, num(r.res_p50));
  expect('resolution.p90Seconds', body.resolution?.p90Seconds, num(r.res_p90));
  expect('outcomes.total', body.outcomes?.total, r.archived);
  for (const outcome of ['refunded', 'partially_refunded', 'exchanged', 'rejected', 'withdrawn', 'auto_approved', 'closed_no_return', 'resolved']) {
    expect(`outcomes.byOutcome.${outcome}`, body.outcomes?.byOutcome?.[outcome], Number(r.outcomes[outcome] ?? 0));
  }
  expect('qualityRefundRate.refunds', body.qualityRefundRate?.refunds, r.refunds);
  expect('qualityRefundRate.qualityRefunds', body.qualityRefundRate?.qualityRefunds, r.quality_refunds);
  expect('qualityRefundRate.refundedAmount.CNY', body.qualityRefundRate?.refundedAmount?.CNY ?? 0, Number(r.refunded_amount));
  expect('qualityRefundRate.paidOrderDaysKnown', body.qualityRefundRate?.paidOrderDaysKnown, m.paid_days);
  expect('qualityRefundRate.basis', body.qualityRefundRate?.basis, m.paid_days === period.days ? 'paid_orders' : 'refunds');
  if (m.paid_days === period.days) {
    expect('qualityRefundRate.paidOrders', body.qualityRefundRate?.paidOrders, Number(m.paid_orders));
    expect('qualityRefundRate.rate', body.qualityRefundRate?.rate, Number(m.paid_orders) === 0 ? 0 : r.quality_refunds / Number(m.paid_orders));
  }
  expect('intervention.volume', body.intervention?.volume, m.interventions);
  expect('intervention.cases', body.intervention?.cases, m.window_opened);
  expect('recodedQualityToNonQuality', body.recodedQualityToNonQuality, r.recoded);
  expect('satisfaction.ratings', body.satisfaction?.ratings, m.ratings);
  expect('satisfaction.satisfied', body.satisfaction?.satisfied, m.satisfied);
  expect('satisfaction.neutral', body.satisfaction?.neutral, m.neutral);
  expect('satisfaction.dissatisfied', body.satisfaction?.dissatisfied, m.dissatisfied);
  return problems;
}

/** Each listed agent's figures, from the facts, ratings and open cases (at the response's asOf) of the shop. */
async function checkAgents(client: pg.Client, shop: Shop, body: any, target: Target): Promise<string[]> {
  const problems: string[] = [];
  const shopId = shop.seeded.shopId;
  const period = body.period as Period & { from: string; to: string };
  if (period?.from !== target.from || period?.to !== target.to) return [`${target.key}: period ${JSON.stringify(period)}`];
  const asOf = body.asOf as string;
  const { rows } = await client.query(
    `WITH figures AS (
       SELECT agent_id,
              count(*) FILTER (WHERE kind = 'archived')::int AS handled,
              count(*) FILTER (WHERE kind = 'first_response')::int AS fr,
              percentile_disc(0.5) WITHIN GROUP (ORDER BY seconds) FILTER (WHERE kind = 'first_response') AS fr_p50
       FROM metric_facts WHERE shop_id = $1 AND at >= $2 AND at < $3 AND kind IN ('archived', 'first_response') AND agent_id IS NOT NULL
       GROUP BY agent_id
     ), rated AS (
       SELECT agent_id, count(*)::int AS ratings, count(*) FILTER (WHERE rating = 'satisfied')::int AS satisfied
       FROM case_ratings WHERE shop_id = $1 AND reported_at >= $2 AND reported_at < $3 AND agent_id IS NOT NULL GROUP BY agent_id
     ), open AS (
       SELECT assignee_id AS agent_id, count(*)::int AS open_now,
              count(*) FILTER (WHERE due_at <= $4::timestamptz)::int AS overdue,
              count(*) FILTER (WHERE due_at > $4::timestamptz AND due_at <= $4::timestamptz + $5 * interval '1 minute')::int AS due_soon
       FROM cases WHERE shop_id = $1 AND archived_at IS NULL AND assignee_id IS NOT NULL GROUP BY assignee_id
     )
     SELECT a.id, a.display_name, a.role, a.active,
            coalesce(f.handled, 0) AS handled, coalesce(f.fr, 0) AS fr, f.fr_p50,
            coalesce(r.ratings, 0) AS ratings, coalesce(r.satisfied, 0) AS satisfied,
            coalesce(o.open_now, 0) AS open_now, coalesce(o.overdue, 0) AS overdue, coalesce(o.due_soon, 0) AS due_soon
     FROM agents a
     LEFT JOIN figures f ON f.agent_id = a.id LEFT JOIN rated r ON r.agent_id = a.id LEFT JOIN open o ON o.agent_id = a.id
     WHERE a.shop_id = $1 AND a.role IN ('agent', 'supervisor')`,
    [shopId, period.start, period.end, asOf, DUE_SOON_MINUTES],
  );
  const expected = new Map(rows.map((r: { id: string }) => [r.id, r]));
  const listed = (body.agents ?? []) as any[];
  const seen = new Set<string>();
  for (const agent of listed) {
    const e = expected.get(agent.agentId) as any;
    if (!e) {
      problems.push(`${target.key}: lists ${agent.agentId}, not an agent or supervisor of the shop`);
      continue;
    }
    seen.add(agent.agentId);
    const expect = (name: string, actual: unknown, wanted: unknown) => {
      if (actual !== wanted) problems.push(`${target.key}: agent ${e.display_name} ${name} = ${JSON.stringify(actual)}, SQL says ${JSON.stringify(wanted)}`);
    };
    expect('handled', agent.handled, e.handled);
    expect('openNow', agent.openNow, e.open_now);
    expect('overdueNow', agent.overdueNow, e.overdue);
    expect('dueSoonNow', agent.dueSoonNow, e.due_soon);
    expect('firstResponse.count', agent.firstResponse?.count, e.fr);
    expect('firstResponse.medianSeconds', agent.firstResponse?.medianSeconds, e.fr_p50 === null ? null : Number(e.fr_p50));
    expect('satisfaction.ratings', agent.satisfaction?.ratings, e.ratings);
    expect('satisfaction.satisfied', agent.satisfaction?.satisfied, e.satisfied);
    expect('active', agent.active, e.active);
  }
  for (const e of rows as any[]) {
    const hasFigures = e.handled > 0 || e.fr > 0 || e.ratings > 0;
    if (!seen.has(e.id) && (e.active || hasFigures))
      problems.push(`${target.key}: ${e.active ? 'active' : 'deactivated'} ${e.role} ${e.display_name} (handled ${e.handled}) not listed`);
  }
  const names = listed.map((a) => `${a.displayName}\u0000${a.agentId}`);
  if (names.some((n, i) => i > 0 && names[i - 1] > n)) problems.push(`${target.key}: agents not sorted by displayName, agentId`);
  return problems;
}

async function checkTimeseries(client: pg.Client, shop: Shop, body: any, target: Target): Promise<string[]> {
  const problems: string[] = [];
  const points = (body.points ?? []) as Array<{ date: string; value: number | null; n: number }>;
  const days = Math.round((Date.parse(`${target.to}T00:00:00Z`) - Date.parse(`${target.from}T00:00:00Z`)) / DAY) + 1;
  if (points.length !== days) problems.push(`${target.key}: ${points.length} points, expected ${days}`);
  if (points[0]?.date !== target.from || points[points.length - 1]?.date !== target.to)
    problems.push(`${target.key}: points from ${points[0]?.date} to ${points[points.length - 1]?.date}`);
  if (TIMESERIES_METRIC === 'firstResponseMedian' || TIMESERIES_METRIC === 'opened') {
    const kind = TIMESERIES_METRIC === 'opened' ? 'opened' : 'first_response';
    const { rows } = await client.query(
      `SELECT to_char((at AT TIME ZONE $4)::date, 'YYYY-MM-DD') AS day, count(*)::int AS n,
              percentile_disc(0.5) WITHIN GROUP (ORDER BY seconds) AS p50
       FROM metric_facts WHERE shop_id = $1 AND kind = $5 AND at >= ($2::date)::timestamp AT TIME ZONE $4 AND at < ($3::date + 1)::timestamp AT TIME ZONE $4
       GROUP BY 1`,
      [shop.seeded.shopId, target.from, target.to, shop.timezone, kind],
    );
    const byDay = new Map(rows.map((r: { day: string; n: number; p50: number | null }) => [r.day, r]));
    let wrong = 0;
    let first = '';
    for (const p of points) {
      const e = byDay.get(p.date) as { n: number; p50: number | null } | undefined;
      const n = e?.n ?? 0;
      const value = TIMESERIES_METRIC === 'opened' ? n : n === 0 ? null : Number(e!.p50);
      if (p.n !== n || p.value !== value) {
        wrong++;
        first ||= `${p.date}: value ${p.value} n ${p.n}, SQL says ${value} / ${n}`;
      }
    }
    if (wrong > 0) problems.push(`${target.key}: ${wrong} days differ from SQL, first ${first}`);
  }
  return problems;
}

/**
 * A response without what depends on the moment it was given: `asOf`, and each agent's open, overdue and
 * due-soon counts now (cases cross their deadlines between the cold and the warm calls; those counts are
 * checked against SQL at the response's own `asOf` instead).
 */
const stripVolatile = (body: string) => {
  const parsed = JSON.parse(body);
  const agents = Array.isArray(parsed.agents)
    ? parsed.agents.map((a: Record<string, unknown>) => ({ ...a, openNow: undefined, overdueNow: undefined, dueSoonNow: undefined }))
    : undefined;
  return JSON.stringify({ ...parsed, asOf: undefined, agents });
};

function firstDifference(a: string, b: string): string {
  const x = stripVolatile(a);
  const y = stripVolatile(b);
  let i = 0;
  while (i < x.length && x[i] === y[i]) i++;
  return `cold …${x.slice(Math.max(0, i - 60), i + 60)}… warm …${y.slice(Math.max(0, i - 60), i + 60)}…`;
}

// ---------------------------------------------------------------------------------------------------
// Shared

/** The calendar day (YYYY-MM-DD) of `at` in `timeZone`. */
function shopDay(timeZone: string, at: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

/** A 32-bit integer hash (for spreading cases over agents reproducibly). */
function mix(k: number): number {
  let h = Math.imul(k ^ 0x9e3779b9, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

const fmt = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : String(n));
const ms = (n: number) => n.toFixed(1);
const seconds = (t: number) => (t / 1000).toFixed(1);
const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
