import { createReadStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { assertSha256, EvidenceBlobMissingError, EvidenceStorage, type SpooledFile } from './evidence-storage.js';

export interface S3EvidenceStorageOptions {
  bucket: string;
  prefix: string;
  region: string;
  endpoint?: string;
  forcePathStyle: boolean;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  spoolDir: string;
}

/** Evidence in an S3-compatible bucket (AWS S3, MinIO, Ceph, OSS/COS in S3 mode) under `<prefix><sha256>`. */
export class S3EvidenceStorage extends EvidenceStorage {
  readonly spoolDir: string;
  private readonly client: S3Client;

  constructor(private readonly options: S3EvidenceStorageOptions) {
    super();
    this.spoolDir = options.spoolDir;
    this.client = new S3Client({
      region: options.region,
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle,
      credentials: options.credentials,
    });
  }

  async init(): Promise<void> {
    await mkdir(this.spoolDir, { recursive: true });
  }

  keyOf(sha256: string): string {
    assertSha256(sha256);
    return `${this.options.prefix}${sha256}`;
  }

  async put(file: SpooledFile): Promise<void> {
    const key = this.keyOf(file.sha256);
    if (!(await this.exists(key))) {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.options.bucket,
          Key: key,
          Body: createReadStream(file.path),
          ContentLength: file.size,
          ContentType: file.contentType,
          // The store checks the bytes it received against the hash computed while they streamed in.
          ChecksumSHA256: Buffer.from(file.sha256, 'hex').toString('base64'),
        }),
      );
    }
    await rm(file.path, { force: true });
  }

  async open(sha256: string): Promise<Readable> {
    let object;
    try {
      object = await this.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: this.keyOf(sha256) }));
    } catch (error) {
      if (isNotFound(error)) throw new EvidenceBlobMissingError(sha256, { cause: error });
      throw error;
    }
    if (!(object.Body instanceof Readable)) throw new Error(`S3 returned no stream for ${sha256}`);
    return object.Body;
  }

  has(sha256: string): Promise<boolean> {
    return this.exists(this.keyOf(sha256));
  }

  // S3 answers a delete of a missing key with success, as the port asks.
  async delete(sha256: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.keyOf(sha256) }));
  }

  close(): void {
    this.client.destroy();
  }

  private async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: key }));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404;
}
