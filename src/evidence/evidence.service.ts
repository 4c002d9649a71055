import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import canonicalize from 'canonicalize';
import type { FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import type { DataSource } from 'typeorm';
import { CaseEngine, type Actor } from '../cases/case-engine.js';
import { CaseException } from '../cases/case.problems.js';
import type { CaseRecord } from '../cases/case.record.js';
import { CaseRepository, type CaseWithContext } from '../cases/case.repository.js';
import { applyCaseEvent, evidenceWindow, evidenceWindowMs, restoreSnapshot } from '../cases/machine/case-machine.queries.js';
import { actorOf, type ShopPrincipal } from '../platform/auth/principal.js';
import { sha256Hex } from '../platform/auth/secrets.js';
import { Clock } from '../platform/clock/clock.js';
import { Environment } from '../platform/config/environment.js';
import { Transactions, type Tx } from '../platform/database/transactions.js';
import { reasonByCode } from '../reasons/reason-catalog.js';
import { judgeEvidenceType, sanitizeFilename } from './evidence-file-types.js';
import { EvidenceBlobsRepository } from './evidence-blobs.repository.js';
import { receiveUpload, type ReceivedUpload } from './evidence-receiver.js';
import { EvidenceUploadKeys, UploadKeyTakenOver } from './evidence-upload-keys.js';
import { EvidenceException } from './evidence.problems.js';
import {
  toEvidenceView,
  type CaseEvidenceSummary,
  type EvidenceChecklistItem,
  type EvidenceList,
  type EvidenceRecord,
  type EvidenceView,
} from './evidence.record.js';
import { EvidenceRepository } from './evidence.repository.js';
import { parseEvidenceFields } from './dto/evidence-fields.dto.js';
import { EvidenceBlobMissingError, EvidenceStorage } from './storage/evidence-storage.js';

/** Evidence files of cases: upload, list, download, the reason's checklist and the submitted package. */
@Injectable()
export class EvidenceService {
  private readonly logger = new Logger(EvidenceService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
    private readonly engine: CaseEngine,
    private readonly cases: CaseRepository,
    private readonly evidence: EvidenceRepository,
    private readonly storage: EvidenceStorage,
    private readonly blobs: EvidenceBlobsRepository,
    private readonly uploadKeys: EvidenceUploadKeys,
    private readonly env: Environment,
    private readonly clock: Clock,
  ) {}

  /**
   * Receives the file into the spool (hash, size, type from the bytes), then moves it into the store and
   * records it with its EVIDENCE_ADDED audit event in one transaction under the case lock. Every refusal
   * before the store leaves nothing behind; bytes stored for an upload refused after that are collected
   * by EvidenceOrphanCollector. With an `Idempotency-Key`, a retry of a recorded upload answers the
   * recorded evidence again (`replayed`) without recording it twice.
   */
  async upload(principal: ShopPrincipal, caseId: string, request: FastifyRequest): Promise<{ view: EvidenceView; replayed: boolean }> {
    const key = this.uploadKeys.keyOf(request);
    // Another shop's or an unknown case is refused before a byte is read.
    const preview = await this.cases.requireWithContext(this.dataSource.manager, principal.shopId, caseId, false);
    const upload = await receiveUpload(request, this.storage.spoolDir, this.env.EVIDENCE_MAX_BYTES);
    try {
      if (key === undefined) return { view: await this.record(principal, caseId, preview, upload), replayed: false };
      const claim = { key, fingerprint: this.uploadKeys.fingerprintOf(caseId, upload) };
      // Before any check of the case: a retry gets the recorded upload even if the window has closed since.
      const recorded = await this.uploadKeys.claim(principal.shopId, claim.key, claim.fingerprint);
      if (recorded) return { view: recorded, replayed: true };
      try {
        return { view: await this.record(principal, caseId, preview, upload, claim), replayed: false };
      } catch (error) {
        if (error instanceof UploadKeyTakenOver) return { view: await this.uploadKeys.recorded(principal.shopId, key), replayed: true };
        await this.uploadKeys.release(principal.shopId, key);
        throw error;
      }
    } finally {
      await upload.discard();
    }
  }

  private async record(
    principal: ShopPrincipal,
    caseId: string,
    preview: CaseWithContext,
    upload: ReceivedUpload,
    claim?: { key: string; fingerprint: string },
  ): Promise<EvidenceView> {
    const fields = parseEvidenceFields(upload.fields);
    const verdict = judgeEvidenceType(upload.file.detectedType, upload.file.isText, sanitizeFilename(upload.file.originalName));
    if (!verdict.ok) {
      throw new EvidenceException(
        verdict.code,
        verdict.code === 'EVIDENCE_TYPE_MISMATCH'
          ? `The file is ${verdict.detectedType} but is named ${verdict.extension}.`
          : `Detected type: ${verdict.detectedType ?? 'unknown binary'}.`,
        verdict.code === 'EVIDENCE_TYPE_MISMATCH'
          ? { detectedType: verdict.detectedType, extension: verdict.extension }
          : { detectedType: verdict.detectedType },
      );
    }
    const checkWindow = async (tx: Tx, loaded: CaseWithContext) => {
      if (fields.party === 'merchant') await this.assertWindowOpen(tx, loaded);
    };
    // Checked before the bytes go into the store (against the case as it was before the upload), and again under the lock.
    await checkWindow(this.dataSource.manager, preview);

    const blobUpload = await this.blobs.begin(upload.file.sha256, this.clock.now());
    await this.storage.put({ path: upload.file.path, sha256: upload.file.sha256, size: upload.file.size, contentType: verdict.contentType });
    const actor = actorOf(principal) as Actor;
    return this.transactions.run(async (tx) => {
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
      if (!(await this.blobs.finish(tx, blobUpload))) {
        throw new Error(`evidence upload ${blobUpload} outlived EVIDENCE_ORPHAN_GRACE_HOURS; its blob may have been collected`);
      }
      const view = toEvidenceView(saved);
      if (claim) await this.uploadKeys.complete(tx, principal.shopId, claim.key, claim.fingerprint, view);
      return view;
    });
  }

  async list(principal: ShopPrincipal, caseId: string): Promise<EvidenceList> {
    return this.transactions.run(async (tx) => {
      const record = await this.cases.require(tx, principal.shopId, caseId);
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
    try {
      return { record, stream: await this.storage.open(record.sha256) };
    } catch (error) {
      if (error instanceof EvidenceBlobMissingError) throw this.blobMissing([record]);
      throw error;
    }
  }

  /** Refuses (EVIDENCE_BLOB_MISSING) when the store lacks the bytes of any of these files. */
  async assertBlobsStored(records: EvidenceRecord[]): Promise<void> {
    const stored = await Promise.all(records.map((r) => this.storage.has(r.sha256)));
    const missing = records.filter((_, i) => !stored[i]);
    if (missing.length > 0) throw this.blobMissing(missing);
  }

  /**
   * The problem for evidence whose bytes the store no longer has, logged as the error it is: the
   * record and its audit event promise bytes that someone must restore from a backup.
   */
  private blobMissing(records: EvidenceRecord[]): InstanceType<typeof EvidenceException> {
    const missing = records.map((r) => ({ evidenceId: r.id, sha256: r.sha256 }));
    const [{ shopId, caseId }] = records;
    this.logger.error({ shopId, caseId, missing }, 'evidence blob missing from the store');
    return new EvidenceException(
      'EVIDENCE_BLOB_MISSING',
      `The store has no bytes for evidence ${missing.map((m) => m.evidenceId).join(', ')} of case ${caseId}; restore the blob${missing.length > 1 ? 's' : ''} by sha256.`,
      { missing },
    );
  }

  /** What the case view shows about evidence: how many, the checklist, when the package went in. */
  async summaryOf(tx: Tx, record: CaseRecord): Promise<CaseEvidenceSummary> {
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
      const loaded = await this.cases.requireWithContext(tx, principal.shopId, caseId, true);
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
    const snapshot = restoreSnapshot(loaded.record.snapshot);
    const window = evidenceWindow(snapshot, loaded.timers, this.clock.now());
    if (!window.closed) return;
    let dueAt = window.dueAt;
    if (!dueAt) {
      const intervened = await this.evidence.interventionAt(tx, loaded.record.shopId, loaded.record.id);
      dueAt = intervened ? new Date(intervened.getTime() + evidenceWindowMs(snapshot)) : null;
    }
    throw new CaseException(
      'EVIDENCE_WINDOW_CLOSED',
      dueAt ? `The platform accepted merchant evidence until ${dueAt.toISOString()}.` : 'The platform no longer accepts merchant evidence.',
      { deadline: dueAt?.toISOString() ?? null },
    );
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
