import { Injectable } from '@nestjs/common';
import { int8 } from '../platform/database/bigint.js';
import type { Tx } from '../platform/database/transactions.js';
import type { EvidenceKind } from '../reasons/reason.types.js';
import type { EvidenceParty, EvidenceRecord } from './evidence.record.js';

interface EvidenceRow {
  id: string;
  shop_id: string;
  case_id: string;
  party: EvidenceParty;
  kind: EvidenceKind;
  note: string | null;
  filename: string;
  content_type: string;
  size: string;
  sha256: string;
  uploaded_by_kind: string;
  uploaded_by_id: string;
  uploaded_at: Date;
  audit_seq: number;
  submitted_at: Date | null;
}

function toRecord(row: EvidenceRow): EvidenceRecord {
  return {
    id: row.id,
    shopId: row.shop_id,
    caseId: row.case_id,
    party: row.party,
    kind: row.kind,
    note: row.note,
    filename: row.filename,
    contentType: row.content_type,
    size: int8(row.size),
    sha256: row.sha256,
    uploadedBy: { kind: row.uploaded_by_kind, id: row.uploaded_by_id },
    uploadedAt: row.uploaded_at,
    auditSeq: row.audit_seq,
    submittedAt: row.submitted_at,
  };
}

/** Evidence rows; every query is scoped to the shop. */
@Injectable()
export class EvidenceRepository {
  async insert(tx: Tx, record: EvidenceRecord): Promise<void> {
    await tx.query(
      `INSERT INTO evidence_files (id, shop_id, case_id, party, kind, note, filename, content_type, size, sha256,
                                   uploaded_by_kind, uploaded_by_id, uploaded_at, audit_seq, submitted_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
      [
        record.id,
        record.shopId,
        record.caseId,
        record.party,
        record.kind,
        record.note,
        record.filename,
        record.contentType,
        record.size,
        record.sha256,
        record.uploadedBy.kind,
        record.uploadedBy.id,
        record.uploadedAt,
        record.auditSeq,
        record.submittedAt,
      ],
    );
  }

  /** A case's evidence in upload order. */
  async listForCase(tx: Tx, shopId: string, caseId: string): Promise<EvidenceRecord[]> {
    const rows: EvidenceRow[] = await tx.query(`SELECT * FROM evidence_files WHERE shop_id = $1 AND case_id = $2 ORDER BY audit_seq`, [shopId, caseId]);
    return rows.map(toRecord);
  }

  async find(tx: Tx, shopId: string, caseId: string, evidenceId: string): Promise<EvidenceRecord | undefined> {
    const [row]: EvidenceRow[] = await tx.query(`SELECT * FROM evidence_files WHERE shop_id = $1 AND case_id = $2 AND id = $3`, [shopId, caseId, evidenceId]);
    return row && toRecord(row);
  }

  /** Marks every not yet submitted file of the case as part of the package submitted at `at`. */
  async seal(tx: Tx, shopId: string, caseId: string, at: Date): Promise<void> {
    await tx.query(`UPDATE evidence_files SET submitted_at = $3 WHERE shop_id = $1 AND case_id = $2 AND submitted_at IS NULL`, [shopId, caseId, at]);
  }

  /** When the platform last stepped in on the case (its evidence window runs from then). */
  async interventionAt(tx: Tx, shopId: string, caseId: string): Promise<Date | undefined> {
    const [row]: Array<{ at: Date }> = await tx.query(
      `SELECT at FROM case_events WHERE shop_id = $1 AND case_id = $2 AND type = 'PLATFORM_INTERVENED' ORDER BY seq DESC LIMIT 1`,
      [shopId, caseId],
    );
    return row?.at;
  }

  /** The case's submitted evidence package, as its audit event recorded it. */
  async submission(tx: Tx, shopId: string, caseId: string): Promise<{ submittedAt: Date; packageSha256: string; evidenceIds: string[] } | null> {
    const [row]: Array<{ at: Date; payload: { packageSha256: string; evidence: Array<{ id: string }> } }> = await tx.query(
      `SELECT at, payload FROM case_events WHERE shop_id = $1 AND case_id = $2 AND type = 'SUBMIT_EVIDENCE' ORDER BY seq LIMIT 1`,
      [shopId, caseId],
    );
    if (!row) return null;
    return { submittedAt: row.at, packageSha256: row.payload.packageSha256, evidenceIds: (row.payload.evidence ?? []).map((e) => e.id) };
  }
}
