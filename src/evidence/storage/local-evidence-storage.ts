import { createReadStream } from 'node:fs';
import { link, mkdir, open, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { assertSha256, EvidenceBlobMissingError, EvidenceStorage, type SpooledFile } from './evidence-storage.js';

/** Evidence on the local disk: `<dir>/<sha[0:2]>/<sha[2:4]>/<sha256>`, spooled through `<dir>/.incoming`. */
export class LocalEvidenceStorage extends EvidenceStorage {
  readonly spoolDir: string;

  constructor(private readonly dir: string) {
    super();
    this.spoolDir = join(dir, '.incoming');
  }

  async init(): Promise<void> {
    await mkdir(this.spoolDir, { recursive: true });
  }

  pathOf(sha256: string): string {
    assertSha256(sha256);
    return join(this.dir, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  async put(file: SpooledFile): Promise<void> {
    const target = this.pathOf(file.sha256);
    await mkdir(join(target, '..'), { recursive: true });
    // The bytes reach the disk before the name does, so a crash never leaves a short file under a hash.
    const handle = await open(file.path, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      // link() never replaces: a file already stored under this hash stays as it is.
      await link(file.path, target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    await rm(file.path, { force: true });
    await syncDir(join(target, '..'));
  }

  async open(sha256: string): Promise<Readable> {
    const path = this.pathOf(sha256);
    try {
      await stat(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new EvidenceBlobMissingError(sha256, { cause: error });
      throw error;
    }
    return createReadStream(path);
  }

  async has(sha256: string): Promise<boolean> {
    try {
      await stat(this.pathOf(sha256));
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  }

  // The two folder levels stay: another hash may be linked into them at this moment.
  async delete(sha256: string): Promise<void> {
    await rm(this.pathOf(sha256), { force: true });
  }
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
