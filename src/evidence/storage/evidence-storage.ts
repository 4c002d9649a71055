import type { Readable } from 'node:stream';

/** A file received in full into the local spool, with what was learnt while it streamed in. */
export interface SpooledFile {
  path: string;
  sha256: string;
  size: number;
  contentType: string;
}

/**
 * Where evidence bytes live, addressed by their sha256: the same file uploaded twice is stored once, and
 * a stored object can never change under its name. The local disk is the default; S3-compatible object
 * storage is selected with EVIDENCE_STORAGE=s3.
 */
export abstract class EvidenceStorage {
  /** Moves a spooled file into the store under its hash (a no-op when the store has it already). */
  abstract put(file: SpooledFile): Promise<void>;

  /** The stored bytes; rejects with EvidenceBlobMissingError when the store has no object for this hash. */
  abstract open(sha256: string): Promise<Readable>;

  /** Whether the store holds an object for this hash. */
  abstract has(sha256: string): Promise<boolean>;

  /**
   * Removes the object stored under this hash; nothing happens when there is none. Only the orphan
   * collector calls it, for a hash no evidence row references (see EvidenceOrphanCollector).
   */
  abstract delete(sha256: string): Promise<void>;

  /** Where uploads are spooled while they stream in and are checked (a local folder in every mode). */
  abstract readonly spoolDir: string;
}

export function assertSha256(sha256: string): void {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new TypeError(`not a sha256: ${sha256}`);
}

/** The store has no object under a hash that evidence refers to: lost or deleted behind our back. */
export class EvidenceBlobMissingError extends Error {
  constructor(
    readonly sha256: string,
    options?: ErrorOptions,
  ) {
    super(`evidence blob ${sha256} is missing from the store`, options);
    this.name = 'EvidenceBlobMissingError';
  }
}
