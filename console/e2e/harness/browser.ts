import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

export const INSTALL_COMMAND = 'apt-get install -y chromium fonts-noto-cjk';

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string): string | undefined {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const path = found.stdout.trim();
  return found.status === 0 && path ? path : undefined;
}

/** CHROMIUM_PATH, then Debian's /usr/bin/chromium, then chromium-browser or google-chrome on the PATH. */
export function findChromium(): string | undefined {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', onPath('chromium'), onPath('chromium-browser'), onPath('google-chrome')];
  return candidates.find((path): path is string => Boolean(path) && executable(path!));
}

function hasCjkFont(): boolean {
  const fonts = spawnSync('fc-list', [':lang=zh'], { encoding: 'utf8' });
  return fonts.status === 0 && fonts.stdout.trim().length > 0;
}

/**
 * The browser the suite drives. The tests never skip: without Chromium they fail with the one command
 * that installs it. As root with apt-get, the setup installs it itself (about two minutes), saying so.
 */
export function ensureChromium(): string {
  let path = findChromium();
  const canInstall = process.getuid?.() === 0 && Boolean(onPath('apt-get'));
  if ((!path || !hasCjkFont()) && canInstall) {
    console.log(`[console e2e] ${path ? 'no CJK font' : 'Chromium not found'}: installing it with \`apt-get update && ${INSTALL_COMMAND}\` (about 2 minutes)…`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-qq', 'chromium', 'fonts-noto-cjk'], { stdio: 'inherit', env });
    path = findChromium();
  }
  if (!path) {
    throw new Error(
      `The console's browser tests need Chromium, and none was found (CHROMIUM_PATH, /usr/bin/chromium, chromium-browser, google-chrome). ` +
        `Install it with: ${INSTALL_COMMAND}`,
    );
  }
  if (!hasCjkFont()) console.warn(`[console e2e] no CJK font: Chinese text shows as boxes in screenshots. Install one with: ${INSTALL_COMMAND}`);
  return path;
}
