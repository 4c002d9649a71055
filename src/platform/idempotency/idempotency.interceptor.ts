import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import canonicalize from 'canonicalize';
import { assertStorableJson } from '../problem/validation.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { PRINCIPAL_KEY } from '../auth/access.decorator.js';
import type { Principal } from '../auth/principal.js';
import { ProblemException } from '../problem/problem.exception.js';
import { toProblem } from '../problem/problem-response.js';
import { IdempotencyException } from './idempotency.problems.js';
import { IdempotencyRepository, type StoredResponse } from './idempotency.repository.js';
import { IdempotencyKeys } from './idempotency-keys.js';
import { IDEMPOTENT_METADATA, IDEMPOTENT_REPLAYED_HEADER, type IdempotentOptions } from './idempotent.decorator.js';

/**
 * Idempotency for integration calls with a JSON body: the fingerprint is the method, path and canonical
 * body; the key is claimed before the request runs (IdempotencyKeys), and its response — success or
 * problem — is stored and replayed for a retry. Unexpected failures (5xx) release the key so the retry
 * runs again.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: IdempotencyRepository,
    private readonly idempotency: IdempotencyKeys,
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
    const key = this.idempotency.keyOf(request);
    if (key === undefined) {
      if (options.required) throw new IdempotencyException('IDEMPOTENCY_KEY_REQUIRED', 'Send an Idempotency-Key header (a UUID) with this call.');
      return lastValueFrom(next.handle());
    }
    // canonicalize refuses what JSON.parse let through as Infinity; answer that as the input error it is.
    assertStorableJson(request.body);
    const fingerprint = createHash('sha256')
      .update(`${request.method} ${request.url.split('?')[0]}\n${canonicalize(request.body ?? null) ?? ''}`)
      .digest('hex');
    const stored = await this.idempotency.claim(shopId, key, fingerprint);
    return stored ? this.replay(reply, stored) : this.process(next, reply, shopId, key);
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
    const {
      type: _type,
      title,
      status,
      detail,
      code,
      errors,
      instance: _instance,
      requestId: _requestId,
      ...extensions
    } = response.body as Record<string, unknown> & { title: string; status: number; code: string };
    super({ status, code, title, detail: detail as string | undefined, errors: errors as ProblemException['errors'], extensions });
  }
}
