import { randomUUID, createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import { fileTypeFromBuffer } from 'file-type';
import { EvidenceException } from './evidence.problems.js';

/** Bytes file-type needs to recognise every format on the allow-list. */
const SNIFF_BYTES = 4100;

/** What one upload request carried, the file already spooled to disk and measured. */
export interface ReceivedUpload {
  fields: Record<string, string>;
  file: {
    path: string;
    originalName: string | undefined;
    size: number;
    sha256: string;
    /** The MIME type file-type found in the bytes; null when there is no binary signature. */
    detectedType: string | null;
    /** True when the whole file is UTF-8 text without control characters (tab, CR and LF aside). */
    isText: boolean;
  };
  /** Deletes the spooled file (a no-op once the store has taken it). */
  discard(): Promise<void>;
}

/**
 * Streams a multipart upload into the spool folder while computing its sha256 and size, stopping at
 * `maxBytes`, and detects its type from the bytes. Nothing but the spool file is written, and that is
 * removed on every failure.
 */
export async function receiveUpload(request: FastifyRequest, spoolDir: string, maxBytes: number): Promise<ReceivedUpload> {
  if (!request.isMultipart()) throw new EvidenceException('MULTIPART_REQUIRED');
  const fields: Record<string, string> = {};
  let file: ReceivedUpload['file'] | undefined;
  const spoolPath = join(spoolDir, `${randomUUID()}.part`);
  const discard = () => rm(spoolPath, { force: true });
  try {
    const parts = request.parts({ limits: { fileSize: maxBytes, files: 1, fields: 8, fieldSize: 16 * 1024, parts: 9 } });
    for await (const part of parts) {
      if (part.type === 'field') {
        if (typeof part.value === 'string') fields[part.fieldname] = part.value;
        continue;
      }
      if (part.fieldname !== 'file') {
        await drain(part.file);
        throw new EvidenceException('EVIDENCE_FILE_MISSING', `The file part is named "${part.fieldname}"; name it "file".`);
      }
      const meter = new Meter();
      await pipeline(part.file, meter, createWriteStream(spoolPath, { flags: 'wx' }));
      if (part.file.truncated) throw tooLarge(maxBytes);
      file = {
        path: spoolPath,
        originalName: part.filename,
        size: meter.size,
        sha256: meter.digest(),
        detectedType: (await fileTypeFromBuffer(meter.head()))?.mime ?? null,
        isText: meter.isText(),
      };
    }
  } catch (error) {
    await discard();
    throw translate(error, maxBytes);
  }
  if (!file) throw new EvidenceException('EVIDENCE_FILE_MISSING');
  if (file.size === 0) {
    await discard();
    throw new EvidenceException('EVIDENCE_FILE_EMPTY');
  }
  return { fields, file, discard };
}

function tooLarge(maxBytes: number) {
  return new EvidenceException('EVIDENCE_TOO_LARGE', `Evidence files may be at most ${maxBytes} bytes.`, { maxBytes });
}

function translate(error: unknown, maxBytes: number): unknown {
  if (error instanceof EvidenceException) return error;
  switch ((error as { code?: string }).code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return tooLarge(maxBytes);
    case 'FST_FILES_LIMIT':
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return new EvidenceException('EVIDENCE_TOO_MANY_PARTS');
    case 'FST_PROTO_VIOLATION':
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return new EvidenceException('EVIDENCE_MALFORMED_UPLOAD');
  }
  const message = (error as Error)?.message ?? '';
  if (/multipart|boundary|terminated early|Unexpected end of form|Malformed/i.test(message)) {
    return new EvidenceException('EVIDENCE_MALFORMED_UPLOAD', message);
  }
  return error;
}

async function drain(stream: NodeJS.ReadableStream): Promise<void> {
  for await (const _ of stream) {
    // discarded
  }
}

// Control characters other than tab, LF and CR mark a file as binary.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** Passes bytes through, hashing and counting them, keeping the head for type detection. */
class Meter extends Transform {
  size = 0;
  private readonly hash = createHash('sha256');
  private readonly headChunks: Buffer[] = [];
  private headLength = 0;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private text = true;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.size += chunk.length;
    this.hash.update(chunk);
    if (this.headLength < SNIFF_BYTES) {
      const part = chunk.subarray(0, SNIFF_BYTES - this.headLength);
      this.headChunks.push(part);
      this.headLength += part.length;
    }
    if (this.text) this.text = this.decodes(chunk, true);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    if (this.text) this.text = this.decodes(new Uint8Array(), false);
    done();
  }

  digest(): string {
    return this.hash.digest('hex');
  }

  head(): Uint8Array {
    return Buffer.concat(this.headChunks, this.headLength);
  }

  isText(): boolean {
    return this.text;
  }

  private decodes(chunk: Uint8Array, stream: boolean): boolean {
    try {
      return !CONTROL.test(this.decoder.decode(chunk, { stream }));
    } catch {
      return false;
    }
  }
}
