import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/**
 * The shell walkthroughs of the README and docs/: every ```sh block of a document, run in order in one
 * bash process against a running service, with the output each block shows (`# → …` lines) checked.
 * Blocks fenced any other way (```console, ```text) are shown, never run.
 */

/** A `# → …` line: what the block prints, `…` standing for anything. */
export interface ShownOutput {
  /** 1-based line of the `# →` line in the document. */
  line: number;
  shown: string;
  /** The literal pieces between the `…`; each must appear in the block's stdout, in order. */
  pieces: string[];
}

export interface ShellBlock {
  /** 0-based position among the document's shell blocks. */
  index: number;
  /** 1-based line of the opening fence. */
  line: number;
  code: string;
  shown: ShownOutput[];
}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)/;
const SHOWN = /^\s*#\s*→\s?(.*)$/;

/** The ```sh blocks of a Markdown document, in order. */
export function shellBlocks(markdown: string): ShellBlock[] {
  const lines = markdown.split('\n');
  const blocks: ShellBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, language] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = FENCE.exec(lines[j]);
      if (close && close[2][0] === fence[0] && close[2].length >= fence.length && close[3] === '') break;
      body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j]);
    }
    if (language === 'sh') {
      const shown: ShownOutput[] = [];
      body.forEach((text, k) => {
        const match = SHOWN.exec(text);
        if (!match) return;
        const value = match[1].trimEnd();
        shown.push({ line: i + 2 + k, shown: value, pieces: value.split('…').filter((piece) => piece !== '') });
      });
      blocks.push({ index: blocks.length, line: i + 1, code: body.join('\n'), shown });
    }
    i = j;
  }
  return blocks;
}

export interface BlockRun {
  block: ShellBlock;
  stdout: string;
  stderr: string;
  /** False when the process ended inside this block (the block failed) or never reached it. */
  completed: boolean;
}

export interface WalkthroughRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  blocks: BlockRun[];
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
}

/**
 * Runs the blocks in one `bash` (`set -euo pipefail`), so variables carry from block to block, with a
 * delimiter echoed to stdout and stderr around each block. The process runs in its own group, which is
 * killed at the end: a receiver a walkthrough started in the background never outlives it.
 */
export async function runWalkthrough(blocks: ShellBlock[], options: RunOptions): Promise<WalkthroughRun> {
  const nonce = randomBytes(6).toString('hex');
  const mark = (kind: 'BEGIN' | 'END', index: number) => `@@walkthrough-${nonce}-${kind}-${index}@@`;
  const script = [
    'set -euo pipefail',
    `__walkthrough_mark() { printf '\\n%s\\n' "$1"; printf '\\n%s\\n' "$1" >&2; }`,
    ...blocks.flatMap((block) => [`__walkthrough_mark '${mark('BEGIN', block.index)}'`, block.code, `__walkthrough_mark '${mark('END', block.index)}'`]),
    '',
  ].join('\n');

  const child = spawn('bash', ['-c', script], { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  let timedOut = false;
  const killGroup = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // the group is gone already
    }
  };
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup();
  }, options.timeoutMs);
  const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (exitCode, exitSignal) => resolve({ code: exitCode, signal: exitSignal })),
  );
  clearTimeout(timer);
  killGroup();
  // Let the pipes drain what the shell wrote before it ended.
  await new Promise((resolve) => setTimeout(resolve, 50));

  const between = (text: string, index: number): { text: string; completed: boolean } | undefined => {
    const begin = text.indexOf(`\n${mark('BEGIN', index)}\n`);
    if (begin < 0) return undefined;
    const from = begin + mark('BEGIN', index).length + 2;
    const end = text.indexOf(`\n${mark('END', index)}\n`, from);
    return end < 0 ? { text: text.slice(from), completed: false } : { text: text.slice(from, end), completed: true };
  };
  return {
    exitCode: code,
    signal,
    timedOut,
    stdout,
    stderr,
    blocks: blocks.map((block) => {
      const out = between(stdout, block.index);
      const err = between(stderr, block.index);
      return { block, stdout: out?.text ?? '', stderr: err?.text ?? '', completed: Boolean(out?.completed) };
    }),
  };
}

/** What is wrong with one block's run: it did not finish, or a shown output is missing. Undefined when fine. */
export function blockProblem(run: BlockRun): string | undefined {
  if (!run.completed) return 'the block did not complete (a command failed, or the walkthrough stopped before it)';
  let position = 0;
  for (const shown of run.block.shown) {
    for (const piece of shown.pieces) {
      const found = run.stdout.indexOf(piece, position);
      if (found < 0) {
        return `the output shown on line ${shown.line} is missing:\n    # → ${shown.shown}\n  no ${JSON.stringify(piece)} in the block's stdout${position > 0 ? ' after the earlier matches' : ''}`;
      }
      position = found + piece.length;
    }
  }
  return undefined;
}

/** A readable report of a failed block, with its code and what it printed. */
export function describeFailure(document: string, run: BlockRun, problem: string, walkthrough: WalkthroughRun): string {
  const indent = (text: string) => (text.trim() === '' ? '    (nothing)' : text.replace(/\n$/, '').replace(/^/gm, '    '));
  const ending = walkthrough.timedOut
    ? 'the walkthrough timed out'
    : `bash ended with ${walkthrough.signal ? `signal ${walkthrough.signal}` : `exit code ${walkthrough.exitCode}`}`;
  return [
    `${document}: shell block ${run.block.index + 1} (line ${run.block.line}): ${problem}`,
    `  (${ending})`,
    '  block:',
    indent(run.block.code),
    '  stdout:',
    indent(run.stdout),
    '  stderr:',
    indent(run.stderr),
  ].join('\n');
}
