import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Environment } from '../config/environment.js';
import { Clock } from '../clock/clock.js';
import { IdempotencyException } from './idempotency.problems.js';
import { IdempotencyRepository, type StoredResponse } from './idempotency.repository.js';
import { IDEMPOTENCY_KEY_HEADER } from './idempotent.decorator.js';

const KEY_FORMAT = /^[\x21-\x7e]{1,255}$/;
const POLL_MS = 25;

/**
 * The one way a request claims its `Idempotency-Key` (IETF draft "The Idempotency-Key HTTP Header
 * Field", Stripe's practice), for JSON calls (IdempotencyInterceptor) and streamed uploads alike: the key
 * is claimed before the work; a retry of the same request gets the stored response, another request under
 * the key 422, and a retry arriving while the first still runs waits up to IDEMPOTENCY_WAIT_MS, then 409.
 */
@Injectable()
export class IdempotencyKeys {
  constructor(
    private readonly keys: IdempotencyRepository,
    private readonly clock: Clock,
    private readonly env: Environment,
  ) {}

  /** The request's key, checked before anything else is read; undefined without one. */
  keyOf(request: FastifyRequest): string | undefined {
    const key = request.headers[IDEMPOTENCY_KEY_HEADER];
    if (key === undefined) return undefined;
    if (typeof key !== 'string' || !KEY_FORMAT.test(key)) {
      throw new IdempotencyException('IDEMPOTENCY_KEY_INVALID', 'Idempotency-Key must be 1 to 255 visible ASCII characters.');
    }
    return key;
  }

  /**
   * Claims the key for the request with this fingerprint: null when this request now holds it, the stored
   * response when the same request completed under it before.
   */
  async claim(shopId: string, key: string, fingerprint: string): Promise<StoredResponse | null> {
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
        throw new IdempotencyException('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used for a different request.');
      }
      if (claim.kind === 'completed') return claim.response;
      if (Date.now() >= deadline) {
        throw new IdempotencyException('IDEMPOTENCY_KEY_IN_FLIGHT', 'A request with this Idempotency-Key is still being processed; retry later.');
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}
