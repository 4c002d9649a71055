import autocannon from 'autocannon';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startBenchServer } from './support/bench-db.js';
import { replay, type RecordedSession } from './support/pg-recorder.js';
import { startService, waitUntilReady } from './support/service.js';
import { seedOpenCases } from './support/seed.js';

/**
 * Events benchmark: `POST /v1/cases/:id/events` (CONTACT_BUYER, each request on another case) at 32
 * connections against the service running as it is deployed (its own process, external database).
 * A second, untimed run records every statement the service sends; that SQL replayed by a raw
 * node-postgres loop on as many connections as the service used is the floor.
 *
 *   npm run bench:events [-- <requests> <connections>]     (defaults: 20000 requests, 32 connections)
 */
const REQUESTS = Number(process.argv[2] ?? 20_000);
const CONNECTIONS = Number(process.argv[3] ?? 32);

async function main(): Promise<void> {
  const server = await startBenchServer();
  try {
    console.log(`seeding ${REQUESTS.toLocaleString('en-US')} open cases…`);
    await server.createMigrated('bench_events_seed');
    const seeded = await seedOpenCases(server.urlFor('bench_events_seed'), REQUESTS, new Date());

    const measured = await server.copy('bench_events_seed', 'bench_events_run');
    const run = await load(measured, seeded.caseIds, seeded.agentToken);
    await verify(measured, REQUESTS);

    const recordFile = join(tmpdir(), `bench-events-${randomBytes(4).toString('hex')}.json`);
    const recordedUrl = await server.copy('bench_events_seed', 'bench_events_rec');
    await load(recordedUrl, seeded.caseIds, seeded.agentToken, recordFile);
    const sessions = JSON.parse(readFileSync(recordFile, 'utf8')) as RecordedSession[];
    if (!process.env.BENCH_KEEP_RECORDING) rmSync(recordFile);
    else console.log(`recording kept in ${recordFile}`);

    const floorUrl = await server.copy('bench_events_seed', 'bench_events_floor');
    const floorMs = await replay(floorUrl, sessions);
    await verify(floorUrl, REQUESTS);
    for (const name of ['bench_events_run', 'bench_events_rec', 'bench_events_floor']) await server.drop(name);

    const floorRate = (REQUESTS / floorMs) * 1000;
    console.log(
      `${run.requests.toLocaleString('en-US')} events at ${CONNECTIONS} connections: ${Math.round(run.rate).toLocaleString('en-US')} events/s, ` +
        `p50 ${run.p50} ms, p99 ${run.p99} ms, non-2xx ${run.errors}` +
        `  | same SQL replayed by raw pg (${sessions.length} connections): ${Math.round(floorRate).toLocaleString('en-US')}/s  | ratio ${(run.rate / floorRate).toFixed(2)}`,
    );
    console.log(
      JSON.stringify({
        benchmark: 'events',
        requests: run.requests,
        connections: CONNECTIONS,
        eventsPerSecond: Math.round(run.rate),
        p50Ms: run.p50,
        p99Ms: run.p99,
        non2xx: run.errors,
        floorPerSecond: Math.round(floorRate),
        ratio: +(run.rate / floorRate).toFixed(2),
      }),
    );
    if (run.errors > 0) process.exitCode = 1;
  } finally {
    await server.drop('bench_events_seed').catch(() => undefined);
    await server.stop();
  }
}

/** Starts the service on `url`, sends one CONTACT_BUYER to each case, stops the service. */
async function load(url: string, caseIds: string[], token: string, recordFile?: string) {
  const port = 30_000 + Math.floor(Math.random() * 20_000);
  const service = startService(url, port, recordFile);
  try {
    await waitUntilReady(port);
    let next = 0;
    const result = await autocannon({
      url: `http://127.0.0.1:${port}`,
      connections: CONNECTIONS,
      amount: caseIds.length,
      requests: [
        {
          method: 'POST',
          headers: { 'authorization': `Bearer ${token}`, 'content-type': 'application/json' },
          setupRequest: (request) => ({
            ...request,
            path: `/v1/cases/${caseIds[next++]}/events`,
            body: JSON.stringify({ type: 'CONTACT_BUYER', note: '您好，我们已收到您的售后申请' }),
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

async function verify(url: string, expected: number): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query(`SELECT count(*)::int AS n FROM case_events WHERE type = 'CONTACT_BUYER'`);
  await client.end();
  if (rows[0].n !== expected) throw new Error(`verification failed: ${rows[0].n} CONTACT_BUYER events, expected ${expected}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
