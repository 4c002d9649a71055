import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ensureChromium } from './browser';

/**
 * Checks the browser, then starts the harness (server.mjs: built app + embedded PostgreSQL + control port)
 * in a child process and hands its addresses to the workers through the environment. Returns the teardown.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  process.env.CHROMIUM_PATH = ensureChromium();

  const server = fileURLToPath(new URL('./server.mjs', import.meta.url));
  const child: ChildProcess = spawn(process.execPath, ['--enable-source-maps', server], { stdio: ['pipe', 'pipe', 'inherit'] });
  const ready = await new Promise<{ baseUrl: string; controlUrl: string; adminToken: string }>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the console test harness did not start in 120 s:\n${out}`)), 120_000);
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const line = out.split('\n').find((l) => l.startsWith('HARNESS_READY '));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line.slice('HARNESS_READY '.length)));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the console test harness exited (${code}) before it was ready:\n${out}`));
    });
  });
  child.stdout!.resume();

  process.env.E2E_BASE_URL = ready.baseUrl;
  process.env.E2E_CONTROL_URL = ready.controlUrl;
  process.env.E2E_ADMIN_TOKEN = ready.adminToken;

  return async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timeout = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timeout);
  };
}
