import { ValidationPipe, type ValidationError } from '@nestjs/common';
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
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new ValidationProblem(flattenValidationErrors(errors)),
  });
}
