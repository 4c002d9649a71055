import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findClusterHolder, inspectProcess, inspectWithPs, isPostmasterOf, readPostmasterPid, stopPostmaster, type ProcessInfo } from './postmaster.js';

// Stand-ins for a postmaster: node, started with argv[0] "postgres" and "-D <folder>" among its
// arguments, which is all that tells a postgres on a folder apart from any other process.
const pretendPostmaster = (clusterDir: string, ignoreSigint = false) =>
  [process.execPath, ['-e', `${ignoreSigint ? "process.on('SIGINT', () => {});" : ''} setTimeout(() => {}, 60000)`, '--', '-D', clusterDir]] as const;

describe('postmaster', () => {
  let clusterDir: string;
  const started: number[] = [];

  beforeEach(async () => {
    clusterDir = await mkdtemp(join(tmpdir(), 'postmaster-spec-'));
  });
  afterEach(async () => {
    for (const pid of started.splice(0)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    await rm(clusterDir, { recursive: true, force: true });
  });

  /** A pretend postmaster whose parent is this (node) process: a running service's server. */
  function startChild(ignoreSigint = false): number {
    const [file, args] = pretendPostmaster(clusterDir, ignoreSigint);
    const child = spawn(file, args, { argv0: 'postgres', stdio: 'ignore' });
    started.push(child.pid!);
    return child.pid!;
  }

  /** A pretend postmaster whose parent has exited: what a killed service leaves behind. */
  async function startOrphan(ignoreSigint = false): Promise<number> {
    const [file, args] = pretendPostmaster(clusterDir, ignoreSigint);
    const launcher = spawn(
      process.execPath,
      [
        '-e',
        `const c = require('child_process').spawn(${JSON.stringify(file)}, ${JSON.stringify(args)}, { argv0: 'postgres', detached: true, stdio: 'ignore' }); c.unref(); console.log(c.pid);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let output = '';
    launcher.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    await new Promise((done) => launcher.once('close', done));
    const pid = Number(output.trim());
    started.push(pid);
    // The process may not have applied its SIGINT handler yet.
    await new Promise((done) => setTimeout(done, ignoreSigint ? 300 : 0));
    return pid;
  }

  const writePidFile = (pid: number) => writeFile(join(clusterDir, 'postmaster.pid'), `${pid}\n${clusterDir}\n1796520000\n54329\n\n127.0.0.1\n`);

  describe('readPostmasterPid', () => {
    it('should read the pid and the data folder from the first two lines', async () => {
      await writePidFile(4242);
      expect(await readPostmasterPid(clusterDir)).toEqual({ pid: 4242, dataDir: clusterDir });
    });

    it('should give nothing for a missing, empty or garbled file', async () => {
      expect(await readPostmasterPid(clusterDir)).toBeUndefined();
      expect(await readPostmasterPid(join(clusterDir, 'no-such-folder'))).toBeUndefined();
      await writeFile(join(clusterDir, 'postmaster.pid'), '');
      expect(await readPostmasterPid(clusterDir)).toBeUndefined();
      await writeFile(join(clusterDir, 'postmaster.pid'), 'abc\n');
      expect(await readPostmasterPid(clusterDir)).toBeUndefined();
    });
  });

  describe('inspectProcess', () => {
    it('should describe a running process with its parent and exact arguments', async () => {
      const info = await inspectProcess(process.pid);
      expect(info).toMatchObject({ pid: process.pid, ppid: process.ppid });
      expect(info!.argv![0]).toBe(process.argv0);
    });

    it('should give nothing for a process that has exited', async () => {
      const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
      await new Promise((done) => child.once('exit', done));
      expect(await inspectProcess(child.pid!)).toBeUndefined();
    });

    it('should describe a process with ps where there is no /proc', async () => {
      const pid = startChild();
      await new Promise((done) => setTimeout(done, 100));
      expect(await inspectWithPs(pid)).toMatchObject({ pid, ppid: process.pid, argv: undefined, command: expect.stringContaining(`-D ${clusterDir}`) });
      expect(await inspectWithPs(2 ** 22 + 1)).toBeUndefined();
    });
  });

  describe('isPostmasterOf', () => {
    const info = (argv: string[]): ProcessInfo => ({ pid: 10, ppid: 1, argv, command: argv.join(' ') });

    it('should accept a postgres on exactly that folder', async () => {
      expect(await isPostmasterOf(info(['/opt/pg/bin/postgres', '-D', clusterDir, '-p', '54329']), clusterDir)).toBe(true);
      expect(await isPostmasterOf(info(['/opt/pg/bin/postgres', '-D', `${clusterDir}/`, '-p', '54329']), clusterDir)).toBe(true);
    });

    it('should refuse another program, another folder, or a postgres child process', async () => {
      expect(await isPostmasterOf(info(['/usr/bin/node', '-D', clusterDir]), clusterDir)).toBe(false);
      expect(await isPostmasterOf(info(['/opt/pg/bin/postgres', '-D', `${clusterDir}-other`]), clusterDir)).toBe(false);
      expect(await isPostmasterOf(info(['postgres: checkpointer ']), clusterDir)).toBe(false);
    });

    it('should match on the command line where the arguments are not known exactly', async () => {
      const fromPs: ProcessInfo = { pid: 10, ppid: 1, argv: undefined, command: `/opt/pg/bin/postgres -D ${clusterDir} -p 54329` };
      expect(await isPostmasterOf(fromPs, clusterDir)).toBe(true);
      expect(await isPostmasterOf({ ...fromPs, command: `/opt/pg/bin/postgres -D /elsewhere -p 54329` }, clusterDir)).toBe(false);
    });
  });

  describe('findClusterHolder', () => {
    it('should find nothing without a pid file, and a stale file when its pid is gone or another program', async () => {
      expect(await findClusterHolder(clusterDir)).toEqual({ kind: 'none' });
      const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
      await new Promise((done) => child.once('exit', done));
      await writePidFile(child.pid!);
      expect(await findClusterHolder(clusterDir)).toEqual({ kind: 'stale', pid: child.pid, reusedBy: undefined });
      await writePidFile(process.pid);
      expect(await findClusterHolder(clusterDir)).toMatchObject({ kind: 'stale', pid: process.pid, reusedBy: { pid: process.pid } });
    });

    it('should tell a server still used by a running node process from one left behind', async () => {
      const inUse = startChild();
      await new Promise((done) => setTimeout(done, 100));
      await writePidFile(inUse);
      expect(await findClusterHolder(clusterDir)).toMatchObject({ kind: 'in-use', pid: inUse, owner: { pid: process.pid } });

      const orphan = await startOrphan();
      await writePidFile(orphan);
      expect(await findClusterHolder(clusterDir)).toMatchObject({ kind: 'orphan', pid: orphan });
    });
  });

  describe('stopPostmaster', () => {
    it('should stop with SIGINT, a fast shutdown', async () => {
      const pid = await startOrphan();
      expect(await stopPostmaster(pid, { graceMs: 5_000, forceMs: 1_000 })).toBe('SIGINT');
      expect(await inspectProcess(pid)).toBeUndefined();
    });

    it('should go on to SIGQUIT when SIGINT does not end it in time', async () => {
      const pid = await startOrphan(true);
      expect(await stopPostmaster(pid, { graceMs: 300, forceMs: 5_000 })).toBe('SIGQUIT');
      expect(await inspectProcess(pid)).toBeUndefined();
    });
  });
});
