import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Params } from 'nestjs-pino';
import { pino, type Logger } from 'pino';
import type { LogLevel } from '../config/environment.js';

export const REQUEST_ID_HEADER = 'x-request-id';
const ACCEPTABLE_REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * Every request gets one id: the caller's `X-Request-Id` when it is sane, else a new UUID. Fastify
 * asks for it first; it is kept on the raw request so problem details reuse it, echoed in the
 * `X-Request-Id` response header and carried by the request's log line.
 */
export function assignRequestId(request: IncomingMessage): string {
  const given = request.headers[REQUEST_ID_HEADER];
  const id = typeof given === 'string' && ACCEPTABLE_REQUEST_ID.test(given) ? given : randomUUID();
  (request as IncomingMessage & { id?: string }).id = id;
  return id;
}

/** The one pino logger of the process: structured JSON on stdout, secrets redacted. */
export function createRootLogger(level: LogLevel): Logger {
  return pino({ level, redact: { paths: ['req.headers.authorization', 'req.headers.cookie', '*.password'], censor: '[redacted]' } });
}

/** Nest's own logs go through the root logger; requests are logged by `logRequests`, not by middleware. */
export function loggerModuleOptions(root: Logger): Params {
  return { pinoHttp: { logger: root }, forRoutes: [] };
}

/**
 * One line per completed request (health probes excepted): id, method, path, status and time; warn for
 * 4xx, error for 5xx. Registered as a Fastify hook so that unmatched routes are logged too.
 */
export function logRequests(fastify: FastifyInstance, root: Logger): void {
  fastify.addHook('onResponse', async (request, reply) => {
    if (request.url.startsWith('/health/')) return;
    const status = reply.statusCode;
    const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
    root[level](
      { requestId: request.id, method: request.method, url: request.url.split('?')[0], statusCode: status, responseTimeMs: Math.round(reply.elapsedTime) },
      'request completed',
    );
  });
}
