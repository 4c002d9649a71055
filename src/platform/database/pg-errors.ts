import { QueryFailedError } from 'typeorm';

interface PgError {
  code?: string;
  constraint?: string;
}

function pgErrorOf(error: unknown): PgError | undefined {
  if (error instanceof QueryFailedError) return error.driverError as PgError;
  if (error && typeof error === 'object' && 'code' in error) return error as PgError;
  return undefined;
}

/** True when the error is a unique violation, optionally of the named index or constraint. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const pg = pgErrorOf(error);
  return pg?.code === '23505' && (constraint === undefined || pg.constraint === constraint);
}

/** Errors worth retrying the whole transaction for: deadlock and serialization failure. */
export function isRetryableTransactionError(error: unknown): boolean {
  const code = pgErrorOf(error)?.code;
  return code === '40P01' || code === '40001';
}

/** True when the error is a CHECK constraint violation, optionally of the named constraint. */
export function isCheckViolation(error: unknown, constraint?: string): boolean {
  const pg = pgErrorOf(error);
  return pg?.code === '23514' && (constraint === undefined || pg.constraint === constraint);
}
