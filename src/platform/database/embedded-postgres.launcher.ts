import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer, type Socket } from 'node:net';
import { dirname, extname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  ensureSystemFolder,
  firstLine,
  locateBinaries,
  placeCluster,
  postgresUser,
  reachableBinaries,
  type PostgresBinaries,
  type RunAs,
} from './cluster-placement.js';
import { EmbeddedPostgresError } from './embedded-postgres.error.js';
import { findClusterHolder, isErrno, stopPostmaster, type ClusterHolder, type ProcessInfo } from './postmaster.js';

export { EmbeddedPostgresError } from './embedded-postgres.error.js';

export interface EmbeddedPostgresOptions {
  /** Folder that holds the cluster (`<dir>/pg`) and its generated password. */
  dataDir: string;
  port: number;
  /** Delete the cluster on stop (test runs). */
  ephemeral?: boolean;
  /** Extra `-c name=value` server settings. */
  settings?: Record<string, string>;
  /** PostgreSQL's own output, line by line. */
  onLog?: (message: string) => void;
  /** What the operator should hear about at start: where the cluster is kept when not in DATA_DIR, a left-over server that was stopped. */
  onNotice?: (level: 'info' | 'warn', message: string) => void;
}

export interface RunningPostgres {
  /** Connection URL of the `postgres` maintenance database. */
  adminUrl: string;
  /** Connection URL of a named database on this cluster. */
  urlFor(database: string): string;
  /** Where the cluster is: `<dataDir>/pg`, or a folder under /var/lib when the postgres user cannot reach DATA_DIR. */
  clusterDir: string;
  /** Pid of the postmaster. */
  pid: number;
  stop(): Promise<void>;
}

const SUPERUSER = 'postgres';
const READY = 'database system is ready to accept connections';
// English server messages, which is what READY is matched against.
const serverEnv = () => ({ ...process.env, LC_MESSAGES: 'C' });

/**
 * Starts a real PostgreSQL server with the binaries of the `embedded-postgres` package. The cluster
 * lives in `<dataDir>/pg` and survives restarts; its superuser password is generated on first start and
 * kept beside it (never a hard-coded credential).
 *
 * A server that an ended service left running on the folder (killed, OOM) is stopped first; one that
 * still serves a running service, a taken port or an unreachable folder stop the start with an
 * {@link EmbeddedPostgresError}. A watchdog process shuts the server down if this process dies without
 * stopping it.
 *
 * PostgreSQL refuses to run as root, so as root it runs as an unprivileged `postgres` system user
 * (created when missing). When that user cannot enter DATA_DIR (a project in root's 0700 home), the
 * cluster is kept under /var/lib/aftersales-case-manager instead, and the binaries are copied there too.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const log = options.onLog ?? (() => undefined);
  const notice = options.onNotice ?? (() => undefined);
  await mkdir(resolve(options.dataDir), { recursive: true });
  const dataDir = await realpath(resolve(options.dataDir));
  const password = await readOrCreatePassword(join(dataDir, 'pg-password'));

  let binaries = await locateBinaries();
  let clusterDir = join(dataDir, 'pg');
  let relocated = false;
  const runAs = process.getuid?.() === 0 ? await postgresUser() : undefined;
  if (runAs) {
    binaries = await reachableBinaries(binaries, runAs, (message) => notice('info', message));
    const placement = await placeCluster(dataDir, runAs);
    clusterDir = placement.clusterDir;
    relocated = placement.relocatedBecause !== undefined;
    if (placement.relocatedBecause) {
      notice('info', `embedded PostgreSQL cluster is kept in ${clusterDir} (${placement.relocatedBecause}); DATA_DIR keeps the rest`);
    }
  } else {
    await checkOwnedByUs(clusterDir);
  }

  await reclaimClusterDir(clusterDir, notice);
  if (!existsSync(join(clusterDir, 'PG_VERSION'))) {
    await initialise({ binaries, clusterDir, dataDir, relocated, password, runAs, log });
  }
  if (await portTaken(options.port)) throw new EmbeddedPostgresError(portInUse(options.port));

  const { child, exit } = await launch({
    binaries,
    clusterDir,
    port: options.port,
    runAs,
    log,
    flags: [
      // Loopback only, no unix socket (its default folder may not be writable by the postgres user).
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=200',
      ...Object.entries(options.settings ?? {}).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    ],
  });
  const pid = child.pid!;
  let exited = false;
  void exit.then(() => (exited = true));
  // A plain process.exit() without stop() (a CLI that failed): the watchdog would stop the server a
  // moment later, this does it at once.
  const signalOnExit = () => {
    if (!exited) child.kill('SIGINT');
  };
  process.on('exit', signalOnExit);
  const watchdog = startWatchdog(pid, clusterDir, log);

  const exitWithin = (ms: number) =>
    new Promise<boolean>((done) => {
      const timer = setTimeout(() => done(false), ms);
      void exit.then(() => {
        clearTimeout(timer);
        done(true);
      });
    });
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      // A Ctrl-C in a terminal reaches the postgres child directly (same process group): it may be
      // shutting down or gone already, which the exit promise covers.
      if (!exited) {
        child.kill('SIGINT');
        if (!(await exitWithin(20_000))) {
          child.kill('SIGQUIT');
          if (!(await exitWithin(5_000))) {
            child.kill('SIGKILL');
            await exit;
          }
        }
      }
      process.removeListener('exit', signalOnExit);
      // The watchdog finds the server gone and leaves.
      watchdog?.stdin?.end();
      if (options.ephemeral) await rm(relocated ? dirname(clusterDir) : clusterDir, { recursive: true, force: true });
    })());

  const urlFor = (database: string) => `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${options.port}/${encodeURIComponent(database)}`;
  return { adminUrl: urlFor('postgres'), urlFor, clusterDir, pid, stop };
}

/** Makes the folder free for a new server: stops one a dead service left behind, refuses one still in use. */
async function reclaimClusterDir(clusterDir: string, notice: (level: 'info' | 'warn', message: string) => void): Promise<void> {
  let holder: ClusterHolder;
  try {
    holder = await findClusterHolder(clusterDir);
  } catch (error) {
    throw new EmbeddedPostgresError(
      `Cannot tell whether a PostgreSQL is running on ${clusterDir} (${firstLine(error)}); ` +
        'start the service as the user that owns that folder, or give it its own DATA_DIR.',
    );
  }
  switch (holder.kind) {
    case 'none':
      return;
    case 'stale':
      // PostgreSQL clears a pid file whose process is gone by itself, but refuses to start over one
      // whose pid now belongs to another live process (a reboot, pid reuse).
      if (holder.reusedBy) {
        await rm(join(clusterDir, 'postmaster.pid'), { force: true });
        notice('warn', `removed a stale postmaster.pid from ${clusterDir}: its pid ${holder.pid} now belongs to ${describe(holder.reusedBy)}`);
      }
      return;
    case 'in-use':
      throw new EmbeddedPostgresError(
        `${clusterDir} is in use by PostgreSQL (pid ${holder.pid}) of another running process (pid ${holder.owner.pid}: ${describe(holder.owner)}); ` +
          'stop that one first, or give this service its own DATA_DIR and EMBEDDED_PG_PORT.',
      );
    case 'orphan': {
      notice('warn', `stopping PostgreSQL (pid ${holder.pid}) that was left running on ${clusterDir} by a service that ended without stopping it`);
      let signal: NodeJS.Signals | undefined;
      try {
        signal = await stopPostmaster(holder.pid);
      } catch (error) {
        throw new EmbeddedPostgresError(
          `PostgreSQL (pid ${holder.pid}) is running on ${clusterDir} and this user may not stop it (${firstLine(error)}); ` +
            `stop it as its owner (kill -INT ${holder.pid}) and start again.`,
        );
      }
      if (!signal) {
        throw new EmbeddedPostgresError(
          `PostgreSQL (pid ${holder.pid}) is running on ${clusterDir} and did not stop on SIGINT, SIGQUIT or SIGKILL; ` +
            `find out what keeps it (ps -o pid,stat,cmd -p ${holder.pid}) and start again once it is gone.`,
        );
      }
      if (signal !== 'SIGINT') {
        notice('warn', `PostgreSQL (pid ${holder.pid}) needed ${signal} to stop; it replays its write-ahead log on this start, nothing committed is lost`);
      }
    }
  }
}

/** PostgreSQL runs as the owner of its data; as a normal user that must be us. */
async function checkOwnedByUs(clusterDir: string): Promise<void> {
  const uid = process.getuid?.();
  if (uid === undefined) return;
  const info = await stat(clusterDir).catch(() => undefined);
  if (info && info.uid !== uid) {
    throw new EmbeddedPostgresError(
      `${clusterDir} belongs to user id ${info.uid} (an earlier start as root makes it the postgres user's), and PostgreSQL must run as the owner of its data; ` +
        'start the service as root again, or give this user its own DATA_DIR.',
    );
  }
}

async function initialise(input: {
  binaries: PostgresBinaries;
  clusterDir: string;
  dataDir: string;
  relocated: boolean;
  password: string;
  runAs: RunAs | undefined;
  log: (message: string) => void;
}): Promise<void> {
  const { clusterDir, runAs } = input;
  // Made beside the cluster and renamed into place when complete: a cluster folder is always a whole
  // one, even when this process is killed halfway through.
  const staging = `${clusterDir}.partial`;
  const parent = dirname(clusterDir);
  const passwordFile = join(parent, `.initdb-password-${randomBytes(6).toString('hex')}`);
  if (input.relocated) await ensureSystemFolder();
  await rm(staging, { recursive: true, force: true });
  // The first folder this attempt made, so that a failure leaves nothing behind.
  const created = (await mkdir(staging, { recursive: true })) ?? staging;
  try {
    if (input.relocated) {
      await chmod(parent, 0o755);
      // Says whose cluster this is to someone looking through /var/lib.
      await writeFile(join(parent, 'data-dir'), `${input.dataDir}\n`, { mode: 0o644 });
    }
    await chmod(staging, 0o700);
    await writeFile(passwordFile, `${input.password}\n`, { mode: 0o600 });
    if (runAs) {
      await chown(staging, runAs.uid, runAs.gid);
      await chown(passwordFile, runAs.uid, runAs.gid);
    }
    const output: string[] = [];
    const code = await new Promise<number | null>((done, fail) => {
      const initdb = spawn(
        input.binaries.initdb,
        [`--pgdata=${staging}`, '--auth=scram-sha-256', `--username=${SUPERUSER}`, `--pwfile=${passwordFile}`, '--lc-messages=C', '--encoding=UTF8'],
        { cwd: parent, env: serverEnv(), stdio: ['ignore', 'pipe', 'pipe'], ...runAs },
      );
      for (const stream of [initdb.stdout, initdb.stderr]) {
        createInterface({ input: stream }).on('line', (line) => {
          input.log(line);
          output.push(line);
        });
      }
      initdb.once('error', fail);
      initdb.once('close', done);
    });
    if (code !== 0) {
      const reason = output.filter((line) => /error|fatal|denied/i.test(line)).at(-1) ?? output.at(-1) ?? `exit code ${code}`;
      throw new EmbeddedPostgresError(`Creating the PostgreSQL cluster in ${clusterDir} failed: ${reason.trim()}`);
    }
    // A cluster holds no absolute path of its own folder, so it may move before its first start.
    await rename(staging, clusterDir);
  } catch (error) {
    await rm(created, { recursive: true, force: true });
    if (error instanceof EmbeddedPostgresError) throw error;
    throw new EmbeddedPostgresError(`Creating the PostgreSQL cluster in ${clusterDir} failed: ${firstLine(error)}`);
  } finally {
    await rm(passwordFile, { force: true });
  }
}

async function launch(input: {
  binaries: PostgresBinaries;
  clusterDir: string;
  port: number;
  runAs: RunAs | undefined;
  flags: string[];
  log: (message: string) => void;
}): Promise<{ child: ChildProcess; exit: Promise<void> }> {
  const { clusterDir, port } = input;
  const child = spawn(input.binaries.postgres, ['-D', clusterDir, '-p', String(port), ...input.flags], {
    cwd: dirname(clusterDir),
    env: serverEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
    ...input.runAs,
  });
  const exit = new Promise<void>((done) => child.once('exit', () => done()));
  const recent: string[] = [];
  return new Promise((done, fail) => {
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => {
        input.log(line.trim());
        recent.push(line);
        if (recent.length > 40) recent.shift();
        if (line.includes(READY)) done({ child, exit });
      });
    }
    child.once('error', (error) => fail(new EmbeddedPostgresError(`Could not run ${input.binaries.postgres}: ${error.message}`)));
    // After the output is read to its end, so that the reason is in it.
    child.once('close', () => fail(new EmbeddedPostgresError(explainStartFailure(recent, port, clusterDir))));
  });
}

function explainStartFailure(lines: string[], port: number, clusterDir: string): string {
  const text = lines.join('\n');
  if (/could not bind|address already in use/i.test(text)) return portInUse(port);
  if (text.includes('lock file "postmaster.pid" already exists')) {
    return `Another PostgreSQL holds ${clusterDir} (see ${join(clusterDir, 'postmaster.pid')}); stop it and start again.`;
  }
  const reason = lines.filter((line) => /FATAL|PANIC/.test(line)).at(-1) ?? lines.at(-1) ?? 'it exited without a message';
  return `Embedded PostgreSQL did not start (data in ${clusterDir}, port ${port}): ${reason.trim()}`;
}

function portInUse(port: number): string {
  return (
    `Port ${port} on 127.0.0.1 is already in use by another program, so the embedded PostgreSQL cannot listen on it; ` +
    `stop that program (find it with: lsof -nP -iTCP:${port} -sTCP:LISTEN) or set EMBEDDED_PG_PORT to a free port.`
  );
}

function portTaken(port: number): Promise<boolean> {
  return new Promise((done) => {
    const probe = createServer();
    // Anything but "in use" is left for PostgreSQL itself to report.
    probe.once('error', (error) => done(isErrno(error, 'EADDRINUSE')));
    probe.listen({ port, host: '127.0.0.1', exclusive: true }, () => probe.close(() => done(false)));
  });
}

/**
 * `postgres-watchdog.ts` beside this file, compiled or not: under tsx or ts-jest (development, tests)
 * this module is TypeScript and so is the watchdog, which then runs with tsx's loader.
 */
function startWatchdog(pid: number, clusterDir: string, log: (message: string) => void): ChildProcess | undefined {
  const here = fileURLToPath(import.meta.url);
  const extension = extname(here);
  const script = join(dirname(here), `postgres-watchdog${extension}`);
  try {
    const loader = extension === '.ts' ? ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href] : [];
    const watchdog = spawn(process.execPath, [...loader, script, String(pid), clusterDir], {
      // Its only input is the pipe that closes when this process ends; its one message goes to our stderr.
      stdio: ['pipe', 'ignore', 'inherit'],
    });
    watchdog.once('error', (error) => log(`postgres-watchdog did not start: ${error.message}`));
    watchdog.stdin!.on('error', () => undefined);
    // Neither the process nor the pipe may keep this process alive.
    watchdog.unref();
    (watchdog.stdin as Socket).unref();
    return watchdog;
  } catch (error) {
    // A safety net only: the server runs without it.
    log(`postgres-watchdog did not start: ${firstLine(error)}`);
    return undefined;
  }
}

function describe(info: ProcessInfo): string {
  return info.command.length > 80 ? `${info.command.slice(0, 77)}...` : info.command;
}

async function readOrCreatePassword(file: string): Promise<string> {
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const password = randomBytes(24).toString('base64url');
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return password;
}
