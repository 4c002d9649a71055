import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE, toProblem } from './problem-response.js';

/** Every error leaves the service as `application/problem+json` with a stable `code`. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    sendProblem(exception, request, reply, this.logger);
  }
}

export function sendProblem(exception: unknown, request: FastifyRequest, reply: FastifyReply, logger: Logger): void {
  const problem = toProblem(exception);
  const requestId = requestIdOf(request);
  if (problem.status >= 500) {
    logger.error({ err: exception, requestId }, 'request failed');
  }
  const body = { ...problem, instance: request.url?.split('?')[0], ...(requestId ? { requestId } : {}) };
  if (reply.sent) return;
  reply.status(problem.status).header('content-type', `${PROBLEM_CONTENT_TYPE}; charset=utf-8`).send(JSON.stringify(body));
}

export function requestIdOf(request: FastifyRequest): string | undefined {
  const raw = request.raw as { id?: unknown } | undefined;
  const id = raw?.id ?? request.id;
  return id === undefined ? undefined : String(id);
}
