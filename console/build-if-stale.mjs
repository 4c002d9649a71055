// `npm start` builds the console only when something it is built from changed since the last build,
// so a start without changes stays fast. `npm run build` always builds it.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const consoleDir = dirname(fileURLToPath(import.meta.url));
const root = dirname(consoleDir);
const builtIndex = join(root, 'dist', 'console', 'index.html');

function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'e2e' || entry.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

function builtAt() {
  try {
    return statSync(builtIndex).mtimeMs;
  } catch {
    return 0;
  }
}

// The console imports the API's view types from src/, but a type change alone changes no output.
const inputs = [consoleDir, join(root, 'package-lock.json')];
const sourcesAt = Math.max(...inputs.map(newestMtime));
if (sourcesAt <= builtAt()) process.exit(0);

console.log('console: sources changed, building dist/console');
const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
const result = spawnSync(process.execPath, [vite, 'build', '-c', join(consoleDir, 'vite.config.ts'), '--logLevel', 'warn'], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
