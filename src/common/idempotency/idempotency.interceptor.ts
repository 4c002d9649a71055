import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import canonicalize from 'canonicalize';
import { assertStorableJson } from '../problem/validation.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { Environment } from '../../config/environment.js';
import { PRINCIPAL_KEY } from '../auth/access.decorator.js';
import type { Principal } from '../auth/principal.js';
import { Clock } from '../clock/clock.js';
import { ProblemException } from '../problem/problem.exception.js';
import { toProblem } from '../problem/problem-response.js';
import { IdempotencyException } from './idempotency.problems.js';
import { IdempotencyRepository, type StoredResponse } from './idempotency.repository.js';
import { IDEMPOTENCY_KEY_HEADER, IDEMPOTENT_METADATA, IDEMPOTENT_REPLAYED_HEADER, type IdempotentOptions } from './idempotent.decorator.js';

const KEY_FORMAT = /^[\x21-\x7e]{1,255}$/;
const POLL_MS = 25;

/**
 * Idempotency for integration calls (IETF draft "The Idempotency-Key HTTP Header Field", Stripe's
 * practice): the key is claimed before the request runs; its response — success or problem — is stored
 * and replayed for a retry with the same key and the same request. A different request under the same
 * key is refused (422). A retry arriving while the first is still running waits for it up to
 * IDEMPOTENCY_WAIT_MS and then gets its response, or 409 if it is still running. Unexpected failures
 * (5xx) release the key so the retry runs again.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: IdempotencyRepository,
    private readonly clock: Clock,
    private readonly env: Environment,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const options = this.reflector.get<IdempotentOptions | undefined>(IDEMPOTENT_METADATA, context.getHandler());
    const request = context.switchToHttp().getRequest<FastifyRequest & { [PRINCIPAL_KEY]?: Principal }>();
    const principal = request[PRINCIPAL_KEY];
    if (!options || principal?.kind !== 'integration') return next.handle();
    return from(this.run(context, next, options, principal.shopId));
  }

  private async run(context: ExecutionContext, next: CallHandler, options: IdempotentOptions, shopId: string): Promise<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const key = request.headers[IDEMPOTENCY_KEY_HEADER];
    if (key === undefined) {
      if (options.required) throw new IdempotencyException('IDEMPOTENCY_KEY_REQUIRED', 'Send an Idempotency-Key header (a UUID) with this call.');
      return lastValueFrom(next.handle());
    }
    if (typeof key !== 'string' || !KEY_FORMAT.test(key)) {
      throw new IdempotencyException('IDEMPOTENCY_KEY_INVALID', 'Idempotency-Key must be 1 to 255 visible ASCII characters.');
    }
    // canonicalize refuses what JSON.parse let through as Infinity; answer that as the input error it is.
    assertStorableJson(request.body);
    const fingerprint = createHash('sha256')
      .update(`${request.method} ${request.url.split('?')[0]}\n${canonicalize(request.body ?? null) ?? ''}`)
      .digest('hex');

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
      if (claim.kind === 'claimed') return this.process(next, reply, shopId, key);
      if (claim.fingerprint && claim.fingerprint !== fingerprint) {
        throw new IdempotencyException('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used for a different request.');
      }
      if (claim.kind === 'completed') return this.replay(reply, claim.response);
      if (Date.now() >= deadline) {
        throw new IdempotencyException('IDEMPOTENCY_KEY_IN_FLIGHT', 'A request with this Idempotency-Key is still being processed; retry later.');
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  private async process(next: CallHandler, reply: FastifyReply, shopId: string, key: string): Promise<unknown> {
    try {
      const body = await lastValueFrom(next.handle());
      // Nest sets the route's status before the handler runs; a handler may have changed it since.
      await this.keys.complete(shopId, key, { status: reply.statusCode, body });
      return body;
    } catch (error) {
      const problem = toProblem(error);
      if (problem.status >= 500) await this.keys.release(shopId, key);
      else await this.keys.complete(shopId, key, { status: problem.status, body: problem });
      throw error;
    }
  }

  private replay(reply: FastifyReply, response: StoredResponse): unknown {
    reply.header(IDEMPOTENT_REPLAYED_HEADER, 'true');
    if (response.status >= 400) throw new ReplayedProblem(response);
    reply.status(response.status);
    return response.body;
  }
}

/** A stored problem answered again exactly as the first time. */
class ReplayedProblem extends ProblemException {
  constructor(response: StoredResponse) {
    const { type: _type, title, status, detail, code, errors, instance: _instance, requestId: _requestId, ...extensions } =
      response.body as Record<string, unknown> & { title: string; status: number; code: string };
    super({ status, code, title, detail: detail as string | undefined, errors: errors as ProblemException['errors'], extensions });
  }
}
