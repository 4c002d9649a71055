// The browser suite's service: the BUILT application (dist/, which carries the decorator metadata Nest's
// dependency injection needs) on embedded PostgreSQL, with a ManualClock, serving dist/console; plus a
// second, loopback-only control port that belongs to this harness process, never to the application:
//
//   GET  /clock                  → { now }            the service's time
//   POST /clock/advance {ms}     → { now }            moves the ManualClock forward
//   POST /sweep                  → { fired, ... }     runs the deadline sweeper once (it is disabled otherwise)
//   POST /streams/drop           → { dropped }        cuts every open GET /v1/stream connection at the socket, as a
//                                                     network drop would (browser offline emulation leaves an open stream alone)
//
// Started by global-setup.ts as a child process (plain Node, so no test transpiler touches dist/). It prints
// one line `HARNESS_READY {"baseUrl":…,"controlUrl":…,"adminToken":…}` when ready, and shuts everything down
// on SIGTERM/SIGINT or when its parent goes away (stdin closes).
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dist = (path) => new URL(`../../../dist/${path}`, import.meta.url).href;

const consoleDir = join(root, 'dist/console');
if (!existsSync(join(root, 'dist/src/app.factory.js')) || !existsSync(join(consoleDir, 'index.html'))) {
  console.error('HARNESS_FAILED the built application is missing: run `npm run build` first (the browser tests run against dist/)');
  process.exit(1);
}

const { createApp } = await import(dist('src/app.factory.js'));
const { ManualClock } = await import(dist('src/platform/clock/clock.js'));
const { loadEnvironment } = await import(dist('src/platform/config/environment.js'));
const { createDatabaseIfMissing, dropDatabase, withDatabase } = await import(dist('src/platform/database/database-admin.js'));
const { TimerSweeper } = await import(dist('src/timers/timer-sweeper.js'));

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

const cleanups = [];
let closing = false;
async function shutdown(code = 0) {
  if (closing) return;
  closing = true;
  for (const cleanup of cleanups.reverse()) {
    try {
      await cleanup();
    } catch (error) {
      console.error('harness cleanup:', error?.message ?? error);
    }
  }
  process.exit(code);
}
process.on('SIGTERM', () => void shutdown(0));
process.on('SIGINT', () => void shutdown(0));
process.stdin.on('end', () => void shutdown(0));
process.stdin.resume();

try {
  const work = await mkdtemp(join(tmpdir(), 'aftersales-console-e2e-'));
  await chmod(work, 0o755); // the unprivileged postgres user must reach the cluster folder
  cleanups.push(() => rm(work, { recursive: true, force: true }));

  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const { startEmbeddedPostgres } = await import(dist('src/platform/database/embedded-postgres.launcher.js'));
    const server = await startEmbeddedPostgres({ dataDir: work, port: await freePort(), ephemeral: true });
    cleanups.push(() => server.stop());
    adminUrl = server.adminUrl;
  }
  const dbName = `console_e2e_${randomBytes(5).toString('hex')}`;
  await createDatabaseIfMissing(adminUrl, dbName);
  cleanups.push(() => dropDatabase(adminUrl, dbName));
  const databaseUrl = withDatabase(adminUrl, dbName);

  const adminToken = `e2e-admin-${randomBytes(24).toString('hex')}`;
  const env = loadEnvironment({
    LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'silent',
    DATABASE_URL: databaseUrl,
    ADMIN_TOKEN: adminToken,
    DB_POOL_SIZE: '8',
    DB_CONNECT_RETRIES: '0',
    // The specs fire deadlines themselves (POST /sweep) and deliver no webhooks.
    TIMER_SWEEPER_ENABLED: 'false',
    WEBHOOK_DISPATCHER_ENABLED: 'false',
    // The specs move the service's clock by days; sessions must outlive that.
    SESSION_TTL_HOURS: String(24 * 90),
    // Live updates read the feed every 250 ms instead of every second: the specs wait less.
    STREAM_POLL_INTERVAL_MS: '250',
    CONSOLE_DIR: consoleDir,
    EVIDENCE_DIR: join(work, 'evidence'),
    DATA_DIR: join(work, 'data'),
  });
  // Real time at start (the browser's clock is installed at the service's time by each spec).
  const clock = new ManualClock(new Date());
  const app = await createApp({ env, databaseUrl, adminToken, clock });
  cleanups.push(() => app.close());
  const port = await freePort();
  await app.listen({ port, host: '127.0.0.1' });
  const sweeper = app.get(TimerSweeper);
  const streamSockets = new Set();
  app.getHttpServer().on('request', (req) => {
    if (!req.url?.startsWith('/v1/stream') || req.url.startsWith('/v1/stream/')) return;
    streamSockets.add(req.socket);
    req.socket.once('close', () => streamSockets.delete(req.socket));
  });

  const control = createHttpServer(async (req, res) => {
    const reply = (status, body) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    try {
      let raw = '';
      for await (const chunk of req) raw += chunk;
      const body = raw ? JSON.parse(raw) : {};
      if (req.method === 'GET' && req.url === '/clock') return reply(200, { now: clock.now().toISOString() });
      if (req.method === 'POST' && req.url === '/clock/advance') {
        const ms = Number(body.ms);
        if (!Number.isFinite(ms) || ms < 0) return reply(400, { error: 'ms must be a non-negative number' });
        return reply(200, { now: clock.advance(ms).toISOString() });
      }
      if (req.method === 'POST' && req.url === '/streams/drop') {
        const dropped = streamSockets.size;
        for (const socket of streamSockets) socket.destroy();
        streamSockets.clear();
        return reply(200, { dropped });
      }
      if (req.method === 'POST' && req.url === '/sweep') return reply(200, (await sweeper.runOnce()) ?? {});
      return reply(404, { error: `no ${req.method} ${req.url}` });
    } catch (error) {
      return reply(500, { error: String(error?.stack ?? error) });
    }
  });
  const controlPort = await freePort();
  await new Promise((resolve) => control.listen(controlPort, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => control.close(() => resolve())));

  console.log(`HARNESS_READY ${JSON.stringify({ baseUrl: `http://127.0.0.1:${port}`, controlUrl: `http://127.0.0.1:${controlPort}`, adminToken })}`);
} catch (error) {
  console.error(`HARNESS_FAILED ${error?.stack ?? error}`);
  await shutdown(1);
}
