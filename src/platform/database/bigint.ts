/**
 * node-postgres returns `bigint` (int8) columns as strings. Money is integer minor units well inside
 * Number's exact range; anything outside it is refused rather than silently rounded.
 */
export function int8(value: string | number | bigint | null): number {
  if (value === null) throw new TypeError('expected an int8 value, got null');
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${String(value)} is outside the exact integer range`);
  return n;
}
