import { ApiProperty } from '@nestjs/swagger';
import { ActorView } from '../platform/actor.view.js';
import { EVIDENCE_KINDS, type EvidenceKind } from '../reasons/reason.types.js';

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

/** One evidence file of a case as the API shows it. */
export class EvidenceView {
  @ApiProperty({ format: 'uuid', example: '9d3a7c1e-2b4f-4e6a-8c0d-1f2e3a4b5c6d' })
  id!: string;

  @ApiProperty({ format: 'uuid', example: '0b7c2f0e-3b8f-4a53-9d54-2f1f1e9b7a10' })
  caseId!: string;

  @ApiProperty({ enum: EVIDENCE_PARTIES, example: 'buyer' })
  party!: EvidenceParty;

  @ApiProperty({ enum: EVIDENCE_KINDS, example: 'photo' })
  kind!: EvidenceKind;

  @ApiProperty({ type: String, nullable: true, example: '买家提供的开胶照片' })
  note!: string | null;

  @ApiProperty({ description: 'The uploaded name, made safe', example: 'sole.jpg' })
  filename!: string;

  @ApiProperty({ description: 'Detected from the bytes', example: 'image/jpeg' })
  contentType!: string;

  @ApiProperty({ description: 'Bytes', example: 182113 })
  size!: number;

  @ApiProperty({
    description: 'Hex sha256 of the bytes (also the download’s ETag)',
    example: '9f2c4b1d8e7a6f5c3b2a1908d7e6f5c4b3a29180f7e6d5c4b3a2918070f6e5d4',
  })
  sha256!: string;

  @ApiProperty({ format: 'date-time' })
  uploadedAt!: string;

  @ApiProperty({ type: ActorView })
  uploadedBy!: ActorView;

  @ApiProperty({ description: 'Part of the submitted evidence package' })
  submitted!: boolean;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  submittedAt!: string | null;

  @ApiProperty({ description: 'The seq of the case’s EVIDENCE_ADDED audit event', example: 4 })
  auditSeq!: number;

  @ApiProperty({ example: '/v1/cases/0b7c2f0e-3b8f-4a53-9d54-2f1f1e9b7a10/evidence/9d3a7c1e-2b4f-4e6a-8c0d-1f2e3a4b5c6d/content' })
  downloadUrl!: string;
}

export function toEvidenceView(record: EvidenceRecord): EvidenceView {
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

export class EvidenceChecklistItem {
  @ApiProperty({ enum: EVIDENCE_KINDS, example: 'photo' })
  kind!: string;

  @ApiProperty()
  provided!: boolean;

  @ApiProperty({ example: 2 })
  count!: number;
}

export class CaseEvidenceSummary {
  @ApiProperty({ description: 'Evidence files attached', example: 2 })
  count!: number;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the merchant’s evidence package was submitted' })
  submittedAt!: string | null;

  @ApiProperty({ description: 'The reason the checklist is for (verified, else claimed)', example: 'quality_problem' })
  checklistReason!: string;

  @ApiProperty({ type: [EvidenceChecklistItem], description: 'The evidence the reason usually needs, ticked off' })
  checklist!: EvidenceChecklistItem[];
}

export class EvidenceSubmission {
  @ApiProperty({ format: 'date-time' })
  submittedAt!: string;

  @ApiProperty({
    description: 'sha256 of the canonical JSON list of the package’s files',
    example: '4e1d9c2b7a6f5e4d3c2b1a0998877665544332211ffeeddccbbaa99887766554',
  })
  packageSha256!: string;

  @ApiProperty({ type: [String], format: 'uuid' })
  evidenceIds!: string[];
}

/** A case's evidence: the files, the checklist of kinds its reason calls for, and the submitted package. */
export class EvidenceList {
  @ApiProperty({ type: [EvidenceView] })
  items!: EvidenceView[];

  @ApiProperty({ example: 'quality_problem' })
  checklistReason!: string;

  @ApiProperty({ type: [EvidenceChecklistItem] })
  checklist!: EvidenceChecklistItem[];

  @ApiProperty({ type: EvidenceSubmission, nullable: true, description: 'The merchant’s submitted package; null until SUBMIT_EVIDENCE' })
  submission!: EvidenceSubmission | null;
}
