import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { LoggerService } from '@nestjs/common';
import { pino, type Logger } from 'pino';
import type { LogLevel } from './config/environment.js';

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

/** Nest's start-up chatter (a line per module and per route) is for debugging, not for every start. */
const START_UP_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'NestApplication']);

type PinoLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * Nest's own logs (start-up, exception handlers, `new Logger(context)` in our classes) through the root
 * pino logger: the context as a field, errors as `err`, Nest's start-up lines at debug.
 */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly root: Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    const context = params[params.length - 1];
    this.write(typeof context === 'string' && START_UP_CONTEXTS.has(context) ? 'debug' : 'info', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: PinoLevel, message: unknown, params: unknown[]): void {
    if (!this.root.isLevelEnabled(level)) return;
    const rest = [...params];
    const context = typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
    const fields: Record<string, unknown> = context ? { context } : {};
    // Nest's exception handlers call error(message, stack, context).
    if (level === 'error' && typeof rest[0] === 'string' && rest[0].includes('\n    at ')) fields.err = { stack: rest.shift() };
    // Our classes log pino-style through Nest's Logger: logger.warn({ fields }, 'message').
    const text = typeof rest[0] === 'string' ? (rest.shift() as string) : undefined;
    if (message instanceof Error) {
      this.root[level]({ ...fields, err: message }, text ?? message.message);
    } else if (typeof message === 'object' && message !== null) {
      const { msg, ...object } = message as Record<string, unknown>;
      this.root[level]({ ...fields, ...object }, text ?? (typeof msg === 'string' ? msg : undefined));
    } else {
      this.root[level](fields, String(message));
    }
  }
}
