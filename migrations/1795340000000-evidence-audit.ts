import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Evidence files attached to cases (the bytes live in a content-addressed store, see EvidenceStorage),
 * the append-only log of audit exports and dossiers, and the index the time-range export reads in order.
 */
export class EvidenceAudit1795340000000 implements MigrationInterface {
  name = 'EvidenceAudit1795340000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE evidence_files (
        id uuid PRIMARY KEY,
        shop_id uuid NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
        case_id uuid NOT NULL REFERENCES cases (id),
        party text NOT NULL,
        kind text NOT NULL,
        note text,
        filename text NOT NULL,
        content_type text NOT NULL,
        size bigint NOT NULL,
        sha256 text NOT NULL,
        uploaded_by_kind text NOT NULL,
        uploaded_by_id text NOT NULL,
        uploaded_at timestamptz(3) NOT NULL,
        audit_seq integer NOT NULL,
        submitted_at timestamptz(3),
        CONSTRAINT evidence_files_party_check CHECK (party IN ('buyer', 'merchant', 'platform', 'carrier')),
        CONSTRAINT evidence_files_kind_check CHECK (kind IN ('photo', 'video', 'courier_stamp', 'signed_receipt', 'chat_log', 'invoice', 'inspection_report', 'other')),
        CONSTRAINT evidence_files_size_check CHECK (size > 0),
        CONSTRAINT evidence_files_sha256_check CHECK (sha256 ~ '^[0-9a-f]{64}$')
      )`);
    await q.query(`CREATE UNIQUE INDEX evidence_files_case_seq_key ON evidence_files (shop_id, case_id, audit_seq)`);
    await q.query(`CREATE INDEX evidence_files_sha256_idx ON evidence_files (sha256)`);

    await q.query(`
      CREATE TABLE audit_access_log (
        id uuid PRIMARY KEY,
        shop_id uuid NOT NULL REFERENCES shops (id),
        at timestamptz(3) NOT NULL,
        actor_kind text NOT NULL,
        actor_id text NOT NULL,
        action text NOT NULL,
        personal_data boolean NOT NULL,
        params jsonb NOT NULL
      )`);
    await q.query(`CREATE INDEX audit_access_log_shop_at_idx ON audit_access_log (shop_id, at, id)`);
    await q.query(`
      CREATE FUNCTION audit_access_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_access_log is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    await q.query(`
      CREATE TRIGGER audit_access_log_append_only
        BEFORE UPDATE OR DELETE ON audit_access_log
        FOR EACH ROW EXECUTE FUNCTION audit_access_log_append_only()`);
    await q.query(`
      CREATE TRIGGER audit_access_log_no_truncate
        BEFORE TRUNCATE ON audit_access_log
        FOR EACH STATEMENT EXECUTE FUNCTION audit_access_log_append_only()`);

    // The export reads a shop's events by time in (at, case_id, seq) order: the index hands them over sorted.
    await q.query(`CREATE INDEX case_events_shop_at_key ON case_events (shop_id, at, case_id, seq)`);
    await q.query(`DROP INDEX case_events_shop_at_idx`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX case_events_shop_at_idx ON case_events (shop_id, at)`);
    await q.query(`DROP INDEX case_events_shop_at_key`);
    await q.query(`DROP TABLE audit_access_log`);
    await q.query(`DROP FUNCTION audit_access_log_append_only()`);
    await q.query(`DROP TABLE evidence_files`);
  }
}
