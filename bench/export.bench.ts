import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { AUDIT_EXPORT_COUNT_SQL, AUDIT_EXPORT_SQL } from '../src/audit/audit.repository.js';
import { sha256Hex } from '../src/platform/auth/secrets.js';
import { startBenchServer, vacuumAnalyze } from './support/bench-db.js';
import { startService, waitUntilReady } from './support/service.js';

/**
 * Audit export benchmark: `GET /v1/audit/export` of every event of a shop as CSV and as NDJSON, at two
 * sizes (one shop per size in the same database, the same 30-day range, ~5 events per case), each
 * export by a fresh service process (its own process, external database) so the peak memory (VmHWM)
 * belongs to that export alone. rows/s = rows ÷ (request sent → last byte received).
 * Floor, same run, same data: the export's own SQL (imported from src/audit/audit-export.service.ts, see
 * floorExport) run by a bare node-postgres client in the same kind of snapshot, through a server-side
 * cursor, EXPORT_BATCH_ROWS rows a FETCH, rows discarded. ratio = service rows/s ÷ floor rows/s.
 *
 *   npm run bench:export [-- <events> <events> …]     (defaults: 100000 1000000)
 *   BENCH_EXPORT_FORMATS=csv,ndjson   EXPORT_BATCH_ROWS=2000 (passed to the service as well)
 *   BENCH_VERBOSE=1 (seeding step times)   BENCH_PROFILE_DIR=<dir> (CPU profile of each service process)
 *
 * Peak RSS is the service's VmHWM after the export (baseline: VmRSS once ready). A default V8 heap grows
 * between major GCs, so the RSS samples printed per run show whether it plateaus (sawtooth) or climbs;
 * NODE_OPTIONS=--max-old-space-size=96 (applies to the service too) makes any retention fail loudly.
 */
const SIZES = (process.argv.length > 2 ? process.argv.slice(2) : (process.env.BENCH_EXPORT_SIZES ?? '100000,1000000').split(',')).map((s) =>
  Number(s.replace(/_/g, '')),
);
const FORMATS = (process.env.BENCH_EXPORT_FORMATS ?? 'csv,ndjson').split(',') as Array<'csv' | 'ndjson'>;
const BATCH = Number(process.env.EXPORT_BATCH_ROWS ?? 2000);
const EVENTS_PER_CASE = 5;
const TARGET_ROWS_PER_SECOND = 50_000;
const FROM = new Date('2026-10-01T00:00:00.000+08:00');
const TO = new Date(FROM.getTime() + 30 * 86_400_000);
const MiB = 1024 * 1024;

interface SeededShop {
  events: number;
  shopId: string;
  token: string;
}

interface ExportRun {
  format: 'csv' | 'ndjson';
  events: number;
  rows: number;
  bytes: number;
  ms: number;
  ttfbMs: number;
  baselineRss: number;
  hwmBefore: number;
  peakRss: number;
  floorMs: number;
  /** VmRSS sampled every 100 ms while the body streams. */
  rssSamples: number[];
  /** CPU seconds (user + system) spent during the request by the service and by this process (the client). */
  serviceCpu: number;
  clientCpu: number;
}

async function main(): Promise<void> {
  if (SIZES.length === 0 || SIZES.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`bad sizes: ${process.argv.slice(2).join(' ')}`);
  const server = await startBenchServer();
  const db = 'bench_export';
  try {
    const url = await server.createMigrated(db);
    const shops: SeededShop[] = [];
    for (const events of SIZES) {
      const started = performance.now();
      shops.push(await seedShop(url, events));
      console.log(
        `seeded ${events.toLocaleString('en-US')} events (${Math.ceil(events / EVENTS_PER_CASE).toLocaleString('en-US')} cases) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
    }
    await vacuumAnalyze(url);

    const runs: ExportRun[] = [];
    for (const shop of shops) {
      await floorExport(url, shop); // untimed: the same pages in the cache for the floor and for the service
      for (const format of FORMATS) {
        const floor = await floorExport(url, shop);
        if (floor.rows !== shop.events) throw new Error(`floor: ${floor.rows} rows, expected ${shop.events}`);
        const run = await serviceExport(url, shop, format);
        runs.push({ ...run, floorMs: floor.ms });
        console.log(line(runs[runs.length - 1]));
      }
    }

    console.log('');
    for (const run of runs) console.log(line(run));
    for (const run of runs) {
      console.log(
        `  ${run.format.padEnd(6)} ${fmt(run.rows).padStart(9)}: CPU service ${run.serviceCpu.toFixed(1)} s, client ${run.clientCpu.toFixed(1)} s of ${(run.ms / 1000).toFixed(1)} s; ` +
          `service RSS while streaming (MiB, at 10 %, 20 % … 100 % of the time): ${deciles(run.rssSamples)}`,
      );
    }
    const smallest = Math.min(...SIZES);
    const largest = Math.max(...SIZES);
    if (smallest !== largest) {
      for (const format of FORMATS) {
        const a = runs.find((r) => r.format === format && r.events === smallest)!;
        const b = runs.find((r) => r.format === format && r.events === largest)!;
        const growth = b.peakRss - a.peakRss;
        console.log(
          `peak RSS ${format.padEnd(6)} ${fmt(largest)} vs ${fmt(smallest)} rows: ${mib(b.peakRss)} vs ${mib(a.peakRss)} MiB, ` +
            `${growth >= 0 ? 'grows' : 'shrinks'} by ${mib(Math.abs(growth))} MiB (${((Math.abs(growth) / a.peakRss) * 100).toFixed(1)} %) for ${(largest / smallest).toFixed(0)}× the rows; ` +
            `above the baseline: ${mib(b.peakRss - b.baselineRss)} vs ${mib(a.peakRss - a.baselineRss)} MiB`,
        );
      }
    }
    const slow = runs.filter((r) => rate(r.rows, r.ms) < TARGET_ROWS_PER_SECOND);
    console.log(
      slow.length === 0
        ? `target ≥ ${fmt(TARGET_ROWS_PER_SECOND)} rows/s: met by every run`
        : `target ≥ ${fmt(TARGET_ROWS_PER_SECOND)} rows/s: NOT met by ${slow.map((r) => `${r.format} ${fmt(r.events)}`).join(', ')}`,
    );
    console.log(
      JSON.stringify({
        benchmark: 'export',
        batchRows: BATCH,
        results: runs.map((r) => ({
          format: r.format,
          rows: r.rows,
          bytes: r.bytes,
          seconds: +(r.ms / 1000).toFixed(2),
          ttfbMs: Math.round(r.ttfbMs),
          rowsPerSecond: Math.round(rate(r.rows, r.ms)),
          peakRssMiB: +mib(r.peakRss),
          baselineRssMiB: +mib(r.baselineRss),
          hwmBeforeMiB: +mib(r.hwmBefore),
          serviceCpuSeconds: +r.serviceCpu.toFixed(2),
          clientCpuSeconds: +r.clientCpu.toFixed(2),
          floorRowsPerSecond: Math.round(rate(r.rows, r.floorMs)),
          ratio: +(r.floorMs / r.ms).toFixed(2),
        })),
      }),
    );
  } finally {
    await server.drop(db).catch(() => undefined);
    await server.stop();
  }
}

function line(r: ExportRun): string {
  return (
    `export ${r.format.padEnd(6)} ${fmt(r.rows).padStart(9)} rows  ${fmt(rate(r.rows, r.ms)).padStart(7)} rows/s ` +
    `(${(r.ms / 1000).toFixed(2)} s, first byte ${Math.round(r.ttfbMs)} ms, ${(r.bytes / MiB).toFixed(0)} MiB)  ` +
    `peak RSS ${mib(r.peakRss)} MiB (baseline ${mib(r.baselineRss)} MiB, peak before ${mib(r.hwmBefore)} MiB)  ` +
    `floor ${fmt(rate(r.rows, r.floorMs)).padStart(7)} rows/s  ratio ${(r.floorMs / r.ms).toFixed(2)}`
  );
}

/**
 * One shop with `events` case events over [FROM, TO), written with INSERT … SELECT generate_series:
 * orders and refund cases (buyer with phone and address, so the masking runs), 5 events a case
 * (CASE_OPENED, CONTACT_BUYER, VERIFY, PROPOSE, REFUND_EXECUTED) with realistic payloads and 64-hex
 * hashes (the chain does not verify: not needed here), inserted in `at` order as the service appends
 * them. Plus an auditor and a session token of it.
 */
async function seedShop(url: string, events: number): Promise<SeededShop> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const verbose = process.env.BENCH_VERBOSE ? (ms: number, step: string) => console.log(`  ${step}: ${(ms / 1000).toFixed(1)} s`) : undefined;
  const step = async (name: string, sql: string, params: unknown[]) => {
    const started = performance.now();
    await client.query(sql, params);
    verbose?.(performance.now() - started, name);
  };
  try {
    const shopId = randomUUID();
    const tag = shopId.slice(0, 8);
    const cases = Math.ceil(events / EVENTS_PER_CASE);
    await client.query('BEGIN');
    await client.query(`INSERT INTO shops (id, slug, name, platform) VALUES ($1, $2, 'Bench shop', 'tmall')`, [shopId, `bench-${tag}`]);
    const agentId = randomUUID();
    await client.query(
      `INSERT INTO agents (id, shop_id, email, display_name, role, password_hash) VALUES ($1, $2, 'auditor@example.com', '审计员', 'auditor', 'x')`,
      [agentId, shopId],
    );
    const token = `st_bench_${randomUUID()}`;
    await client.query(`INSERT INTO agent_sessions (shop_id, agent_id, token_hash, expires_at) VALUES ($1, $2, $3, now() + interval '7 days')`, [
      shopId,
      agentId,
      sha256Hex(token),
    ]);
    const handlerId = randomUUID();
    await client.query(
      `INSERT INTO agents (id, shop_id, email, display_name, role, password_hash) VALUES ($1, $2, 'agent@example.com', '客服小李', 'agent', 'x')`,
      [handlerId, shopId],
    );

    // One row per case: ids derived from (shop, k) so every table agrees without a join on random values.
    await step(
      'cases (temp)',
      `CREATE TEMP TABLE seed_cases ON COMMIT DROP AS
       SELECT k,
              md5($1::text || ':case:' || k)::uuid AS case_id,
              md5($1::text || ':order:' || k)::uuid AS order_id,
              $2::timestamptz + ((k::bigint * 29 * 86400000) / $3) * interval '1 millisecond'
                              + (abs(hashtext('o' || k)) % 3600000) * interval '1 millisecond' AS opened_at,
              least(5, $4::int - k * 5) AS n_events
       FROM generate_series(0, $3::int - 1) AS k`,
      [shopId, FROM, cases, events],
    );
    await step(
      'orders',
      `INSERT INTO orders (id, shop_id, external_order_id, currency, status, paid_total, refunded_total, shipped_at, snapshot, created_at, updated_at)
       SELECT order_id, $1, 'ORD-' || $2::text || '-' || k, 'CNY', 'shipped', 29900, 29900, opened_at - interval '2 days',
              jsonb_build_object('orderId', 'ORD-' || $2::text || '-' || k, 'status', 'shipped', 'paidTotal', 29900, 'currency', 'CNY',
                                 'shippedAt', opened_at - interval '2 days',
                                 'items', jsonb_build_array(jsonb_build_object('sku', 'SKU-1', 'title', '男士运动鞋', 'quantity', 1, 'unitPrice', 29900, 'goodsKind', 'standard'))),
              opened_at, opened_at
       FROM seed_cases`,
      [shopId, tag],
    );
    await step(
      'cases',
      `INSERT INTO cases (id, shop_id, order_id, type, platform, platform_case_id, state, version, machine_version, snapshot, currency,
                          requested_amount, refunded_amount, claimed_reason_code, claimed_reason_category, verified_reason_code,
                          verified_reason_category, buyer, buyer_text, outcome, assignee_id, requested_at, opened_at, updated_at,
                          archived_at, event_seq, chain_head)
       SELECT case_id, $1, order_id, 'refund', 'tmall', 'TB-RF-' || $2::text || '-' || k, 'archived', n_events, 1, '{"value":"archived"}'::jsonb, 'CNY',
              29900, 29900, 'quality_problem', 'quality', 'quality_problem', 'quality',
              jsonb_build_object('id', 'tb_buyer_' || k, 'nickname', '小明', 'phone', '138' || lpad((k % 100000000)::text, 8, '0'),
                                 'address', '浙江省杭州市余杭区文一西路 969 号 ' || (k % 30 + 1) || ' 幢 ' || (k % 1000 + 101) || ' 室'),
              '鞋底开胶了，穿了两次就裂开', 'refunded', $3, opened_at, opened_at, opened_at + (n_events - 1) * interval '2 hours',
              opened_at + (n_events - 1) * interval '2 hours', n_events,
              md5(case_id::text || ':' || n_events) || md5(n_events || ':' || case_id::text)
       FROM seed_cases`,
      [shopId, tag, handlerId],
    );
    await step(
      'case_events',
      `INSERT INTO case_events (case_id, seq, shop_id, type, actor_kind, actor_id, from_state, to_state, payload, at, prev_hash, hash)
       SELECT * FROM (
         SELECT c.case_id, s, $1::uuid,
                (ARRAY['CASE_OPENED', 'CONTACT_BUYER', 'VERIFY', 'PROPOSE', 'REFUND_EXECUTED'])[s],
                (ARRAY['integration', 'agent', 'agent', 'agent', 'system'])[s],
                CASE WHEN s = 1 THEN 'ak_' || $2::text WHEN s = 5 THEN 'refund-worker' ELSE $3::text END,
                (ARRAY[NULL, 'open.contact', 'open.verify', 'open.propose', 'followUp.refunding'])[s],
                (ARRAY['open.contact', 'open.verify', 'open.propose', 'followUp.refunding', 'archived'])[s],
                CASE s
                  WHEN 1 THEN jsonb_build_object('type', 'refund', 'requestedAmount', 29900, 'orderId', 'ORD-' || $2::text || '-' || c.k,
                                                 'reasonCode', 'quality_problem', 'buyerText', '鞋底开胶了，穿了两次就裂开')
                  WHEN 2 THEN jsonb_build_object('note', '已电话联系买家，确认鞋底开胶', 'amount', 29900, 'channel', 'phone')
                  WHEN 3 THEN jsonb_build_object('reasonCode', 'quality_problem', 'category', 'quality', 'note', '买家提供的照片显示鞋底与鞋面分离, "质量问题"')
                  WHEN 4 THEN jsonb_build_object('remedy', 'refund', 'amount', 29900, 'note', '同意全额退款，无需退货')
                  ELSE jsonb_build_object('amount', 29900, 'refundId', 'RF-' || $2::text || '-' || c.k, 'note', '退款已原路退回')
                END,
                c.opened_at + (s - 1) * interval '2 hours'
                            + CASE WHEN s > 1 THEN (abs(hashtext(c.k || ':' || s)) % 1800000) * interval '1 millisecond' ELSE interval '0' END AS at,
                CASE WHEN s = 1 THEN repeat('0', 64) ELSE md5(c.case_id::text || ':' || (s - 1)) || md5((s - 1) || ':' || c.case_id::text) END,
                md5(c.case_id::text || ':' || s) || md5(s || ':' || c.case_id::text)
         FROM seed_cases c CROSS JOIN LATERAL generate_series(1, c.n_events) AS s
       ) AS e
       ORDER BY at`,
      [shopId, tag, handlerId],
    );
    await client.query('COMMIT');
    const { rows } = await client.query(`SELECT count(*)::int AS n FROM case_events WHERE shop_id = $1 AND at >= $2 AND at < $3`, [shopId, FROM, TO]);
    if (rows[0].n !== events) throw new Error(`seeding: ${rows[0].n} events of the shop in the range, expected ${events}`);
    return { events, shopId, token };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

/** A fresh service exports the shop's events in `format`; the body is counted chunk by chunk and dropped. */
async function serviceExport(url: string, shop: SeededShop, format: 'csv' | 'ndjson'): Promise<Omit<ExportRun, 'floorMs'>> {
  const port = 30_000 + Math.floor(Math.random() * 20_000);
  const service = startService(url, port);
  let exited: string | undefined;
  service.once('exit', (code, signal) => (exited = `the service exited (code ${code}, signal ${signal})`));
  let sampler: NodeJS.Timeout | undefined;
  try {
    await waitUntilReady(port).catch((error: Error) => {
      throw new Error(exited ?? error.message);
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const pid = service.pid!;
    const before = memoryOf(pid);

    const query = new URLSearchParams({ from: FROM.toISOString(), to: TO.toISOString(), format });
    const rssSamples: number[] = [];
    sampler = setInterval(() => {
      try {
        rssSamples.push(memoryOf(pid).rss);
      } catch {
        // the process is gone: reported by the request
      }
    }, 100);
    const cpuBefore = cpuOf(pid);
    const clientCpuBefore = process.cpuUsage();
    const started = performance.now();
    const res = await fetch(`http://127.0.0.1:${port}/v1/audit/export?${query}`, { headers: { authorization: `Bearer ${shop.token}` } });
    const ttfbMs = performance.now() - started;
    if (res.status !== 200) throw new Error(`export ${format} ${shop.events}: HTTP ${res.status} ${await res.text()}`);
    const declared = res.headers.get('x-export-rows');
    const contentType = res.headers.get('content-type') ?? '';
    if (!contentType.startsWith(format === 'csv' ? 'text/csv' : 'application/x-ndjson')) throw new Error(`export ${format}: content-type ${contentType}`);

    let bytes = 0;
    let newlines = 0;
    let last = 0;
    const head: Buffer[] = [];
    let headBytes = 0;
    const body = async function* () {
      try {
        yield* res.body as unknown as AsyncIterable<Uint8Array>;
      } catch (error) {
        throw new Error(`export ${format} of ${shop.events} events: the body broke off after ${bytes} bytes (${exited ?? (error as Error).message})`, {
          cause: error,
        });
      }
    };
    for await (const chunk of body()) {
      bytes += chunk.length;
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) newlines++;
      if (chunk.length > 0) last = chunk[chunk.length - 1];
      if (headBytes < 8192) {
        head.push(Buffer.from(chunk.subarray(0, 8192 - headBytes)));
        headBytes += Math.min(chunk.length, 8192 - headBytes);
      }
    }
    const ms = performance.now() - started;
    clearInterval(sampler);
    const after = memoryOf(pid);
    const serviceCpu = cpuOf(pid) - cpuBefore;
    const clientUsage = process.cpuUsage(clientCpuBefore);
    const clientCpu = (clientUsage.user + clientUsage.system) / 1e6;

    // No field holds a line break (payload is JSON text), so lines = rows (+ the CSV header).
    const rows = newlines - (format === 'csv' ? 1 : 0);
    const problems: string[] = [];
    if (declared !== String(shop.events)) problems.push(`X-Export-Rows ${declared}, expected ${shop.events}`);
    if (rows !== shop.events) problems.push(`${rows} data lines received, expected ${shop.events}`);
    if (last !== 10) problems.push('the body does not end with a line break');
    checkHead(format, Buffer.concat(head).toString('utf8'), problems);
    if (problems.length > 0) throw new Error(`export ${format} of ${shop.events} events: ${problems.join('; ')}`);
    return {
      format,
      events: shop.events,
      rows,
      bytes,
      ms,
      ttfbMs,
      baselineRss: before.rss,
      hwmBefore: before.hwm,
      peakRss: after.hwm,
      rssSamples,
      serviceCpu,
      clientCpu,
    };
  } finally {
    clearInterval(sampler);
    if (exited === undefined) {
      service.kill('SIGTERM');
      await new Promise((resolve) => service.once('exit', resolve));
    }
  }
}

const COLUMNS = [
  'caseId',
  'platformCaseId',
  'orderId',
  'caseType',
  'seq',
  'type',
  'actorKind',
  'actorId',
  'fromState',
  'toState',
  'at',
  'payload',
  'prevHash',
  'hash',
  'buyerId',
  'buyerPhone',
  'buyerAddress',
];

/** The first lines look like the contract: columns in order, buyer data masked. */
function checkHead(format: 'csv' | 'ndjson', head: string, problems: string[]): void {
  const lines = head.split('\n').slice(0, -1);
  if (format === 'csv') {
    if (lines[0] !== `${COLUMNS.join(',')}\r`) problems.push(`CSV header ${JSON.stringify(lines[0])}`);
    if (lines[1] && !/,138\*\*\*\*\d{4},浙江省杭州市\*\*\*\*\r$/.test(lines[1])) problems.push(`CSV first row not masked as expected: ${lines[1]}`);
  } else {
    const first = lines[0] ? (JSON.parse(lines[0]) as Record<string, unknown>) : {};
    if (Object.keys(first).join(',') !== COLUMNS.join(',')) problems.push(`NDJSON keys ${Object.keys(first).join(',')}`);
    if (!/^138\*\*\*\*\d{4}$/.test(String(first.buyerPhone)) || first.buyerAddress !== '浙江省杭州市****')
      problems.push(`NDJSON first row not masked as expected: ${lines[0]}`);
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat (fields 14 and 15, in clock ticks of 1/100 s). */
function cpuOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** VmRSS and VmHWM (peak resident set) of a process, in bytes. */
function memoryOf(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

/**
 * The floor: what AuditExportService sends, from a bare node-postgres client: the same snapshot
 * (Snapshot.open), the same count (AUDIT_EXPORT_COUNT_SQL) and the same cursor over AUDIT_EXPORT_SQL
 * (Snapshot.batches), both imported from src/audit/audit-export.service.ts; rows are decoded by pg as the
 * service's are, then dropped. Only the access-log INSERT and the formatting/HTTP are left out.
 */
async function floorExport(url: string, shop: SeededShop): Promise<{ rows: number; ms: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const started = performance.now();
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const params = [shop.shopId, FROM, TO];
    const counted = await client.query(AUDIT_EXPORT_COUNT_SQL, params);
    await client.query(`DECLARE snapshot_rows NO SCROLL CURSOR FOR ${AUDIT_EXPORT_SQL}`, params);
    let rows = 0;
    for (;;) {
      const batch = await client.query(`FETCH FORWARD ${BATCH} FROM snapshot_rows`);
      rows += batch.rows.length;
      if (batch.rows.length < BATCH) break;
    }
    await client.query('CLOSE snapshot_rows');
    await client.query('ROLLBACK');
    const ms = performance.now() - started;
    if (counted.rows[0].rows !== rows) throw new Error(`floor: count ${counted.rows[0].rows}, cursor ${rows} rows`);
    return { rows, ms };
  } finally {
    await client.end();
  }
}

function deciles(samples: number[]): string {
  if (samples.length === 0) return '(export shorter than one sample)';
  return Array.from({ length: 10 }, (_, i) => mib(samples[Math.min(samples.length - 1, Math.ceil(((i + 1) * samples.length) / 10) - 1)])).join(' ');
}

const rate = (rows: number, ms: number) => (rows / ms) * 1000;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const mib = (bytes: number) => (bytes / MiB).toFixed(0);

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
