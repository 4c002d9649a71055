import { Injectable } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import type { Snapshot, Tx } from '../platform/database/transactions.js';
import { ActorView } from '../platform/actor.view.js';
import type { AuditRecord } from '../cases/audit-chain.js';
import type { ExportRow } from './audit-export.format.js';
import { ChainVerifier, VERIFY_SQL, type VerifyRow } from './chain-verifier.js';

/** Case events of a shop in [from, to), in (at, case, seq) order; the index case_events_shop_at_key serves it. */
export const AUDIT_EXPORT_SQL = `
  SELECT e.case_id, c.platform_case_id, o.external_order_id AS order_id, c.type AS case_type, e.seq, e.type,
         e.actor_kind, e.actor_id, e.from_state, e.to_state,
         to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, e.payload::text AS payload,
         e.prev_hash, e.hash, c.buyer->>'id' AS buyer_id, c.buyer->>'phone' AS buyer_phone, c.buyer->>'address' AS buyer_address
    FROM case_events e
    JOIN cases c ON c.id = e.case_id AND c.shop_id = e.shop_id
    JOIN orders o ON o.id = c.order_id
   WHERE e.shop_id = $1 AND e.at >= $2 AND e.at < $3
   ORDER BY e.at, e.case_id, e.seq`;

export const AUDIT_EXPORT_COUNT_SQL = `SELECT count(*)::int AS rows FROM case_events WHERE shop_id = $1 AND at >= $2 AND at < $3`;

/** The shop and the time range [from, to) of an audit export. */
export interface AuditExportRange {
  shopId: string;
  from: Date;
  to: Date;
}

/** One timeline entry: the chained record without the ids the caller already knows. */
export class AuditEventView {
  @ApiProperty({ description: 'Position in the case’s chain, from 1 (also the case version it produced)', example: 2 })
  seq!: number;

  @ApiProperty({
    description: 'The event: a machine event, or a recorded fact such as EVIDENCE_ADDED, ASSIGNEE_CHANGED, ORDER_UPDATED',
    example: 'CONTACT_BUYER',
  })
  type!: string;

  @ApiProperty({ type: ActorView })
  actor!: ActorView;

  @ApiProperty({ type: String, nullable: true, example: 'open.contact' })
  fromState!: string | null;

  @ApiProperty({ example: 'open.verify' })
  toState!: string;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The event’s fields as accepted', example: { note: '已电话联系买家，确认鞋底开胶' } })
  payload!: unknown;

  @ApiProperty({ format: 'date-time' })
  at!: string;

  @ApiProperty({
    description: 'The previous event’s hash (64 zeros for the first)',
    example: 'a3f1c2d4e5b6a7980f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a6978',
  })
  prevHash!: string;

  @ApiProperty({
    description: 'sha256(prevHash + RFC 8785 canonical JSON of the record)',
    example: '5c6b7a8998a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1',
  })
  hash!: string;
}

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

  // Reads of the long jobs (chain verification, exports), each in the caller's Snapshot.

  async caseExists(snapshot: Snapshot, shopId: string, caseId: string): Promise<boolean> {
    const [found] = await snapshot.query(`SELECT 1 FROM cases WHERE shop_id = $1 AND id = $2`, [shopId, caseId]);
    return found !== undefined;
  }

  /** The rows ChainVerifier checks, for every case of the shop or just `caseId`, in batches. */
  verifyBatches(snapshot: Snapshot, shopId: string, caseId: string | null, batchRows: number): AsyncGenerator<VerifyRow[]> {
    return snapshot.batches<VerifyRow>(VERIFY_SQL, [shopId, caseId], batchRows);
  }

  async exportCount(snapshot: Snapshot, range: AuditExportRange): Promise<number> {
    const [{ rows }] = await snapshot.query<{ rows: number }>(AUDIT_EXPORT_COUNT_SQL, exportParams(range));
    return rows;
  }

  exportBatches(snapshot: Snapshot, range: AuditExportRange, batchRows: number): AsyncGenerator<ExportRow[]> {
    return snapshot.batches<ExportRow>(AUDIT_EXPORT_SQL, exportParams(range), batchRows);
  }
}

function exportParams({ shopId, from, to }: AuditExportRange): unknown[] {
  return [shopId, from, to];
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
