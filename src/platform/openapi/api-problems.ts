import type { ResponseObject, SchemaObject } from '@nestjs/swagger';
import type { ProblemSource } from '../problem/problem.exception.js';
import { PROBLEM_CONTENT_TYPE, problemTypeFor } from '../problem/problem-response.js';

const PROBLEMS_METADATA = 'openapi:problems';

/** One problem an operation can answer: its code and the status and title its catalogue gives it. */
export interface DocumentedProblem {
  code: string;
  status: number;
  title: string;
}

/**
 * Declares problems a route (or every route of a controller) can answer beyond the ones every route gets
 * from its access list, input and idempotency (see completeOperations), by naming codes of a catalogue:
 * `@ApiProblems(CaseException, 'CASE_NOT_FOUND', 'EVENT_NOT_ALLOWED')`. Status and title come from the
 * catalogue, so they cannot disagree with what the service answers. May be repeated.
 */
export function ApiProblems<C extends string>(source: ProblemSource<C>, ...codes: C[]): ClassDecorator & MethodDecorator {
  const problems = problemsOf(source, ...codes);
  return (target: object, _key?: string | symbol, descriptor?: PropertyDescriptor): void => {
    const holder = descriptor ? (descriptor.value as object) : target;
    Reflect.defineMetadata(PROBLEMS_METADATA, [...declaredProblems(holder), ...problems], holder);
  };
}

/** These codes of a catalogue, with the status and title it gives them. */
export function problemsOf<C extends string>(source: ProblemSource<C>, ...codes: C[]): DocumentedProblem[] {
  return codes.map((code) => ({ code, ...source.problems[code] }));
}

export function declaredProblems(holder: object): DocumentedProblem[] {
  return Reflect.getMetadata(PROBLEMS_METADATA, holder) ?? [];
}

export const PROBLEM_SCHEMA_NAME = 'Problem';

/** RFC 9457 problem details as ProblemDetailsFilter sends them (see ProblemBody). */
export const PROBLEM_SCHEMAS: Record<string, SchemaObject> = {
  [PROBLEM_SCHEMA_NAME]: {
    type: 'object',
    description:
      'RFC 9457 problem details, sent as `application/problem+json`. `code` is stable and machine-readable; some codes add members ' +
      '(e.g. `currentVersion` with VERSION_MISMATCH, `state` and `allowedEvents` with EVENT_NOT_ALLOWED, `findings` with REPLY_BLOCKED).',
    required: ['type', 'title', 'status', 'code', 'instance'],
    properties: {
      type: { type: 'string', description: 'A URN naming the code', example: 'urn:problem:aftersales:case-not-found' },
      title: { type: 'string', description: 'Short, the same for every occurrence of the code', example: 'Case not found' },
      status: { type: 'integer', description: 'The HTTP status', example: 404 },
      detail: { type: 'string', description: 'What happened this time', example: 'No case 0b7c2f0e-3b8f-4a53-9d54-2f1f1e9b7a10.' },
      instance: { type: 'string', description: 'The request path', example: '/v1/cases/0b7c2f0e-3b8f-4a53-9d54-2f1f1e9b7a10' },
      code: { type: 'string', description: 'Stable machine-readable code', example: 'CASE_NOT_FOUND' },
      requestId: { type: 'string', description: 'Also in the X-Request-Id header and the logs', example: '3f1c2a9e-5b7d-4e8f-9a10-7c6b5d4e3f21' },
      errors: {
        type: 'array',
        description: 'Input errors, one per failing field (VALIDATION_FAILED)',
        items: { $ref: '#/components/schemas/ProblemFieldError' },
      },
    },
    additionalProperties: true,
  },
  ProblemFieldError: {
    type: 'object',
    required: ['field', 'message'],
    properties: {
      field: { type: 'string', description: 'Dotted path of the failing input field', example: 'policy.merchantResponseHours' },
      message: { type: 'string', example: 'merchantResponseHours must not be less than 1' },
    },
  },
};

const EXAMPLE_REQUEST_ID = '3f1c2a9e-5b7d-4e8f-9a10-7c6b5d4e3f21';

/**
 * The response for one status: the shared Problem schema narrowed to the codes possible here (so a
 * generated client can switch on `code`), the codes and titles in the description, and an example per code.
 */
export function problemResponse(status: number, problems: DocumentedProblem[], instance: string, fieldExample: string): ResponseObject {
  const codes = problems.map((problem) => problem.code);
  const narrowed: SchemaObject = {
    type: 'object',
    required: ['code', 'status'],
    properties: { code: { type: 'string', enum: codes }, status: { type: 'integer', enum: [status] } },
  };
  return {
    description: problems.map((problem) => `- \`${problem.code}\`: ${problem.title}`).join('\n'),
    content: {
      [PROBLEM_CONTENT_TYPE]: {
        schema: { allOf: [{ $ref: `#/components/schemas/${PROBLEM_SCHEMA_NAME}` }, narrowed] },
        examples: Object.fromEntries(
          problems.map((problem) => [
            problem.code,
            {
              summary: problem.title,
              value: {
                type: problemTypeFor(problem.code),
                title: problem.title,
                status,
                ...(problem.code === 'VALIDATION_FAILED'
                  ? { detail: `Invalid field: ${fieldExample}`, errors: [{ field: fieldExample, message: `${fieldExample} is not valid` }] }
                  : {}),
                code: problem.code,
                instance,
                requestId: EXAMPLE_REQUEST_ID,
              },
            },
          ]),
        ),
      },
    },
  };
}
