import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, realpath } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { promisify } from 'node:util';

/**
 * What a PostgreSQL server leaves in its data folder and how to tell whether it is still running.
 * Shared by the launcher (a start finds a server an ended service left behind) and the watchdog (a
 * service that died takes its server with it). Only a process that really is a postgres on the given
 * folder is ever signalled: a stale pid file may name a pid that now belongs to something else.
 */

export interface PidFile {
  pid: number;
  /** Line 2 of the file: the data folder as the server was given it. */
  dataDir: string | undefined;
}

export interface ProcessInfo {
  pid: number;
  ppid: number;
  /** The arguments, exactly (Linux); undefined where only a `ps` command line is available. */
  argv: string[] | undefined;
  command: string;
}

export async function readPostmasterPid(clusterDir: string): Promise<PidFile | undefined> {
  let text: string;
  try {
    text = await readFile(join(clusterDir, 'postmaster.pid'), 'utf8');
  } catch (error) {
    if (isErrno(error, 'ENOENT') || isErrno(error, 'ENOTDIR')) return undefined;
    throw error;
  }
  const [first, second] = text.split('\n');
  const pid = Number(first?.trim());
  // A server that is just starting may not have written the file out yet: nothing to act on.
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  return { pid, dataDir: second?.trim() || undefined };
}

/** The running process with this pid, or undefined when there is none (a zombie counts as gone). */
export async function inspectProcess(pid: number): Promise<ProcessInfo | undefined> {
  return existsSync('/proc/self/stat') ? inspectWithProc(pid) : inspectWithPs(pid);
}

async function inspectWithProc(pid: number): Promise<ProcessInfo | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may itself hold spaces and parentheses.
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (state === 'Z' || state === 'X') return undefined;
    const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
    if (argv.at(-1) === '') argv.pop();
    return { pid, ppid: Number(ppid), argv, command: argv.join(' ') };
  } catch (error) {
    if (isErrno(error, 'ENOENT') || isErrno(error, 'ESRCH')) return undefined;
    throw error;
  }
}

/** Where there is no /proc (macOS); exported so that it is tested on Linux too. */
export async function inspectWithPs(pid: number): Promise<ProcessInfo | undefined> {
  let output: string;
  try {
    ({ stdout: output } = await promisify(execFile)('ps', ['-o', 'ppid=,stat=,command=', '-p', String(pid)]));
  } catch {
    return undefined; // ps exits 1 when there is no such process
  }
  const match = /^\s*(\d+)\s+(\S+)\s+(.*)$/.exec(output.trim());
  if (!match || match[2]!.startsWith('Z')) return undefined;
  return { pid, ppid: Number(match[1]), argv: undefined, command: match[3]! };
}

/** Whether the process is a postgres server (postmaster) running on this data folder. */
export async function isPostmasterOf(info: ProcessInfo, clusterDir: string): Promise<boolean> {
  const program = basename(info.argv?.[0] ?? info.command.split(' ')[0] ?? '');
  if (program !== 'postgres' && program !== 'postgres.exe') return false;
  if (!info.argv) return info.command.includes(` -D ${clusterDir}`);
  const at = info.argv.indexOf('-D');
  const dataDir = at >= 0 ? info.argv[at + 1] : undefined;
  return dataDir !== undefined && (await samePath(dataDir, clusterDir));
}

/** Node itself: the server's parent is then a service that is still running and still using it. */
export function isNodeProcess(info: ProcessInfo): boolean {
  const program = basename(info.argv?.[0] ?? info.command.split(' ')[0] ?? '');
  return /^node(js)?(\.exe)?$/.test(program) || program === basename(process.execPath);
}

export type ClusterHolder =
  | { kind: 'none' }
  /** The pid file names no live process (PostgreSQL clears that itself), or one that is not this folder's server. */
  | { kind: 'stale'; pid: number; reusedBy: ProcessInfo | undefined }
  /** A server on this folder whose service has gone: safe to stop. */
  | { kind: 'orphan'; pid: number; info: ProcessInfo }
  /** A server on this folder whose parent, a node service, still runs. */
  | { kind: 'in-use'; pid: number; info: ProcessInfo; owner: ProcessInfo };

export async function findClusterHolder(clusterDir: string): Promise<ClusterHolder> {
  const file = await readPostmasterPid(clusterDir);
  if (!file) return { kind: 'none' };
  const info = await inspectProcess(file.pid);
  if (!info) return { kind: 'stale', pid: file.pid, reusedBy: undefined };
  if (!(await isPostmasterOf(info, clusterDir))) return { kind: 'stale', pid: file.pid, reusedBy: info };
  const owner = info.ppid > 1 ? await inspectProcess(info.ppid) : undefined;
  if (owner && isNodeProcess(owner)) return { kind: 'in-use', pid: file.pid, info, owner };
  return { kind: 'orphan', pid: file.pid, info };
}

export interface StopTimeouts {
  /** How long a fast shutdown (SIGINT) may take before SIGQUIT. */
  graceMs: number;
  /** How long each of SIGQUIT and SIGKILL is given. */
  forceMs: number;
}

/**
 * Fast shutdown (SIGINT: running transactions are rolled back, a checkpoint is written), then SIGQUIT
 * (immediate shutdown; the next start replays the write-ahead log) and SIGKILL as last resorts. Either
 * way nothing committed is lost. Resolves to the signal that ended the server, or undefined when it is
 * still running after all three; rejects with EPERM when the server is not ours to signal.
 */
export async function stopPostmaster(pid: number, timeouts: StopTimeouts = { graceMs: 20_000, forceMs: 5_000 }): Promise<NodeJS.Signals | undefined> {
  const steps: Array<[NodeJS.Signals, number]> = [
    ['SIGINT', timeouts.graceMs],
    ['SIGQUIT', timeouts.forceMs],
    ['SIGKILL', timeouts.forceMs],
  ];
  for (const [signal, waitMs] of steps) {
    try {
      process.kill(pid, signal);
    } catch (error) {
      if (isErrno(error, 'ESRCH')) return signal;
      throw error;
    }
    if (await waitForExit(pid, waitMs)) return signal;
  }
  return undefined;
}

export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!(await inspectProcess(pid))) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((done) => setTimeout(done, 100));
  }
}

async function samePath(a: string, b: string): Promise<boolean> {
  if (resolve(a) === resolve(b)) return true;
  const [realA, realB] = await Promise.all([realpath(a).catch(() => a), realpath(b).catch(() => b)]);
  return realA === realB;
}

export function isErrno(error: unknown, code: string): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === code;
}
