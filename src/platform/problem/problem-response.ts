import { HttpException, HttpStatus } from '@nestjs/common';
import { isCrossSiteRefusal } from '../cross-site-protection.js';
import { CommonException } from './common.problems.js';
import { ProblemException, type ProblemFieldError } from './problem.exception.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  code: string;
  requestId?: string;
  errors?: ProblemFieldError[];
  [extension: string]: unknown;
}

const CODE_BY_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  409: 'CONFLICT',
  412: 'PRECONDITION_FAILED',
  413: 'PAYLOAD_TOO_LARGE',
  414: 'URI_TOO_LONG',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE_CONTENT',
  429: 'TOO_MANY_REQUESTS',
  503: 'SERVICE_UNAVAILABLE',
};

/** Fastify's own error codes (body parsing happens before any Nest handler runs). */
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BAD_REQUEST',
  FST_ERR_BAD_URL: 'MALFORMED_URL',
  FST_ERR_MAX_PARAM_LENGTH: 'URI_TOO_LONG',
};

/**
 * Problems answered before any handler runs (body parsing, limits) or by a framework component, with the
 * titles toProblem gives them: documented like the feature catalogues.
 */
export const FrameworkProblems = {
  problems: {
    MALFORMED_JSON: { status: 400, title: titleFor(400) },
    MALFORMED_URL: { status: 400, title: titleFor(400) },
    URI_TOO_LONG: { status: 414, title: titleFor(414) },
    PAYLOAD_TOO_LARGE: { status: 413, title: titleFor(413) },
    UNSUPPORTED_MEDIA_TYPE: { status: 415, title: titleFor(415) },
    SERVICE_UNAVAILABLE: { status: 503, title: titleFor(503) },
  },
} as const;

export function problemTypeFor(code: string): string {
  return `urn:problem:aftersales:${code.toLowerCase().replace(/_/g, '-')}`;
}

function titleFor(status: number): string {
  const name = HttpStatus[status] as string | undefined;
  return name
    ? name
        .toLowerCase()
        .replace(/_/g, ' ')
        .replace(/^./, (c) => c.toUpperCase())
    : 'Error';
}

/** Maps anything thrown while serving a request to a problem body. Unknown errors become a 500. */
export function toProblem(error: unknown): ProblemBody {
  if (isCrossSiteRefusal(error)) {
    return toProblem(new CommonException('CROSS_SITE_REQUEST', `${error.message}. Send it from the console's own origin, or without browser headers.`));
  }
  if (error instanceof ProblemException) {
    return {
      type: problemTypeFor(error.code),
      title: error.title,
      status: error.status,
      ...(error.detail ? { detail: error.detail } : {}),
      code: error.code,
      ...(error.errors ? { errors: error.errors } : {}),
      ...error.extensions,
    };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    const message =
      typeof response === 'string'
        ? response
        : Array.isArray((response as { message?: unknown }).message)
          ? (response as { message: string[] }).message.join('; ')
          : String((response as { message?: unknown }).message ?? error.message);
    const routeMissing = status === 404 && /^Cannot [A-Z]+ /.test(message);
    // Fastify's own errors (body parsing, limits) arrive wrapped, with the original as the cause.
    const fastifyCode = (error.cause as { code?: string } | undefined)?.code;
    const code = routeMissing
      ? 'ROUTE_NOT_FOUND'
      : ((fastifyCode && FASTIFY_CODES[fastifyCode]) ?? CODE_BY_STATUS[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST'));
    return {
      type: problemTypeFor(code),
      title: routeMissing ? 'No such route' : titleFor(status),
      status,
      detail: message,
      code,
    };
  }
  const fastifyError = error as { code?: string; statusCode?: number; message?: string };
  if (typeof fastifyError?.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    const status = fastifyError.statusCode;
    const code = (fastifyError.code && FASTIFY_CODES[fastifyError.code]) || CODE_BY_STATUS[status] || 'BAD_REQUEST';
    return { type: problemTypeFor(code), title: titleFor(status), status, detail: fastifyError.message, code };
  }
  return {
    type: problemTypeFor('INTERNAL_ERROR'),
    title: 'Internal server error',
    status: 500,
    detail: 'An unexpected error occurred. The request id identifies it in the logs.',
    code: 'INTERNAL_ERROR',
  };
}
