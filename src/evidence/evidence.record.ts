import type { EvidenceKind } from '../reasons/reason.types.js';

export const EVIDENCE_PARTIES = ['buyer', 'merchant', 'platform', 'carrier'] as const;
export type EvidenceParty = (typeof EVIDENCE_PARTIES)[number];

/** One evidence file attached to a case; the bytes are in EvidenceStorage under `sha256`. */
export interface EvidenceRecord {
  id: string;
  shopId: string;
  caseId: string;
  party: EvidenceParty;
  kind: EvidenceKind;
  note: string | null;
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  uploadedBy: { kind: string; id: string };
  uploadedAt: Date;
  /** The seq of the case's EVIDENCE_ADDED audit event. */
  auditSeq: number;
  /** When the merchant's evidence package holding this file was submitted; null: not submitted. */
  submittedAt: Date | null;
}

export function toEvidenceView(record: EvidenceRecord) {
  return {
    id: record.id,
    caseId: record.caseId,
    party: record.party,
    kind: record.kind,
    note: record.note,
    filename: record.filename,
    contentType: record.contentType,
    size: record.size,
    sha256: record.sha256,
    uploadedAt: record.uploadedAt.toISOString(),
    uploadedBy: record.uploadedBy,
    submitted: record.submittedAt !== null,
    submittedAt: record.submittedAt?.toISOString() ?? null,
    auditSeq: record.auditSeq,
    downloadUrl: `/v1/cases/${record.caseId}/evidence/${record.id}/content`,
  };
}

export type EvidenceView = ReturnType<typeof toEvidenceView>;
