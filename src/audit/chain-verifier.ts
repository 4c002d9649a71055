import { chainHash, GENESIS_HASH, type AuditRecord } from '../cases/audit-chain.js';

/** A case row joined with one of its events (event columns null when the case has none). */
export interface VerifyRow {
  case_id: string;
  chain_head: string;
  event_seq: number;
  shop_id: string | null;
  seq: number | null;
  type: string | null;
  actor_kind: string | null;
  actor_id: string | null;
  from_state: string | null;
  to_state: string | null;
  payload: unknown;
  at: Date | null;
  prev_hash: string | null;
  hash: string | null;
}

export interface BrokenLink {
  caseId: string;
  seq: number;
  reason: string;
}

export interface VerifyResult {
  casesChecked: number;
  eventsChecked: number;
  brokenCases: number;
  valid: boolean;
  firstBroken: BrokenLink | null;
}

/**
 * Recomputes hash chains from rows ordered by case and seq, one case at a time (constant memory).
 * A link is broken when a seq is missing, a prev_hash is not the previous hash, a hash does not match
 * its content, or the case's recorded chain head and event count do not match its last event (events
 * removed from the end).
 */
export class ChainVerifier {
  private casesChecked = 0;
  private eventsChecked = 0;
  private brokenCases = 0;
  private firstBroken: BrokenLink | null = null;
  private current: { caseId: string; chainHead: string; eventSeq: number; prev: string; seq: number; broken: boolean } | null = null;

  add(row: VerifyRow): void {
    if (this.current?.caseId !== row.case_id) {
      this.closeCase();
      this.current = { caseId: row.case_id, chainHead: row.chain_head, eventSeq: row.event_seq, prev: GENESIS_HASH, seq: 0, broken: false };
      this.casesChecked++;
    }
    if (row.seq === null) return;
    const current = this.current;
    this.eventsChecked++;
    if (current.broken) return;
    const expected = current.seq + 1;
    let reason: string | null = null;
    if (row.seq !== expected) reason = `expected seq ${expected}`;
    else if (row.prev_hash !== current.prev) reason = 'prev_hash does not match the previous hash';
    else if (chainHash(current.prev, recordOf(row)) !== row.hash) reason = 'hash does not match the content';
    if (reason) {
      this.breakCase({ caseId: row.case_id, seq: row.seq, reason });
      return;
    }
    current.prev = row.hash!;
    current.seq = row.seq;
  }

  finish(): VerifyResult {
    this.closeCase();
    return {
      casesChecked: this.casesChecked,
      eventsChecked: this.eventsChecked,
      brokenCases: this.brokenCases,
      valid: this.brokenCases === 0,
      firstBroken: this.firstBroken,
    };
  }

  private closeCase(): void {
    const current = this.current;
    if (!current || current.broken) return;
    const headMatches = current.seq === 0 ? current.chainHead === '' : current.chainHead === current.prev;
    if (!headMatches || current.eventSeq !== current.seq) {
      this.breakCase({ caseId: current.caseId, seq: current.eventSeq, reason: "the case's chain head does not match its last event" });
    }
  }

  private breakCase(link: BrokenLink): void {
    this.current!.broken = true;
    this.brokenCases++;
    this.firstBroken ??= link;
  }
}

function recordOf(row: VerifyRow): AuditRecord {
  return {
    shopId: row.shop_id!,
    caseId: row.case_id,
    seq: row.seq!,
    type: row.type!,
    actor: { kind: row.actor_kind!, id: row.actor_id! },
    fromState: row.from_state,
    toState: row.to_state!,
    payload: row.payload,
    at: row.at!.toISOString(),
  };
}

/** Rows for ChainVerifier: every case of the shop (or one) with its events, in order. */
export const VERIFY_SQL = `
  SELECT c.id AS case_id, c.chain_head, c.event_seq, e.shop_id, e.seq, e.type, e.actor_kind, e.actor_id,
         e.from_state, e.to_state, e.payload, e.at, e.prev_hash, e.hash
    FROM cases c
    LEFT JOIN case_events e ON e.case_id = c.id
   WHERE c.shop_id = $1 AND ($2::uuid IS NULL OR c.id = $2::uuid)
   ORDER BY c.id, e.seq`;
