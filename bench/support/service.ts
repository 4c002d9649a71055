import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const mainJs = join(here, '../../src/main.js');

/**
 * The built service as its own process on `url`, without background work (deadline sweeper, webhook
 * dispatcher) so only the requests under test reach the database. With `recordFile`, every statement is
 * recorded (see record-preload); with BENCH_PROFILE_DIR, a CPU profile is written.
 */
export function startService(url: string, port: number, recordFile?: string): ChildProcess {
  const profile = process.env.BENCH_PROFILE_DIR && !recordFile ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
  const args = recordFile ? ['--import', join(here, 'record-preload.js'), mainJs] : [...profile, mainJs];
  return spawn(process.execPath, args, {
    env: {
      ...process.env,
      DATABASE_URL: url,
      ADMIN_TOKEN: randomBytes(24).toString('hex'),
      PORT: String(port),
      LOG_LEVEL: 'warn',
      TIMER_SWEEPER_ENABLED: 'false',
      WEBHOOK_DISPATCHER_ENABLED: 'false',
      DB_POOL_SIZE: process.env.BENCH_POOL_SIZE ?? '10',
      ...(recordFile ? { BENCH_RECORD_FILE: recordFile } : {}),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

export async function waitUntilReady(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health/ready`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the service did not become ready');
}

/** Asks a service started with a record file to write its recording, and waits until it has. */
export async function stopRecording(service: ChildProcess, recordFile: string): Promise<void> {
  service.kill('SIGUSR2');
  while (!existsSync(recordFile)) {
    if (service.exitCode !== null) throw new Error(`the service exited (${service.exitCode}) before writing its recording`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
}
