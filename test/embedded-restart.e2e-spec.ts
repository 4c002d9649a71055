import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, realpath, rm, rmdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import request from 'supertest';
import { SystemClock } from '../src/platform/clock/clock.js';
import { relocatedClusterDir, SYSTEM_CLUSTER_ROOT } from '../src/platform/database/cluster-placement.js';
import { EmbeddedPostgresError, startEmbeddedPostgres, type RunningPostgres } from '../src/platform/database/embedded-postgres.launcher.js';
import { inspectProcess, readPostmasterPid, stopPostmaster } from '../src/platform/database/postmaster.js';
import { openCase } from './support/cases.js';
import { bearer, createApiKey, createShop } from './support/fixtures.js';
import type { TestApp } from './support/test-app.js';

// The real service as `npm start` runs it (compiled by tsc: Nest needs the decorator metadata that
// tsx does not emit), on its embedded PostgreSQL, killed the hard way.

const projectRoot = fileURLToPath(new URL('..', import.meta.url));
const adminToken = `adm-${randomBytes(24).toString('hex')}`;
const isRoot = process.getuid?.() === 0;

interface Service {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const spawned = new Set<ChildProcess>();
const servers: RunningPostgres[] = [];
let buildDir: string;
let dataDir: string;
let clusterDir: string;
let port: number;
let pgPort: number;

beforeAll(async () => {
  // Inside the project, so that the build finds node_modules; never dist/, which `npm start` owns.
  await mkdir(join(projectRoot, 'node_modules', '.cache'), { recursive: true });
  buildDir = await mkdtemp(join(projectRoot, 'node_modules', '.cache', 'embedded-restart-build-'));
  const tsc = join(projectRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  // Type errors elsewhere in a working tree still emit JavaScript; typecheck is `npm run typecheck`'s job.
  await promisify(execFile)(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', buildDir], { cwd: projectRoot }).catch(() => undefined);
  if (!existsSync(join(buildDir, 'src', 'main.js'))) throw new Error('tsc did not emit src/main.js');

  dataDir = await realpath(await mkdtemp(join(tmpdir(), 'aftersales-restart-')));
  await chmod(dataDir, 0o755); // the unprivileged postgres user must reach the cluster folder
  clusterDir = join(dataDir, 'pg');
  [port, pgPort] = [await freePort(), await freePort()];
}, 60_000);

afterAll(async () => {
  for (const child of spawned) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const server of servers) await server.stop().catch(() => undefined);
  // Whatever a failed test left running on the folder: the server, then the watchdogs.
  const file = clusterDir ? await readPostmasterPid(clusterDir).catch(() => undefined) : undefined;
  if (file && (await inspectProcess(file.pid))) await stopPostmaster(file.pid, { graceMs: 5_000, forceMs: 2_000 }).catch(() => undefined);
  for (const leftover of await processesMatching(dataDir ?? '\0')) process.kill(leftover.pid, 'SIGKILL');
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  if (buildDir) await rm(buildDir, { recursive: true, force: true });
});

describe('embedded PostgreSQL across a crashed service', () => {
  const caseIds: string[] = [];
  let apiKey: string;
  let api: TestApp;

  it('should stop the server of a SIGKILLed service by itself, through the watchdog', async () => {
    const service = startService();
    api = await waitHealthy(service);
    const shop = await createShop(api);
    apiKey = (await createApiKey(api, shop.id)).key;
    for (let i = 0; i < 3; i++) caseIds.push((await openCase(api, apiKey)).id);

    const postmaster = (await readPostmasterPid(clusterDir))!.pid;
    const watchdog = (await childrenOf(service.child.pid!)).find((info) => info.command.includes('postgres-watchdog'));
    expect(watchdog).toBeDefined();
    expect(await inspectProcess(postmaster)).toBeDefined();

    service.child.kill('SIGKILL');
    await service.exited;
    expect(await gone(postmaster, 15_000)).toBe(true);
    expect(await gone(watchdog!.pid, 5_000)).toBe(true);
    // A fast shutdown: the pid file is removed and nothing needs recovering.
    expect(existsSync(join(clusterDir, 'postmaster.pid'))).toBe(false);
    expect(service.stderr()).toContain(`postgres-watchdog: the service ended without stopping PostgreSQL (pid ${postmaster}`);
  });

  it('should stop a server left running on its folder at the next start, and lose nothing committed', async () => {
    const second = startService();
    api = await waitHealthy(second);
    for (let i = 0; i < 3; i++) caseIds.push((await openCase(api, apiKey)).id);

    // An orphan the watchdog cannot stop: the watchdog dies first, then the service.
    const orphan = (await readPostmasterPid(clusterDir))!.pid;
    const watchdog = (await childrenOf(second.child.pid!)).find((info) => info.command.includes('postgres-watchdog'));
    process.kill(watchdog!.pid, 'SIGKILL');
    expect(await gone(watchdog!.pid, 5_000)).toBe(true);
    second.child.kill('SIGKILL');
    await second.exited;
    expect(await inspectProcess(orphan)).toBeDefined();

    const third = startService();
    api = await waitHealthy(third);
    expect(third.stdout()).toContain(`stopping PostgreSQL (pid ${orphan}) that was left running on ${clusterDir}`);
    expect(await inspectProcess(orphan)).toBeUndefined();
    expect((await readPostmasterPid(clusterDir))!.pid).not.toBe(orphan);
    for (const id of caseIds) {
      const res = await api.http.get(`/v1/cases/${id}`).set(bearer(apiKey));
      expect({ status: res.status, id: res.body.id }).toEqual({ status: 200, id });
    }

    // A normal shutdown is untouched by the watchdog: the service stops the server, the watchdog leaves quietly.
    const postmaster = (await readPostmasterPid(clusterDir))!.pid;
    const nextWatchdog = (await childrenOf(third.child.pid!)).find((info) => info.command.includes('postgres-watchdog'));
    third.child.kill('SIGTERM');
    expect(await third.exited).toEqual({ code: 0, signal: null });
    expect(await inspectProcess(postmaster)).toBeUndefined();
    expect(await gone(nextWatchdog!.pid, 5_000)).toBe(true);
    expect(third.stderr()).not.toContain('postgres-watchdog');
  });

  it('should refuse, in one line, a folder whose server a running process still uses', async () => {
    // This test process plays the running service that owns the server.
    const held = await startEmbeddedPostgres({ dataDir, port: pgPort });
    servers.push(held);
    const service = startService();
    expect(await service.exited).toEqual({ code: 1, signal: null });
    expectOneLine(service.stderr(), `${clusterDir} is in use by PostgreSQL (pid ${held.pid}) of another running process (pid ${process.pid}`);
    expect(await inspectProcess(held.pid)).toBeDefined();
    await held.stop();
  });

  it('should refuse, in one line, a port another program listens on', async () => {
    const squatter = await listenOn(pgPort);
    try {
      const service = startService();
      expect(await service.exited).toEqual({ code: 1, signal: null });
      expectOneLine(service.stderr(), `Port ${pgPort} on 127.0.0.1 is already in use by another program`);
    } finally {
      await new Promise((done) => squatter.close(done));
    }
  });

  it('should start over a stale postmaster.pid whose pid is gone or belongs to another process', async () => {
    const dead = await pidOfExitedProcess();
    for (const pid of [dead, process.pid]) {
      await writeFile(join(clusterDir, 'postmaster.pid'), `${pid}\n${clusterDir}\n`);
      const server = await startEmbeddedPostgres({ dataDir, port: pgPort });
      servers.push(server);
      expect(server.pid).not.toBe(pid);
      await server.stop();
    }
  });
});

describe('a DATA_DIR inside a home folder only its owner may enter (0700)', () => {
  let home: string;
  const relocated: string[] = [];

  beforeAll(async () => {
    home = await realpath(await mkdtemp(join(tmpdir(), 'aftersales-home-')));
    await chmod(home, 0o700);
  });
  afterAll(async () => {
    for (const dir of relocated) await rm(dirname(dir), { recursive: true, force: true });
    // Only when nothing else lives there.
    if (isRoot) await rmdir(SYSTEM_CLUSTER_ROOT).catch(() => undefined);
    await rm(home, { recursive: true, force: true });
  });

  if (isRoot) {
    it('should keep the cluster where the postgres user can reach it, say where, and start (as root)', async () => {
      const dataDir = join(home, 'app', '.data');
      const notices: string[] = [];
      const server = await startEmbeddedPostgres({ dataDir, port: await freePort(), ephemeral: true, onNotice: (_, message) => notices.push(message) });
      servers.push(server);
      relocated.push(server.clusterDir);
      expect(server.clusterDir).toBe(relocatedClusterDir(await realpath(dataDir)));
      expect(server.clusterDir.startsWith(`${SYSTEM_CLUSTER_ROOT}/`)).toBe(true);
      expect(notices.filter((message) => message.includes(server.clusterDir))).toEqual([
        `embedded PostgreSQL cluster is kept in ${server.clusterDir} (the postgres user may not enter ${home} (mode 0700)); DATA_DIR keeps the rest`,
      ]);
      expect(await query(server.adminUrl, 'select current_setting($1) as value', ['data_directory'])).toBe(server.clusterDir);
      // The password file stays in DATA_DIR; the home folder keeps its mode.
      expect(existsSync(join(dataDir, 'pg-password'))).toBe(true);
      expect(existsSync(join(dataDir, 'pg'))).toBe(false);
      await server.stop();
      expect(await inspectProcess(server.pid)).toBeUndefined();
      expect(existsSync(dirname(server.clusterDir))).toBe(false);
    });

    it('should refuse, in one line, a cluster already in DATA_DIR that the postgres user cannot reach', async () => {
      const dataDir = join(home, 'old', '.data');
      await mkdir(join(dataDir, 'pg'), { recursive: true });
      await writeFile(join(dataDir, 'pg', 'PG_VERSION'), '18\n');
      const start = startEmbeddedPostgres({ dataDir, port: await freePort() });
      await expect(start).rejects.toBeInstanceOf(EmbeddedPostgresError);
      await expect(start).rejects.toThrow(`A PostgreSQL cluster exists in ${join(dataDir, 'pg')} but the postgres user may not enter ${home} (mode 0700)`);
    });
  } else {
    it('should keep the cluster in DATA_DIR (not root: the server runs as this user, who owns the folder)', async () => {
      const dataDir = join(home, 'app', '.data');
      const notices: string[] = [];
      const server = await startEmbeddedPostgres({ dataDir, port: await freePort(), ephemeral: true, onNotice: (_, message) => notices.push(message) });
      servers.push(server);
      expect(server.clusterDir).toBe(join(await realpath(dataDir), 'pg'));
      expect(notices).toEqual([]);
      expect(await query(server.adminUrl, 'select current_setting($1) as value', ['data_directory'])).toBe(server.clusterDir);
      await server.stop();
      expect(await inspectProcess(server.pid)).toBeUndefined();
    });
  }
});

function startService(): Service {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    EMBEDDED_PG_PORT: String(pgPort),
    ADMIN_TOKEN: adminToken,
    LOG_LEVEL: 'info',
  };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, ['--enable-source-maps', join(buildDir, 'src', 'main.js')], {
    cwd: projectRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  spawned.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.once('exit', (code, signal) => done({ code, signal })));
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Polls readiness (the database answers) for up to 30 s; a service that exits meanwhile fails at once. */
async function waitHealthy(service: Service): Promise<TestApp> {
  const base = `http://127.0.0.1:${port}`;
  let exited = false;
  void service.exited.then(() => (exited = true));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && !exited) {
    const ready = await fetch(`${base}/health/ready`).then(
      (res) => res.ok,
      () => false,
    );
    if (ready) return { http: request(base), adminToken, clock: new SystemClock() } as unknown as TestApp;
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error(`the service did not become ready${exited ? ' (it exited)' : ''}:\n${service.stdout().slice(-3000)}\n${service.stderr().slice(-3000)}`);
}

function expectOneLine(stderr: string, start: string): void {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]!.startsWith(start)).toBe(true);
}

async function gone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (await inspectProcess(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((done) => setTimeout(done, 100));
  }
  return true;
}

async function processesMatching(text: string): Promise<Array<{ pid: number; command: string }>> {
  const found = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const info = await inspectProcess(Number(entry)).catch(() => undefined);
    if (info && info.pid !== process.pid && info.command.includes(text)) found.push(info);
  }
  return found;
}

async function childrenOf(pid: number): Promise<Array<{ pid: number; command: string }>> {
  const children = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const info = await inspectProcess(Number(entry)).catch(() => undefined);
    if (info?.ppid === pid) children.push(info);
  }
  return children;
}

async function pidOfExitedProcess(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await new Promise((done) => child.once('exit', done));
  return child.pid!;
}

async function query(url: string, sql: string, values: unknown[]): Promise<unknown> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, values)).rows[0].value;
  } finally {
    await client.end();
  }
}

function listenOn(portToTake: number): Promise<Server> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(portToTake, '127.0.0.1', () => done(server));
  });
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address() as { port: number };
      probe.close(() => done(free));
    });
  });
}
