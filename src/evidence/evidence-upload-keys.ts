import { Injectable } from '@nestjs/common';
import canonicalize from 'canonicalize';
import type { FastifyRequest } from 'fastify';
import { sha256Hex } from '../platform/auth/secrets.js';
import { IdempotencyException } from '../platform/idempotency/idempotency.problems.js';
import { IdempotencyRepository } from '../platform/idempotency/idempotency.repository.js';
import { IdempotencyKeys } from '../platform/idempotency/idempotency-keys.js';
import type { Tx } from '../platform/database/transactions.js';
import type { ReceivedUpload } from './evidence-receiver.js';
import type { EvidenceView } from './evidence.record.js';

/** The upload was recorded by another attempt under the same key (it took over our expired lease). */
export class UploadKeyTakenOver extends Error {}

/**
 * `Idempotency-Key` for evidence uploads. The JSON interceptor fingerprints the body before the handler
 * runs; an upload is streamed, so here the fingerprint is taken once the file is in: the case, the
 * file's sha256 and name and the declared fields. The keys share idempotency_keys (and its retention
 * and purge) with JSON calls, claimed and waited for the same way; what differs is that the key is
 * completed in the transaction that records the evidence, so a recorded upload and its key commit
 * together and a retry can never record it twice. A refused upload releases its key: the retry is
 * judged afresh (and refused the same way).
 */
@Injectable()
export class EvidenceUploadKeys {
  constructor(
    private readonly keys: IdempotencyRepository,
    private readonly idempotency: IdempotencyKeys,
  ) {}

  /** The request's key, checked before a byte of the upload is read; undefined without one. */
  keyOf(request: FastifyRequest): string | undefined {
    return this.idempotency.keyOf(request);
  }

  fingerprintOf(caseId: string, upload: ReceivedUpload): string {
    return sha256Hex(canonicalize({ caseId, sha256: upload.file.sha256, filename: upload.file.originalName ?? null, fields: upload.fields }) ?? '');
  }

  /**
   * Claims the key for this upload. Returns the recorded evidence when an upload with the same
   * fingerprint has been recorded under it; refuses another upload under the key (422), and one still
   * in flight after IDEMPOTENCY_WAIT_MS (409).
   */
  async claim(shopId: string, key: string, fingerprint: string): Promise<EvidenceView | null> {
    const stored = await this.idempotency.claim(shopId, key, fingerprint);
    return stored ? (stored.body as EvidenceView) : null;
  }

  /**
   * Completes the key with the recorded evidence, in the recording transaction. Throws
   * UploadKeyTakenOver when the key is no longer in flight: another attempt recorded the upload.
   */
  async complete(tx: Tx, shopId: string, key: string, fingerprint: string, view: EvidenceView): Promise<void> {
    if (!(await this.keys.completeIn(tx, shopId, key, fingerprint, { status: 201, body: view }))) {
      throw new UploadKeyTakenOver(`Idempotency-Key ${key} was completed by another attempt`);
    }
  }

  /** After UploadKeyTakenOver: the evidence the other attempt recorded. */
  async recorded(shopId: string, key: string): Promise<EvidenceView> {
    const claim = await this.keys.look(shopId, key);
    if (claim.kind !== 'completed') {
      throw new IdempotencyException('IDEMPOTENCY_KEY_IN_FLIGHT', 'An upload with this Idempotency-Key is still being processed; retry later.');
    }
    return claim.response.body as EvidenceView;
  }

  release(shopId: string, key: string): Promise<void> {
    return this.keys.release(shopId, key);
  }
}
