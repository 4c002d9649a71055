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
  constructor(errors: ProblemFieldError[]) {
    const fields = [...new Set(errors.map((e) => e.field))];
    super({
      status: 400,
      code: 'VALIDATION_FAILED',
      title: 'The request is not valid',
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

/**
 * Values JSON can carry but PostgreSQL and the audit chain cannot: numbers that overflowed to Infinity
 * while parsing (`1e400`) and strings with U+0000. Found anywhere in a body, they answer 400 naming the
 * field, before the body is fingerprinted, validated or stored.
 */
export function unstorableFields(value: unknown, path = '', found: ProblemFieldError[] = []): ProblemFieldError[] {
  if (found.length >= MAX_REPORTED) return found;
  const field = path || '(body)';
  if (typeof value === 'number' && !Number.isFinite(value)) {
    found.push({ field, message: `${field} must be a finite number` });
  } else if (typeof value === 'string' && value.includes('\u0000')) {
    found.push({ field, message: `${field} must not contain the NUL character` });
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => unstorableFields(item, path ? `${path}.${index}` : String(index), found));
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (key.includes('\u0000')) found.push({ field: path || '(body)', message: 'property names must not contain the NUL character' });
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
    return super.transform(value, metadata);
  }
}
