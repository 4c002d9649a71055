import { Injectable } from '@nestjs/common';
import type { Tx } from '../database/transactions.js';
import type { AuditRecord, ChainedAuditRecord } from './audit-chain.js';
import { ChainVerifier, VERIFY_SQL, type VerifyRow } from './chain-verifier.js';

/** One timeline entry: the chained record without the ids the caller already knows. */
export type AuditEventView = Omit<ChainedAuditRecord, 'shopId' | 'caseId'>;

interface AuditRow {
  case_id: string;
  shop_id: string;
  seq: number;
  type: string;
  actor_kind: string;
  actor_id: string;
  from_state: string | null;
  to_state: string;
  payload: unknown;
  at: Date;
  prev_hash: string;
  hash: string;
}

/** Reads and verifies the append-only, hash-chained case event log (the engine appends to it). */
@Injectable()
export class AuditRepository {
  async timeline(tx: Tx, shopId: string, caseId: string): Promise<AuditEventView[]> {
    const rows: AuditRow[] = await tx.query(`SELECT * FROM case_events WHERE case_id = $1 AND shop_id = $2 ORDER BY seq`, [caseId, shopId]);
    return rows.map(toView);
  }

  /** Recomputes the chain of one case; returns the first broken link, if any. */
  async verifyCase(tx: Tx, shopId: string, caseId: string): Promise<{ events: number; firstBroken: { seq: number; reason: string } | null }> {
    const verifier = new ChainVerifier();
    for (const row of (await tx.query(VERIFY_SQL, [shopId, caseId])) as VerifyRow[]) verifier.add(row);
    const result = verifier.finish();
    return { events: result.eventsChecked, firstBroken: result.firstBroken && { seq: result.firstBroken.seq, reason: result.firstBroken.reason } };
  }
}

function recordOf(row: AuditRow): AuditRecord {
  return {
    shopId: row.shop_id,
    caseId: row.case_id,
    seq: row.seq,
    type: row.type,
    actor: { kind: row.actor_kind, id: row.actor_id },
    fromState: row.from_state,
    toState: row.to_state,
    payload: row.payload,
    at: row.at.toISOString(),
  };
}

function toView(row: AuditRow): AuditEventView {
  const { shopId: _shopId, caseId: _caseId, ...record } = recordOf(row);
  return { ...record, prevHash: row.prev_hash, hash: row.hash };
}
