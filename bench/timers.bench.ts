import 'reflect-metadata';
import pg from 'pg';
import { createSweeper, sweepUntilDone } from './support/sweepers.js';
import { formatRate, startBenchServer } from './support/bench-db.js';
import { PgRecorder, replay } from './support/pg-recorder.js';
import { seedOpenCases } from './support/seed.js';

/**
 * Timers benchmark: N merchant-response deadlines fall due at once and 1 or 4 deadline sweepers fire them
 * (auto-approval: snapshot, money reservation, audit event, timer row). Runs with 1 and with 4 workers
 * on identical copies of the seeded database. A second, untimed run records every statement the
 * sweepers send; that exact SQL is then replayed by a raw node-postgres loop at the same concurrency on
 * a third copy: the floor (PostgreSQL's work alone, without the service's).
 *
 *   npm run bench:timers [-- <count> <batch>]     (defaults: 100000 timers, batches of 1000)
 */
const COUNT = Number(process.argv[2] ?? 100_000);
const BATCH = Number(process.argv[3] ?? 1000);
const WORKERS = (process.env.BENCH_WORKERS ?? '1,4').split(',').map(Number);
const HOUR = 3_600_000;

async function main(): Promise<void> {
  const server = await startBenchServer();
  const requestedAt = new Date('2026-11-02T09:00:00.000Z');
  try {
    console.log(`seeding ${COUNT.toLocaleString('en-US')} open cases with due deadlines…`);
    await server.createMigrated('bench_timers_seed');
    await seedOpenCases(server.urlFor('bench_timers_seed'), COUNT, requestedAt);

    const results = [];
    for (const workers of WORKERS) {
      // Measured run: nothing but the sweepers in the process.
      const url = await server.copy('bench_timers_seed', `bench_timers_w${workers}`);
      const { ms, fired } = await sweep(url, workers, new Date(requestedAt.getTime() + 49 * HOUR));
      await verify(url, COUNT);
      await server.drop(`bench_timers_w${workers}`);

      // Recording run (not timed): the statements the sweepers send, for the floor.
      const recordUrl = await server.copy('bench_timers_seed', `bench_timers_rec_w${workers}`);
      const recorder = new PgRecorder(pinClaim);
      recorder.start();
      await sweepInProcess(recordUrl, workers, new Date(requestedAt.getTime() + 49 * HOUR));
      const sessions = recorder.stop();
      await server.drop(`bench_timers_rec_w${workers}`);

      const floorUrl = await server.copy('bench_timers_seed', `bench_timers_floor_w${workers}`);
      const floorMs = await replay(floorUrl, sessions);
      await verify(floorUrl, COUNT);
      await server.drop(`bench_timers_floor_w${workers}`);

      const rate = (fired / ms) * 1000;
      const floorRate = (COUNT / floorMs) * 1000;
      results.push({
        workers,
        timers: fired,
        seconds: +(ms / 1000).toFixed(2),
        timersPerSecond: Math.round(rate),
        floorPerSecond: Math.round(floorRate),
        ratio: +(rate / floorRate).toFixed(2),
      });
      console.log(
        `workers=${workers}  fired ${fired.toLocaleString('en-US')} in ${(ms / 1000).toFixed(2)} s = ${formatRate(fired, ms)}` +
          `  | same SQL replayed by raw pg (${sessions.length} connections): ${formatRate(COUNT, floorMs)}  | ratio ${(rate / floorRate).toFixed(2)}`,
      );
    }
    console.log(JSON.stringify({ benchmark: 'timers', count: COUNT, batch: BATCH, results }));
  } finally {
    await server.drop('bench_timers_seed').catch(() => undefined);
    await server.stop();
  }
}

/**
 * W sweepers started together, each with its own connection, in this process. (One process per
 * instance was measured too: on 2 cores, 4 Node processes and PostgreSQL starve each other; slower.)
 */
async function sweep(url: string, workers: number, now: Date): Promise<{ ms: number; fired: number }> {
  const instances = await Promise.all(Array.from({ length: workers }, () => createSweeper(url, now, BATCH)));
  const started = performance.now();
  const counts = await Promise.all(instances.map(({ sweeper }) => sweepUntilDone(sweeper, BATCH)));
  const ms = performance.now() - started;
  await Promise.all(instances.map(({ close }) => close()));
  return { ms, fired: counts.reduce((a, b) => a + b, 0) };
}

/** The same sweepers in this process, to record the statements they send. */
async function sweepInProcess(url: string, workers: number, now: Date): Promise<void> {
  const instances = await Promise.all(Array.from({ length: workers }, () => createSweeper(url, now, BATCH)));
  await Promise.all(instances.map(({ sweeper }) => sweepUntilDone(sweeper, BATCH)));
  await Promise.all(instances.map(({ close }) => close()));
}

/** Pins a replayed deadline claim to the timers it claimed when recorded (see PgRecorder). */
function pinClaim(statement: { text: string; values?: unknown[] }, rows: unknown[]) {
  if (!statement.text.includes('SKIP LOCKED') || !statement.text.includes('claimed_timer')) return undefined;
  const claimed = rows as Array<{ claimed_timer: { case_id: string; timer_id: string } }>;
  return {
    // The claim's due condition (`… <= $1`, whatever it compares) gets the rows it claimed pinned to it.
    text: statement.text.replace(/(WHERE [^\n]*?<= \$1)/, '$1 AND (t.case_id, t.timer_id) IN (SELECT * FROM unnest($3::uuid[], $4::text[]))'),
    values: [...(statement.values ?? []), claimed.map((r) => r.claimed_timer.case_id), claimed.map((r) => r.claimed_timer.timer_id)],
  };
}

async function verify(url: string, expected: number): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query(
    `SELECT (SELECT count(*) FROM case_events WHERE type = 'MERCHANT_RESPONSE_EXPIRED')::int AS fired,
            (SELECT count(*) FROM case_timers)::int AS left,
            (SELECT count(*) FROM cases WHERE state = 'followUp.refunding' AND reserved_amount = requested_amount)::int AS approved`,
  );
  await client.end();
  const { fired, left, approved } = rows[0];
  if (fired !== expected || left !== 0 || approved !== expected) {
    throw new Error(`verification failed: fired ${fired}, timers left ${left}, approved ${approved}, expected ${expected}`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
