import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Evidence uploads: idempotent retries and collection of orphaned blobs. An upload writes a row here
 * (committed on its own) before its bytes go into the store, and the transaction that records the
 * evidence deletes it: a row older than the grace period is an upload that never got recorded, and
 * its hash is a candidate for the orphan collector without listing the whole store. Idempotency keys
 * of uploads live with the others in idempotency_keys.
 */
export class EvidenceUploads1795380000000 implements MigrationInterface {
  name = 'EvidenceUploads1795380000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE evidence_blob_uploads (
        id uuid PRIMARY KEY,
        sha256 text NOT NULL,
        started_at timestamptz(3) NOT NULL,
        CONSTRAINT evidence_blob_uploads_sha256_check CHECK (sha256 ~ '^[0-9a-f]{64}$')
      )`);
    await q.query(`CREATE INDEX evidence_blob_uploads_started_idx ON evidence_blob_uploads (started_at)`);
    await q.query(`CREATE INDEX evidence_blob_uploads_sha256_idx ON evidence_blob_uploads (sha256, started_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE evidence_blob_uploads`);
  }
}
