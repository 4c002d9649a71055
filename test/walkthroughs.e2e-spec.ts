import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestApp } from './support/test-app.js';
import { blockProblem, describeFailure, runWalkthrough, shellBlocks, type ShellBlock, type WalkthroughRun } from './support/walkthrough.js';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');

/** Receivers of webhooks run on this machine: loopback must be allowed explicitly (DATABASE_URL is set in tests). */
const LOCAL_WEBHOOKS = { WEBHOOK_DISPATCHER_ENABLED: 'true', WEBHOOK_ALLOWED_TARGETS: '127.0.0.0/8,::1' };

/**
 * Every document, the least number of shell blocks its walkthrough must run (so a walkthrough cannot
 * quietly stop being tested by a changed fence), and the settings its service needs.
 */
const DOCUMENTS: Record<string, { minBlocks: number; env?: Record<string, string> }> = {
  'README.md': { minBlocks: 4 },
  'docs/api.md': { minBlocks: 8 },
  'docs/integration.md': { minBlocks: 11, env: LOCAL_WEBHOOKS },
  'docs/deadlines-and-money.md': { minBlocks: 7 },
  'docs/evidence-and-audit.md': { minBlocks: 7 },
  'docs/agent-workbench.md': { minBlocks: 6 },
  'docs/metrics.md': { minBlocks: 4 },
  'docs/operations.md': { minBlocks: 2 },
  'docs/architecture.md': { minBlocks: 1 },
  'docs/configuration.md': { minBlocks: 0 },
  'docs/benchmarks.md': { minBlocks: 0 },
};

/** A whole document's walkthrough; `WALKTHROUGH_VERBOSE=1` prints what every block printed (for writing `# →` lines). */
const WALKTHROUGH_TIMEOUT_MS = 30_000;

function documentsOnDisk(): string[] {
  const docs = readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md'));
  return ['README.md', ...docs.map((name) => `docs/${name}`)];
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolvePort(port));
    });
  });
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to dashes. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/`/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let inFence = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    const heading = !inFence && /^#{1,6}\s+(.*)$/.exec(line);
    if (!heading) continue;
    const base = anchorOf(heading[1]);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/** Runs a document's shell blocks against a fresh service on a fresh database, then stops both. */
async function walk(document: string, blocks: ShellBlock[]): Promise<WalkthroughRun> {
  const t = await createTestApp(DOCUMENTS[document].env ?? {});
  // A manual clock that keeps up with real time: walkthroughs move no time, but what they show is "now".
  t.clock.set(new Date());
  const followClock = setInterval(() => t.clock.set(new Date()), 20);
  // The walkthrough's "repository folder": docs/ as in the repository; anything it writes stays here.
  const work = await mkdtemp(join(tmpdir(), 'walkthrough-'));
  try {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    await symlink(join(ROOT, 'docs'), join(work, 'docs'));
    const dataDir = join(work, 'data');
    await mkdir(dataDir);
    await writeFile(join(dataDir, 'admin-token'), `${t.adminToken}\n`, { mode: 0o600 });
    const run = await runWalkthrough(blocks, {
      cwd: work,
      timeoutMs: WALKTHROUGH_TIMEOUT_MS,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: work,
        TMPDIR: work,
        LANG: 'C.UTF-8',
        API: `http://127.0.0.1:${port}`,
        DATA_DIR: dataDir,
        HOOK_PORT: String(await freePort()),
      },
    });
    return run;
  } finally {
    clearInterval(followClock);
    await t.close();
    await rm(work, { recursive: true, force: true });
  }
}

describe('documentation walkthroughs', () => {
  it('should list every document of the README and docs/ with the blocks it must run', () => {
    expect(documentsOnDisk().sort()).toEqual(Object.keys(DOCUMENTS).sort());
  });

  it('should link only to files and headings that exist', () => {
    const broken: string[] = [];
    for (const document of documentsOnDisk()) {
      const markdown = readFileSync(join(ROOT, document), 'utf8').replace(/^(```|~~~)[\s\S]*?^\1/gm, '');
      for (const [, target] of markdown.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/i.test(target)) continue;
        const [path, anchor] = target.split('#');
        const file = path === '' ? join(ROOT, document) : resolve(dirname(join(ROOT, document)), path);
        if (!existsSync(file)) {
          broken.push(`${document}: ${target} (no file ${relative(ROOT, file)})`);
        } else if (anchor !== undefined && file.endsWith('.md') && !anchorsOf(readFileSync(file, 'utf8')).has(anchor)) {
          broken.push(`${document}: ${target} (no heading #${anchor} in ${relative(ROOT, file)})`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  describe.each(Object.entries(DOCUMENTS))('%s', (document, { minBlocks }) => {
    it(`should run as written (at least ${minBlocks} shell blocks)`, async () => {
      const blocks = shellBlocks(readFileSync(join(ROOT, document), 'utf8'));
      if (blocks.length < minBlocks) {
        throw new Error(
          `${document} has ${blocks.length} shell blocks, fewer than the ${minBlocks} its walkthrough runs: was a block fenced as something else than sh?`,
        );
      }
      if (blocks.length === 0) return;
      const run = await walk(document, blocks);
      const failed = run.blocks.findIndex((block) => blockProblem(block) !== undefined);
      if (failed >= 0) {
        const notRun = run.blocks.slice(failed + 1).filter((block) => !block.completed).length;
        throw new Error(
          describeFailure(document, run.blocks[failed], blockProblem(run.blocks[failed])!, run) +
            (notRun > 0 ? `\n  (${notRun} later block${notRun === 1 ? '' : 's'} did not run)` : ''),
        );
      }
      if (run.exitCode !== 0) throw new Error(`${document}: every block ran, but bash ended with ${run.exitCode ?? run.signal}:\n${run.stderr}`);
      if (process.env.WALKTHROUGH_VERBOSE) {
        for (const block of run.blocks) console.log(`${document} block ${block.block.index + 1} (line ${block.block.line}):\n${block.stdout}${block.stderr}`);
      }
      console.log(`${document}: ${run.blocks.length} shell blocks ran and showed what they should (lines ${blocks.map((block) => block.line).join(', ')})`);
    });
  });
});
