import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import canonicalize from 'canonicalize';
import type { FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import type { DataSource } from 'typeorm';
import { CaseEngine, type Actor } from '../cases/case-engine.js';
import { CaseException } from '../cases/case.problems.js';
import type { CaseRecord } from '../cases/case.record.js';
import { CaseRepository, type CaseWithContext } from '../cases/case.repository.js';
import { applyCaseEvent, restoreSnapshot } from '../cases/machine/case-machine.queries.js';
import { actorOf, type ShopPrincipal } from '../common/auth/principal.js';
import { sha256Hex } from '../common/auth/secrets.js';
import { Clock } from '../common/clock/clock.js';
import { Environment } from '../config/environment.js';
import { Transactions, type Tx } from '../database/transactions.js';
import { reasonByCode } from '../reasons/reason-catalog.js';
import { judgeEvidenceType, sanitizeFilename } from './evidence-file-types.js';
import { receiveUpload } from './evidence-receiver.js';
import { evidenceWindowMs, evidenceWindowOf } from './evidence-window.js';
import { EvidenceException } from './evidence.problems.js';
import { toEvidenceView, type EvidenceRecord, type EvidenceView } from './evidence.record.js';
import { EvidenceRepository } from './evidence.repository.js';
import { parseEvidenceFields } from './dto/evidence-fields.dto.js';
import { EvidenceStorage } from './storage/evidence-storage.js';

export interface EvidenceChecklistItem {
  kind: string;
  provided: boolean;
  count: number;
}

/** Evidence files of cases: upload, list, download, the reason's checklist and the submitted package. */
@Injectable()
export class EvidenceService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
    private readonly engine: CaseEngine,
    private readonly cases: CaseRepository,
    private readonly evidence: EvidenceRepository,
    private readonly storage: EvidenceStorage,
    private readonly env: Environment,
    private readonly clock: Clock,
  ) {}

  /**
   * Receives the file into the spool (hash, size, type from the bytes), then moves it into the store and
   * records it with its EVIDENCE_ADDED audit event in one transaction under the case lock. Every refusal
   * before that leaves nothing behind.
   */
  async upload(principal: ShopPrincipal, caseId: string, request: FastifyRequest): Promise<EvidenceView> {
    const manager = this.dataSource.manager;
    // Another shop's or an unknown case is refused before a byte is read.
    const preview = await this.cases.loadWithContext(manager, principal.shopId, caseId, false);
    if (!preview) throw new CaseException('CASE_NOT_FOUND', `No case ${caseId}.`);
    const upload = await receiveUpload(request, this.storage.spoolDir, this.env.EVIDENCE_MAX_BYTES);
    try {
      const fields = parseEvidenceFields(upload.fields);
      const verdict = judgeEvidenceType(upload.file.detectedType, upload.file.isText, sanitizeFilename(upload.file.originalName));
      if (!verdict.ok) {
        throw new EvidenceException(
          verdict.code,
          verdict.code === 'EVIDENCE_TYPE_MISMATCH'
            ? `The file is ${verdict.detectedType} but is named ${verdict.extension}.`
            : `Detected type: ${verdict.detectedType ?? 'unknown binary'}.`,
          verdict.code === 'EVIDENCE_TYPE_MISMATCH' ? { detectedType: verdict.detectedType, extension: verdict.extension } : { detectedType: verdict.detectedType },
        );
      }
      const checkWindow = async (tx: Tx, loaded: CaseWithContext) => {
        if (fields.party === 'merchant') await this.assertWindowOpen(tx, loaded);
      };
      // Checked before the bytes go into the store (against the case as it was before the upload), and again under the lock.
      await checkWindow(manager, preview);

      await this.storage.put({ path: upload.file.path, sha256: upload.file.sha256, size: upload.file.size, contentType: verdict.contentType });
      const actor = actorOf(principal) as Actor;
      return await this.transactions.run(async (tx) => {
        const record: EvidenceRecord = {
          id: randomUUID(),
          shopId: principal.shopId,
          caseId,
          party: fields.party,
          kind: fields.kind,
          note: fields.note ?? null,
          filename: verdict.filename,
          contentType: verdict.contentType,
          size: upload.file.size,
          sha256: upload.file.sha256,
          uploadedBy: actor,
          uploadedAt: this.clock.now(),
          auditSeq: 0,
          submittedAt: null,
        };
        const event = {
          type: 'EVIDENCE_ADDED',
          evidenceId: record.id,
          sha256: record.sha256,
          size: record.size,
          contentType: record.contentType,
          filename: record.filename,
          party: record.party,
          kind: record.kind,
          note: record.note,
        };
        const recorded = await this.engine.recordIn(tx, { shopId: principal.shopId, caseId, event, actor }, (loaded) => checkWindow(tx, loaded));
        const saved = { ...record, auditSeq: recorded.record.eventSeq };
        await this.evidence.insert(tx, saved);
        return toEvidenceView(saved);
      });
    } finally {
      await upload.discard();
    }
  }

  async list(principal: ShopPrincipal, caseId: string) {
    return this.transactions.run(async (tx) => {
      const record = await this.requireCase(tx, principal.shopId, caseId);
      const items = await this.evidence.listForCase(tx, principal.shopId, caseId);
      const checklist = checklistOf(record, items);
      return {
        items: items.map(toEvidenceView),
        checklistReason: checklist.reason,
        checklist: checklist.items,
        submission: await this.submissionView(tx, principal.shopId, caseId),
      };
    });
  }

  /** The file's record and its bytes. */
  async content(principal: ShopPrincipal, caseId: string, evidenceId: string): Promise<{ record: EvidenceRecord; stream: Readable }> {
    const record = await this.evidence.find(this.dataSource.manager, principal.shopId, caseId, evidenceId);
    if (!record) throw new EvidenceException('EVIDENCE_NOT_FOUND', `No evidence ${evidenceId} on case ${caseId}.`);
    return { record, stream: await this.storage.open(record.sha256) };
  }

  /** What the case view shows about evidence: how many, the checklist, when the package went in. */
  async summaryOf(tx: Tx, record: CaseRecord) {
    const items = await this.evidence.listForCase(tx, record.shopId, record.id);
    const checklist = checklistOf(record, items);
    return {
      count: items.length,
      submittedAt: items.find((i) => i.submittedAt)?.submittedAt?.toISOString() ?? null,
      checklistReason: checklist.reason,
      checklist: checklist.items,
    };
  }

  /**
   * SUBMIT_EVIDENCE: seals the merchant's package once. The audit event lists every file in it with its
   * sha256 and the package's own hash (sha256 of the list's canonical JSON); the files are marked
   * submitted in the same transaction. Later uploads stay outside the package.
   */
  async submit(principal: ShopPrincipal, caseId: string, expectedVersion?: number): Promise<CaseWithContext> {
    const actor = actorOf(principal) as Actor;
    return this.transactions.run(async (tx) => {
      const loaded = await this.cases.loadWithContext(tx, principal.shopId, caseId, true);
      if (!loaded) throw new CaseException('CASE_NOT_FOUND', `No case ${caseId}.`);
      await this.assertWindowOpen(tx, loaded);
      const files = await this.evidence.listForCase(tx, principal.shopId, caseId);
      const evidence = files.map((f) => ({ id: f.id, sha256: f.sha256, party: f.party, kind: f.kind }));
      const event = { type: 'SUBMIT_EVIDENCE' as const, evidence, packageSha256: sha256Hex(canonicalize(evidence) ?? '[]') };
      // The machine's refusals (wrong state, already submitted) come before an empty package.
      if (files.length === 0 && applyCaseEvent(restoreSnapshot(loaded.record.snapshot), event).accepted) {
        throw new EvidenceException('EVIDENCE_PACKAGE_EMPTY', 'Upload the evidence files first, then submit the package.');
      }
      const applied = await this.engine.applyIn(tx, { shopId: principal.shopId, caseId, event, actor, expectedVersion });
      await this.evidence.seal(tx, principal.shopId, caseId, applied.record.updatedAt);
      return applied;
    });
  }

  private async assertWindowOpen(tx: Tx, loaded: CaseWithContext): Promise<void> {
    const window = evidenceWindowOf(loaded, this.clock.now());
    if (!window.closed) return;
    let dueAt = window.dueAt;
    if (!dueAt) {
      const intervened = await this.evidence.interventionAt(tx, loaded.record.shopId, loaded.record.id);
      dueAt = intervened ? new Date(intervened.getTime() + evidenceWindowMs(loaded)) : null;
    }
    throw new EvidenceException(
      'EVIDENCE_WINDOW_CLOSED',
      dueAt ? `The platform accepted merchant evidence until ${dueAt.toISOString()}.` : 'The platform no longer accepts merchant evidence.',
      { deadline: dueAt?.toISOString() ?? null },
    );
  }

  private async requireCase(tx: Tx, shopId: string, caseId: string): Promise<CaseRecord> {
    const record = await this.cases.find(tx, shopId, caseId);
    if (!record) throw new CaseException('CASE_NOT_FOUND', `No case ${caseId}.`);
    return record;
  }

  private async submissionView(tx: Tx, shopId: string, caseId: string) {
    const submission = await this.evidence.submission(tx, shopId, caseId);
    return submission && { ...submission, submittedAt: submission.submittedAt.toISOString() };
  }
}

/** The evidence the case's reason usually needs (verified reason first, else the buyer's), ticked off. */
export function checklistOf(record: CaseRecord, items: EvidenceRecord[]): { reason: string; items: EvidenceChecklistItem[] } {
  const reason = record.verifiedReasonCode ?? record.claimedReasonCode;
  const expected = reasonByCode(reason)?.expectedEvidence ?? [];
  return {
    reason,
    items: expected.map((kind) => {
      const count = items.filter((i) => i.kind === kind).length;
      return { kind, provided: count > 0, count };
    }),
  };
}
