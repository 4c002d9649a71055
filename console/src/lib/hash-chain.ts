import canonicalize from 'canonicalize';

export const GENESIS_HASH = '0'.repeat(64);

/** One timeline entry as `GET /v1/cases/:id/events` returns it. */
export interface ChainEntry {
  seq: number;
  type: string;
  actor: { kind: string; id: string };
  fromState: string | null;
  toState: string;
  payload: unknown;
  at: string;
  prevHash: string;
  hash: string;
}

export interface ChainCheck {
  intact: boolean;
  count: number;
  /** The last verified hash: what the dossier manifest names as the chain head. */
  head: string;
  firstBroken: { seq: number; reason: 'seq' | 'prevHash' | 'hash' } | null;
}

const encoder = new TextEncoder();

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', encoder.encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Recomputes a case's hash chain in the browser exactly as the service and the dossier README do:
 * hash = sha256(prevHash + RFC 8785 canonical JSON of { shopId, caseId, seq, type, actor, fromState, toState, payload, at }).
 */
export async function verifyChain(entries: readonly ChainEntry[], ids: { shopId: string; caseId: string }): Promise<ChainCheck> {
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  for (const entry of entries) {
    const broken = (reason: 'seq' | 'prevHash' | 'hash'): ChainCheck => ({
      intact: false,
      count: entries.length,
      head: prev,
      firstBroken: { seq: entry.seq, reason },
    });
    if (entry.seq !== expectedSeq) return broken('seq');
    if (entry.prevHash !== prev) return broken('prevHash');
    const record = {
      shopId: ids.shopId,
      caseId: ids.caseId,
      seq: entry.seq,
      type: entry.type,
      actor: { kind: entry.actor.kind, id: entry.actor.id },
      fromState: entry.fromState,
      toState: entry.toState,
      payload: entry.payload,
      at: entry.at,
    };
    const hash = await sha256Hex(prev + (canonicalize(record) ?? ''));
    if (hash !== entry.hash) return broken('hash');
    prev = hash;
    expectedSeq += 1;
  }
  return { intact: true, count: entries.length, head: prev, firstBroken: null };
}
