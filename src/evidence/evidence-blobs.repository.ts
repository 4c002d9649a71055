import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Transactions, type Tx } from '../platform/database/transactions.js';

/**
 * Uploads in progress, per blob hash (evidence_blob_uploads), and the locks that keep an upload and the
 * orphan collector apart. Recording an upload takes the hash's advisory lock shared, collecting a hash
 * takes it alone: a blob is never deleted between an upload seeing it in the store and recording it.
 */
@Injectable()
export class EvidenceBlobsRepository {
  constructor(private readonly transactions: Transactions) {}

  /** Notes an upload of `sha256` about to go into the store, committed at once; returns its id. */
  async begin(sha256: string, at: Date): Promise<string> {
    const id = randomUUID();
    await this.transactions.run(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock_shared(hashtextextended('evidence-blob:' || $1, 0))`, [sha256]);
      await tx.query(`INSERT INTO evidence_blob_uploads (id, sha256, started_at) VALUES ($1, $2, $3)`, [id, sha256, at]);
    });
    return id;
  }

  /**
   * Forgets an upload in the transaction that records its evidence. False when the row is gone: the
   * upload outlived the grace period and the collector may have deleted its blob.
   */
  async finish(tx: Tx, id: string): Promise<boolean> {
    const [, count]: [unknown, number] = await tx.query(`DELETE FROM evidence_blob_uploads WHERE id = $1`, [id]);
    return count === 1;
  }

  /** Only one instance collects at a time; the others skip their turn. */
  async tryLockCollector(tx: Tx): Promise<boolean> {
    const [{ locked }]: Array<{ locked: boolean }> = await tx.query(
      `SELECT pg_try_advisory_xact_lock(hashtextextended('evidence-orphan-collector', 0)) AS locked`,
    );
    return locked;
  }

  /** Hashes with an upload that started before `cutoff` and was never recorded, oldest first. */
  async abandonedHashes(tx: Tx, cutoff: Date, limit: number): Promise<string[]> {
    const rows: Array<{ sha256: string }> = await tx.query(
      `SELECT sha256 FROM evidence_blob_uploads WHERE started_at < $1 GROUP BY sha256 ORDER BY min(started_at) LIMIT $2`,
      [cutoff, limit],
    );
    return rows.map((r) => r.sha256);
  }

  /** Waits for uploads of this hash that are being noted, and keeps new ones out until the transaction ends. */
  async lockHash(tx: Tx, sha256: string): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended('evidence-blob:' || $1, 0))`, [sha256]);
  }

  /** Whether an evidence row references the blob, or an upload of it started at or after `cutoff` may still do so. */
  async inUse(tx: Tx, sha256: string, cutoff: Date): Promise<boolean> {
    const [{ used }]: Array<{ used: boolean }> = await tx.query(
      `SELECT EXISTS (SELECT 1 FROM evidence_files WHERE sha256 = $1)
           OR EXISTS (SELECT 1 FROM evidence_blob_uploads WHERE sha256 = $1 AND started_at >= $2) AS used`,
      [sha256, cutoff],
    );
    return used;
  }

  async forgetAbandoned(tx: Tx, sha256: string, cutoff: Date): Promise<void> {
    await tx.query(`DELETE FROM evidence_blob_uploads WHERE sha256 = $1 AND started_at < $2`, [sha256, cutoff]);
  }
}
