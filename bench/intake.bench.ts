import autocannon from 'autocannon';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { newBearerSecret, sha256Hex } from '../src/platform/auth/secrets.js';
import { startBenchServer } from './support/bench-db.js';
import { replay, type RecordedSession } from './support/pg-recorder.js';
import { startService, waitUntilReady } from './support/service.js';

/**
 * Intake benchmark: `POST /v1/cases` with the shop's API key at 32 connections, each request a new case
 * (fresh Idempotency-Key, platform case id and order) against the service running as it is deployed
 * (its own process, external database). A second, untimed run records every statement the service
 * sends; that SQL replayed by a raw node-postgres loop on as many connections as the service used is
 * the floor. Every run starts from a copy of the same database: one shop with one API key, no cases.
 *
 *   npm run bench:intake [-- <requests> <connections>]     (defaults: 20000 requests, 32 connections)
 */
const REQUESTS = Number(process.argv[2] ?? 20_000);
const CONNECTIONS = Number(process.argv[3] ?? 32);

async function main(): Promise<void> {
  const server = await startBenchServer();
  try {
    console.log('seeding a shop and its API key…');
    await server.createMigrated('bench_intake_seed');
    const apiKey = await seedShopWithApiKey(server.urlFor('bench_intake_seed'));

    const measured = await server.copy('bench_intake_seed', 'bench_intake_run');
    const run = await load(measured, apiKey);
    await verify(measured, REQUESTS);

    const recordFile = join(tmpdir(), `bench-intake-${randomBytes(4).toString('hex')}.json`);
    const recordedUrl = await server.copy('bench_intake_seed', 'bench_intake_rec');
    await load(recordedUrl, apiKey, recordFile);
    const sessions = JSON.parse(readFileSync(recordFile, 'utf8')) as RecordedSession[];
    if (!process.env.BENCH_KEEP_RECORDING) rmSync(recordFile);
    else console.log(`recording kept in ${recordFile}`);
    claimBeforeCompleting(sessions);

    const floorUrl = await server.copy('bench_intake_seed', 'bench_intake_floor');
    const floorMs = await replay(floorUrl, sessions);
    await verify(floorUrl, REQUESTS);
    for (const name of ['bench_intake_run', 'bench_intake_rec', 'bench_intake_floor']) await server.drop(name);

    const floorRate = (REQUESTS / floorMs) * 1000;
    console.log(
      `${run.requests.toLocaleString('en-US')} intakes at ${CONNECTIONS} connections: ${Math.round(run.rate).toLocaleString('en-US')} requests/s, ` +
        `p50 ${run.p50} ms, p99 ${run.p99} ms, non-2xx ${run.errors}` +
        `  | same SQL replayed by raw pg (${sessions.length} connections): ${Math.round(floorRate).toLocaleString('en-US')}/s  | ratio ${(run.rate / floorRate).toFixed(2)}`,
    );
    console.log(
      JSON.stringify({
        benchmark: 'intake',
        requests: run.requests,
        connections: CONNECTIONS,
        requestsPerSecond: Math.round(run.rate),
        p50Ms: run.p50,
        p99Ms: run.p99,
        non2xx: run.errors,
        floorPerSecond: Math.round(floorRate),
        ratio: +(run.rate / floorRate).toFixed(2),
      }),
    );
    if (run.errors > 0) process.exitCode = 1;
  } finally {
    await server.drop('bench_intake_seed').catch(() => undefined);
    await server.stop();
  }
}

/** A tmall shop and an integration key of it, written as the service writes them; returns the key. */
async function seedShopWithApiKey(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const shopId = randomUUID();
  await client.query(`INSERT INTO shops (id, slug, name, platform) VALUES ($1, $2, 'Bench shop', 'tmall')`, [shopId, `bench-${shopId.slice(0, 8)}`]);
  const { token, prefix } = newBearerSecret('ak');
  await client.query(`INSERT INTO api_keys (shop_id, name, prefix, key_hash) VALUES ($1, 'bench', $2, $3)`, [shopId, prefix, sha256Hex(token)]);
  await client.query('ANALYZE');
  await client.end();
  return token;
}

/** A refund of a shipped order of one standard item; `n` makes the platform case and the order new. */
function intakeBody(n: number, now: Date): string {
  return JSON.stringify({
    platform: 'tmall',
    platformCaseId: `TB-RF-${n}`,
    type: 'refund',
    reasonCode: 'quality_problem',
    buyerText: '鞋底开胶了',
    requestedAmount: 9_900,
    requestedAt: now.toISOString(),
    buyer: { id: `tb_buyer_${n}`, nickname: '小明', phone: '13800138000', address: '浙江省杭州市余杭区文一西路 969 号' },
    order: {
      orderId: `ORD-${n}`,
      status: 'shipped',
      paidTotal: 9_900,
      currency: 'CNY',
      shippedAt: new Date(now.getTime() - 86_400_000).toISOString(),
      items: [{ sku: 'SKU-1', title: '男士运动鞋', quantity: 1, unitPrice: 9_900, goodsKind: 'standard' }],
    },
  });
}

/** Starts the service on `url`, opens REQUESTS cases, stops the service. */
async function load(url: string, apiKey: string, recordFile?: string) {
  const port = 30_000 + Math.floor(Math.random() * 20_000);
  const service = startService(url, port, recordFile);
  try {
    await waitUntilReady(port);
    const now = new Date();
    let next = 0;
    const result = await autocannon({
      url: `http://127.0.0.1:${port}`,
      connections: CONNECTIONS,
      amount: REQUESTS,
      requests: [
        {
          method: 'POST',
          path: '/v1/cases',
          setupRequest: (request) => ({
            ...request,
            headers: { 'authorization': `Bearer ${apiKey}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
            body: intakeBody(next++, now),
          }),
        },
      ],
    });
    if (recordFile) {
      service.kill('SIGUSR2');
      while (!existsSync(recordFile)) await new Promise((resolve) => setTimeout(resolve, 100));
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    return {
      requests: result.requests.total,
      rate: result.requests.total / result.duration,
      p50: result.latency.p50,
      p99: result.latency.p99,
      errors: result.non2xx + result.errors,
    };
  } finally {
    service.kill('SIGTERM');
    await new Promise((resolve) => service.once('exit', resolve));
  }
}

/**
 * An idempotency key is claimed on one pooled connection and completed on whichever connection is free
 * when the case is open. Replayed connection by connection, a completion could run before its claim
 * and update nothing. Each claim moves to just before its completion, on the completion's connection:
 * the same statements still run, each connection's others in their recorded order.
 */
function claimBeforeCompleting(sessions: RecordedSession[]): void {
  const isClaim = (text: string) => /^\s*INSERT INTO idempotency_keys\b/.test(text);
  const isCompletion = (text: string) => /^\s*UPDATE idempotency_keys SET state = 'completed'/.test(text);
  const keyOf = (statement: RecordedSession['statements'][number]) => JSON.stringify(statement.values?.slice(0, 2));
  const claims = new Map(sessions.flatMap((session) => session.statements.filter((s) => isClaim(s.text)).map((s) => [keyOf(s), s] as const)));
  if (claims.size !== REQUESTS) throw new Error(`recorded ${claims.size} idempotency claims, expected ${REQUESTS}`);
  for (const session of sessions) {
    session.statements = session.statements.flatMap((statement) => {
      if (isClaim(statement.text)) return [];
      if (!isCompletion(statement.text)) return [statement];
      const claim = claims.get(keyOf(statement));
      if (!claim) throw new Error(`no recorded claim for the completion of ${keyOf(statement)}`);
      claims.delete(keyOf(statement));
      return [claim, statement];
    });
  }
  if (claims.size > 0) throw new Error(`${claims.size} idempotency claims were never completed`);
}

/** Every request opened its case and completed its idempotency key. */
async function verify(url: string, expected: number): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query(
    `SELECT (SELECT count(*)::int FROM cases) AS cases, (SELECT count(*)::int FROM idempotency_keys WHERE state = 'completed' AND response_status = 201) AS keys`,
  );
  await client.end();
  if (rows[0].cases !== expected || rows[0].keys !== expected) {
    throw new Error(`verification failed: ${rows[0].cases} cases and ${rows[0].keys} completed idempotency keys, expected ${expected}`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
