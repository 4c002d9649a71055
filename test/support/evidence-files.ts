import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import type { EvidenceStorage, SpooledFile } from '../../src/evidence/storage/evidence-storage.js';

/** Real file bytes built in memory, for upload tests that must pass a content sniffer. */

export const sha256 = (bytes: Buffer | string): string => createHash('sha256').update(bytes).digest('hex');

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed) >>> 0);
  return Buffer.concat([length, typed, crc]);
}

/**
 * A valid 1×1 RGB PNG; `seed` changes the pixel colour (and so the bytes and the sha256).
 * `padTo` appends bytes after IEND (as some cameras do) until the file has exactly that size.
 */
export function pngBytes(seed = 0, padTo?: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(1, 0); // width
  header.writeUInt32BE(1, 4); // height
  header[8] = 8; // bit depth
  header[9] = 2; // colour type RGB
  const scanline = Buffer.from([0, seed & 0xff, (seed >> 8) & 0xff, (seed >> 16) & 0xff]);
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(scanline)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
  if (padTo === undefined) return png;
  if (padTo < png.length) throw new Error(`pngBytes: cannot pad ${png.length} bytes down to ${padTo}`);
  return Buffer.concat([png, Buffer.alloc(padTo - png.length, 0x20)]);
}

/** A minimal baseline JPEG (SOI, JFIF APP0, DQT, SOF, …). */
export function jpegBytes(): Buffer {
  return Buffer.from(
    '/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=',
    'base64',
  );
}

/** A minimal PDF document; `text` makes each one distinct. */
export function pdfBytes(text = 'evidence'): Buffer {
  return Buffer.from(
    `%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n% ${text}\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n`,
    'latin1',
  );
}

/** The first 64 KiB of the running node binary: a real ELF executable header. */
export function elfBytes(): Buffer {
  const fd = openSync(process.execPath, 'r');
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const read = readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/** A DOS/PE stub: `MZ`, e_lfanew → `PE\0\0`. */
export function peBytes(): Buffer {
  const pe = Buffer.alloc(512);
  pe.write('MZ', 0, 'ascii');
  pe.writeUInt32LE(0x80, 0x3c);
  pe.write('PE\0\0', 0x80, 'latin1');
  return pe;
}

/** Where the local store keeps a blob. */
export const blobPath = (root: string, sha: string) => join(root, sha.slice(0, 2), sha.slice(2, 4), sha);

/** Every regular file under `root` (relative paths, sorted); [] when `root` does not exist. */
export async function walkFiles(root: string): Promise<string[]> {
  const found: string[] = [];
  async function walk(dir: string): Promise<void> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else found.push(relative(root, full));
    }
  }
  await walk(root);
  return found.sort();
}

/** The files under `root` with their sha256, to compare the store before and after a request. */
export async function snapshotFiles(root: string): Promise<Record<string, string>> {
  const snapshot: Record<string, string> = {};
  for (const path of await walkFiles(root)) snapshot[path] = sha256(await readFile(join(root, path)));
  return snapshot;
}

/** supertest/superagent parser that collects the raw response bytes: use with `.buffer(true).parse(binaryParser)`. */
export function binaryParser(res: unknown, callback: (err: Error | null, body: Buffer) => void): void {
  const stream = res as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer | string) => chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk)));
  stream.on('end', () => callback(null, Buffer.concat(chunks)));
  stream.on('error', (error: Error) => callback(error, Buffer.alloc(0)));
}

export interface RawPart {
  name: string;
  value: string | Buffer;
  /** Present for a file part: written as is (UTF-8) in Content-Disposition, no path stripping. */
  filename?: string;
  contentType?: string;
}

/**
 * A multipart/form-data body written by hand, for what form-data would "fix" on the client side
 * (it strips directories from file names).
 */
export function rawMultipart(parts: RawPart[]): { contentType: string; body: Buffer } {
  const boundary = `----evidence-test-${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"`;
    if (part.filename !== undefined) head += `; filename="${part.filename}"`;
    head += '\r\n';
    if (part.contentType) head += `Content-Type: ${part.contentType}\r\n`;
    head += '\r\n';
    chunks.push(Buffer.from(head, 'utf8'), Buffer.isBuffer(part.value) ? part.value : Buffer.from(part.value, 'utf8'), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: Buffer.concat(chunks) };
}

/**
 * Runs every `put` of the store through `around` until the returned function is called: to do
 * something while an upload's bytes go into the store (move the clock so the evidence window closes,
 * hold the upload to race it). `around` calls `put` to store the bytes.
 */
export function aroundPut(storage: EvidenceStorage, around: (put: () => Promise<void>, file: SpooledFile) => Promise<void>): () => void {
  const original = storage.put;
  storage.put = (file: SpooledFile) => around(() => original.call(storage, file), file);
  return () => {
    storage.put = original;
  };
}

/** A gate a test opens by hand, with a promise for when something first reached it. */
export function gate(): { reached: Promise<void>; wait: () => Promise<void>; open: () => void } {
  let arrive!: () => void;
  let open!: () => void;
  const reached = new Promise<void>((resolve) => (arrive = resolve));
  const opened = new Promise<void>((resolve) => (open = resolve));
  return {
    reached,
    wait: () => {
      arrive();
      return opened;
    },
    open,
  };
}
