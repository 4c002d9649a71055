import { createHash } from 'node:crypto';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { Injectable, Logger } from '@nestjs/common';
import yazl from 'yazl';
import { CaseRepository } from '../cases/case.repository.js';
import { toCaseView } from '../cases/case.view.js';
import { actorOf, type ShopPrincipal } from '../platform/auth/principal.js';
import { sha256Hex } from '../platform/auth/secrets.js';
import { Clock } from '../platform/clock/clock.js';
import { Transactions } from '../platform/database/transactions.js';
import { csvRecord } from '../platform/csv.js';
import { checklistOf, EvidenceService } from '../evidence/evidence.service.js';
import { toEvidenceView } from '../evidence/evidence.record.js';
import { EvidenceRepository } from '../evidence/evidence.repository.js';
import { EvidenceStorage } from '../evidence/storage/evidence-storage.js';
import { AccessLogRepository } from './access-log.repository.js';
import { AuditRepository, type AuditEventView } from './audit.repository.js';
import { assertMayIncludePersonalData } from './export-access.js';
import { exportedBuyer } from './personal-data.js';

export const DOSSIER_FORMAT = 'aftersales-dossier/1';

/**
 * A case's dispute dossier as a streamed ZIP: `manifest.json` (the case, its order, reasons, outcome,
 * timeline with the hash chain, evidence with sha256, the sha256 of every other file), `timeline.json`,
 * `timeline.csv` and the evidence files. Everything in it can be checked from its own contents.
 * Evidence bytes are streamed from the store and checked against their hash on the way out.
 */
@Injectable()
export class DossierService {
  private readonly logger = new Logger(DossierService.name);

  constructor(
    private readonly transactions: Transactions,
    private readonly cases: CaseRepository,
    private readonly audit: AuditRepository,
    private readonly evidence: EvidenceRepository,
    private readonly evidenceService: EvidenceService,
    private readonly storage: EvidenceStorage,
    private readonly accessLog: AccessLogRepository,
    private readonly clock: Clock,
  ) {}

  async build(principal: ShopPrincipal, caseId: string, includePersonalData: boolean): Promise<{ filename: string; stream: Readable }> {
    assertMayIncludePersonalData(principal, includePersonalData);
    // One snapshot: the manifest, the timeline and the evidence list describe the same moment.
    const content = await this.transactions.run(
      async (tx) => {
        const loaded = await this.cases.requireWithContext(tx, principal.shopId, caseId, false);
        const timeline = await this.audit.timeline(tx, principal.shopId, caseId);
        const evidence = await this.evidence.listForCase(tx, principal.shopId, caseId);
        // A file the store has lost is answered as a problem before the ZIP starts (and before the access log
        // records a dossier that was never handed out); one lost while the ZIP streams still cuts it off.
        await this.evidenceService.assertBlobsStored(evidence);
        const generatedAt = this.clock.now();
        await this.accessLog.record(tx, principal.shopId, {
          at: generatedAt,
          actor: actorOf(principal),
          action: 'case.dossier',
          personalData: includePersonalData,
          params: { caseId, chainHead: loaded.record.chainHead, events: timeline.length, evidence: evidence.length },
        });
        return { loaded, timeline, evidence, generatedAt };
      },
      { isolation: 'REPEATABLE READ' },
    );
    const { loaded, timeline, evidence, generatedAt } = content;
    const record = loaded.record;

    const evidenceEntries = evidence.map((file, index) => ({
      ...toEvidenceView(file),
      path: `evidence/${String(index + 1).padStart(3, '0')}-${file.filename}`,
    }));
    const timelineJson = Buffer.from(`${JSON.stringify(timeline, null, 2)}\n`, 'utf8');
    const timelineCsv = Buffer.from(timelineToCsv(timeline), 'utf8');
    const caseView = toCaseView(record, loaded.order, loaded.timers);
    const last = timeline[timeline.length - 1];
    const manifest = {
      format: DOSSIER_FORMAT,
      generatedAt: generatedAt.toISOString(),
      personalData: includePersonalData ? 'included' : 'masked',
      shopId: record.shopId,
      caseId: record.id,
      case: { ...caseView, buyer: exportedBuyer({ ...record.buyer }, includePersonalData) },
      order: loaded.order && {
        ...caseView.order,
        currency: loaded.order.currency,
        shippedAt: loaded.order.shippedAt?.toISOString() ?? null,
        snapshot: loaded.order.snapshot,
      },
      buyer: exportedBuyer({ ...record.buyer }, includePersonalData),
      reasons: caseView.reasons,
      outcome: record.outcome,
      evidenceChecklist: checklistOf(record, evidence),
      chainHead: { seq: last?.seq ?? 0, hash: last?.hash ?? '' },
      hashing:
        'hash = sha256(prevHash + RFC 8785 canonical JSON of {shopId, caseId, seq, type, actor, fromState, toState, payload, at}); prevHash of seq 1 is 64 zeros',
      timeline,
      evidence: evidenceEntries.map(({ downloadUrl: _url, ...entry }) => entry),
      files: [
        { path: 'timeline.json', sha256: sha256Hex(timelineJson), size: timelineJson.length },
        { path: 'timeline.csv', sha256: sha256Hex(timelineCsv), size: timelineCsv.length },
      ],
    };

    const zip = new yazl.ZipFile();
    const stream = zip.outputStream as Readable;
    // A failed entry (evidence missing from the store, or bytes that no longer match their hash) ends the
    // response with the error, so the client sees a cut-off download instead of a ZIP that never ends.
    // yazl reports a stream it could not open on the ZipFile and never listens to the streams it reads.
    const fail = (error: Error) => {
      if (stream.destroyed) return;
      this.logger.error({ caseId, err: error }, 'dossier aborted');
      stream.destroy(error);
    };
    zip.on('error', fail);
    const mtime = generatedAt;
    zip.addBuffer(Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8'), 'manifest.json', { mtime });
    zip.addBuffer(timelineJson, 'timeline.json', { mtime });
    zip.addBuffer(timelineCsv, 'timeline.csv', { mtime });
    for (const entry of evidenceEntries) {
      // Opened only when the ZIP reaches it: one evidence stream at a time.
      zip.addReadStreamLazy(entry.path, { mtime, compress: false, size: entry.size }, (done) => {
        this.storage.open(entry.sha256).then(
          (source) => {
            const checked = new HashCheck(entry.sha256, entry.path);
            source.on('error', (error) => checked.destroy(error));
            checked.on('error', fail);
            done(null, source.pipe(checked));
          },
          (error) => done(error, undefined as never),
        );
      });
    }
    zip.end();
    return { filename: `dossier-${safeName(record.platformCaseId ?? record.id)}.zip`, stream };
  }
}

/** Fails the stream when the bytes do not hash to what the manifest says (a damaged store). */
class HashCheck extends Transform {
  private readonly hash = createHash('sha256');

  constructor(
    private readonly expected: string,
    private readonly path: string,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    const actual = this.hash.digest('hex');
    done(actual === this.expected ? null : new Error(`stored evidence ${this.path} hashes to ${actual}, expected ${this.expected}`));
  }
}

const CSV_COLUMNS = ['seq', 'at', 'type', 'actorKind', 'actorId', 'fromState', 'toState', 'payload', 'prevHash', 'hash'];

function timelineToCsv(timeline: AuditEventView[]): string {
  const lines = timeline.map((e) =>
    csvRecord([e.seq, e.at, e.type, e.actor.kind, e.actor.id, e.fromState, e.toState, JSON.stringify(e.payload), e.prevHash, e.hash]),
  );
  return [csvRecord(CSV_COLUMNS), ...lines].join('');
}

function safeName(name: string): string {
  return name.replace(/[^\w.-]+/g, '_').slice(0, 100);
}
