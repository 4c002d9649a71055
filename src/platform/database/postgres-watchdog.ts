/**
 * Runs beside an embedded PostgreSQL: `postgres-watchdog <postmaster pid> <cluster folder>`, started by
 * the launcher with a pipe from the service on stdin. The service never writes to it; the pipe closes
 * when the service process ends, however it ends (a SIGKILL or an OOM kill included), and only then.
 * If the server is still running on its folder at that point, the service died without stopping it:
 * it gets a fast shutdown, so it neither lingers nor holds the folder and port against the next start.
 * After a normal shutdown the server is gone already and this process just leaves.
 */
import { inspectProcess, isPostmasterOf, readPostmasterPid, stopPostmaster } from './postmaster.js';

const pid = Number(process.argv[2]);
const clusterDir = process.argv[3];

// Ctrl-C or a closing terminal reach the whole process group: those are the service's to handle (it
// stops the application first, then the database). This process only acts once the service is gone.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => undefined);

let acting = false;
async function onServiceGone(): Promise<void> {
  if (acting) return;
  acting = true;
  if (!Number.isSafeInteger(pid) || pid <= 0 || !clusterDir) process.exit(2);
  // Only the server this watchdog was started for, still on its folder: a later start may have
  // replaced it already, and the pid may since belong to another process.
  const file = await readPostmasterPid(clusterDir).catch(() => undefined);
  const info = file?.pid === pid ? await inspectProcess(pid).catch(() => undefined) : undefined;
  if (!info || !(await isPostmasterOf(info, clusterDir))) process.exit(0);
  process.stderr.write(`postgres-watchdog: the service ended without stopping PostgreSQL (pid ${pid}, ${clusterDir}); shutting it down\n`);
  const signal = await stopPostmaster(pid).catch(() => undefined);
  if (!signal) process.stderr.write(`postgres-watchdog: PostgreSQL (pid ${pid}) did not stop; the next start will deal with it\n`);
  process.exit(signal ? 0 : 1);
}

process.stdin.on('data', () => undefined);
process.stdin.once('end', () => void onServiceGone());
process.stdin.once('close', () => void onServiceGone());
process.stdin.once('error', () => void onServiceGone());
