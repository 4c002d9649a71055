import { CaseException } from './case.problems.js';

/** `If-Match: "7"` (or W/"7", or 7) → 7; absent or `*` → no expectation. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  if (!match) throw new CaseException('INVALID_IF_MATCH');
  return Number(match[1]);
}
