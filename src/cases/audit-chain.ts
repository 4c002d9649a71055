import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

export const GENESIS_HASH = '0'.repeat(64);

/** What one audit row commits to; the hash covers exactly these fields. */
export interface AuditRecord {
  shopId: string;
  caseId: string;
  seq: number;
  type: string;
  actor: { kind: string; id: string };
  fromState: string | null;
  toState: string;
  payload: unknown;
  at: string;
}

/** sha256(prev_hash || canonical JSON of the record), canonical JSON per RFC 8785 (JCS). */
export function chainHash(prevHash: string, record: AuditRecord): string {
  const canonical = canonicalize(record);
  if (canonical === undefined) throw new TypeError('audit record cannot be canonicalised');
  return createHash('sha256').update(prevHash, 'utf8').update(canonical, 'utf8').digest('hex');
}

export interface ChainedAuditRecord extends AuditRecord {
  prevHash: string;
  hash: string;
}

/** Links a record after the chain head `prevHash` ('' for a new case). */
export function chainEvent(record: AuditRecord, prevHash: string): ChainedAuditRecord {
  const prev = prevHash || GENESIS_HASH;
  return { ...record, prevHash: prev, hash: chainHash(prev, record) };
}
