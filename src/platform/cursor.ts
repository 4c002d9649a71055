import { isTimestamp } from './is-timestamp.js';
import { defineProblems } from './problem/problem.exception.js';

export const PaginationException = defineProblems('PaginationException', {
  INVALID_CURSOR: { status: 400, title: 'The cursor is not valid' },
});

/**
 * What a cursor field may hold. A cursor comes back from the caller, so every field is checked as strictly
 * as any other input before it reaches SQL: a cursor that decodes but names a value PostgreSQL cannot read
 * (a timestamp out of range, an id that is not a UUID, a number past `bigint`) is refused like garbage.
 */
export type CursorFieldKind =
  | 'timestamp'
  | 'timestamp-or-null'
  | 'uuid'
  /** a PostgreSQL `integer`, 0 or more */
  | 'int'
  /** a `bigint` column read as a JavaScript number, 0 or more */
  | 'safe-int'
  /** a `bigint` kept as its decimal text, 0 or more */
  | 'bigint';

type FieldValue<K extends CursorFieldKind> = K extends 'timestamp-or-null' ? string | null : K extends 'int' | 'safe-int' ? number : string;
export type CursorValue<S extends Record<string, CursorFieldKind>> = { [F in keyof S]: FieldValue<S[F]> };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BIGINT_MAX = 9223372036854775807n;
const INT_MAX = 2147483647;
const NUMBER_KINDS = new Set<CursorFieldKind | undefined>(['int', 'safe-int']);

export function isCursorField(kind: CursorFieldKind, value: unknown): boolean {
  switch (kind) {
    case 'timestamp':
      return isTimestamp(value);
    case 'timestamp-or-null':
      return value === null || isTimestamp(value);
    case 'uuid':
      return typeof value === 'string' && UUID.test(value);
    case 'int':
      return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= INT_MAX;
    case 'safe-int':
      return Number.isSafeInteger(value) && (value as number) >= 0;
    case 'bigint':
      return typeof value === 'string' && /^\d{1,19}$/.test(value) && BigInt(value) <= BIGINT_MAX;
  }
}

export interface CursorCodec<V> {
  encode(value: V): string;
  /** The position a cursor names, or undefined when none was given; INVALID_CURSOR otherwise. */
  decode(cursor: string | undefined): V | undefined;
}

/**
 * One opaque cursor for every list: base64url of the fields as a JSON object, or, for the change feed's
 * long-lived cursors (kept by integrations across releases), of the values joined by dots.
 */
export function cursorCodec<S extends Record<string, CursorFieldKind>>(schema: S, format: 'json' | 'dotted' = 'json'): CursorCodec<CursorValue<S>> {
  const fields = Object.keys(schema) as Array<keyof S & string>;
  const serialise = (value: CursorValue<S>) =>
    format === 'json'
      ? JSON.stringify(Object.fromEntries(fields.map((field) => [field, value[field]])))
      : fields.map((field) => String(value[field])).join('.');
  const parse = (text: string): unknown[] | undefined => {
    if (format === 'dotted') {
      const parts = text.split('.');
      return parts.map((part, i) => (NUMBER_KINDS.has(schema[fields[i]]) && /^\d{1,16}$/.test(part) ? Number(part) : part));
    }
    try {
      const object: unknown = JSON.parse(text);
      return typeof object === 'object' && object !== null && !Array.isArray(object) && Object.keys(object).length === fields.length
        ? fields.map((field) => (object as Record<string, unknown>)[field])
        : undefined;
    } catch {
      return undefined;
    }
  };
  return {
    encode: (value) => Buffer.from(serialise(value), 'utf8').toString('base64url'),
    decode: (cursor) => {
      if (cursor === undefined) return undefined;
      const values = parse(Buffer.from(cursor, 'base64url').toString('utf8'));
      if (values && values.length === fields.length && fields.every((field, i) => isCursorField(schema[field], values[i]))) {
        return Object.fromEntries(fields.map((field, i) => [field, values[i]])) as CursorValue<S>;
      }
      throw new PaginationException('INVALID_CURSOR', 'Pass back the nextCursor of a previous page unchanged.');
    },
  };
}
