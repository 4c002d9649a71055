import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { ProblemException, type ProblemFieldError } from './problem.exception.js';

export function flattenValidationErrors(errors: ValidationError[], parent = ''): ProblemFieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

export class ValidationProblem extends ProblemException {
  static readonly problems = { VALIDATION_FAILED: { status: 400, title: 'The request is not valid' } };

  constructor(errors: ProblemFieldError[]) {
    const fields = [...new Set(errors.map((e) => e.field))];
    super({
      ...ValidationProblem.problems.VALIDATION_FAILED,
      code: 'VALIDATION_FAILED',
      detail: `Invalid field${fields.length === 1 ? '' : 's'}: ${fields.join(', ')}`,
      errors,
    });
  }
}

/** Whitelists DTO fields, refuses unknown ones, converts types, and answers problem details. */
export function createValidationPipe(): ValidationPipe {
  return new StorableValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new ValidationProblem(flattenValidationErrors(errors)),
  });
}

const MAX_REPORTED = 20;

/** A UTF-16 surrogate without its other half: JSON can escape one (`"\\ud800"`), UTF-8 cannot encode it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function unstorableText(text: string): string | undefined {
  if (text.includes('\u0000')) return 'the NUL character';
  if (LONE_SURROGATE.test(text)) return 'a lone UTF-16 surrogate';
  return undefined;
}

/**
 * Values JSON (or a URL) can carry but PostgreSQL and the audit chain cannot: numbers that overflowed to
 * Infinity while parsing (`1e400`), strings with U+0000, and strings with half a surrogate pair. Found
 * anywhere in a body, a path parameter or the query, they answer 400 naming the field, before the request
 * is fingerprinted, validated or stored.
 */
export function unstorableFields(value: unknown, path = '', found: ProblemFieldError[] = []): ProblemFieldError[] {
  if (found.length >= MAX_REPORTED) return found;
  const field = path || '(body)';
  if (typeof value === 'number' && !Number.isFinite(value)) {
    found.push({ field, message: `${field} must be a finite number` });
  } else if (typeof value === 'string' && unstorableText(value)) {
    found.push({ field, message: `${field} must not contain ${unstorableText(value)}` });
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => unstorableFields(item, path ? `${path}.${index}` : String(index), found));
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const bad = unstorableText(key);
      if (bad) found.push({ field: path || '(body)', message: `property names must not contain ${bad}` });
      else unstorableFields(item, path ? `${path}.${key}` : key, found);
    }
  }
  return found;
}

export function assertStorableJson(body: unknown): void {
  const problems = unstorableFields(body);
  if (problems.length > 0) throw new ValidationProblem(problems);
}

class StorableValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body') assertStorableJson(value);
    // Path parameters and query values are decoded from the URL, where %00 and %ED%A0%80 are easy to send.
    if ((metadata.type === 'param' || metadata.type === 'query') && value !== undefined) {
      const problems = unstorableFields(value, metadata.data ?? '');
      if (problems.length > 0) throw new ValidationProblem(problems);
    }
    return super.transform(value, metadata);
  }
}
