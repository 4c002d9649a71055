import { Injectable } from '@nestjs/common';
import canonicalize from 'canonicalize';
import type { FastifyRequest } from 'fastify';
import { sha256Hex } from '../common/auth/secrets.js';
import { Clock } from '../common/clock/clock.js';
import { IdempotencyException } from '../common/idempotency/idempotency.problems.js';
import { IdempotencyRepository } from '../common/idempotency/idempotency.repository.js';
import { IDEMPOTENCY_KEY_HEADER } from '../common/idempotency/idempotent.decorator.js';
import { Environment } from '../config/environment.js';
import type { Tx } from '../database/transactions.js';
import type { ReceivedUpload } from './evidence-receiver.js';
import type { EvidenceView } from './evidence.record.js';

// As for JSON calls (IdempotencyInterceptor).
const KEY_FORMAT = /^[\x21-\x7e]{1,255}$/;
const POLL_MS = 25;

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
    private readonly clock: Clock,
    private readonly env: Environment,
  ) {}

  /** The request's key, checked before a byte of the upload is read; undefined without one. */
  keyOf(request: FastifyRequest): string | undefined {
    const key = request.headers[IDEMPOTENCY_KEY_HEADER];
    if (key === undefined) return undefined;
    if (typeof key !== 'string' || !KEY_FORMAT.test(key)) {
      throw new IdempotencyException('IDEMPOTENCY_KEY_INVALID', 'Idempotency-Key must be 1 to 255 visible ASCII characters.');
    }
    return key;
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
    const deadline = Date.now() + this.env.IDEMPOTENCY_WAIT_MS;
    for (;;) {
      const now = this.clock.now();
      const claim = await this.keys.claim(
        shopId,
        key,
        fingerprint,
        now,
        new Date(now.getTime() + this.env.IDEMPOTENCY_LEASE_SECONDS * 1000),
        new Date(now.getTime() + this.env.IDEMPOTENCY_TTL_HOURS * 3_600_000),
      );
      if (claim.kind === 'claimed') return null;
      if (claim.fingerprint && claim.fingerprint !== fingerprint) {
        throw new IdempotencyException('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used for a different request (another file, case or fields).');
      }
      if (claim.kind === 'completed') return claim.response.body as EvidenceView;
      if (Date.now() >= deadline) {
        throw new IdempotencyException('IDEMPOTENCY_KEY_IN_FLIGHT', 'An upload with this Idempotency-Key is still being processed; retry later.');
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  /**
   * Completes the key with the recorded evidence, in the recording transaction. Throws
   * UploadKeyTakenOver when the key is no longer in flight: another attempt recorded the upload.
   */
  async complete(tx: Tx, shopId: string, key: string, fingerprint: string, view: EvidenceView): Promise<void> {
    const [, count]: [unknown, number] = await tx.query(
      `UPDATE idempotency_keys SET state = 'completed', response_status = 201, response_body = $4
        WHERE shop_id = $1 AND key = $2 AND fingerprint = $3 AND state = 'in_flight'`,
      [shopId, key, fingerprint, JSON.stringify(view)],
    );
    if (count !== 1) throw new UploadKeyTakenOver(`Idempotency-Key ${key} was completed by another attempt`);
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
