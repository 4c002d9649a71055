import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Tx } from '../platform/database/transactions.js';
import type { KeysetPosition } from '../platform/pagination.js';

export type AccessAction = 'audit.export' | 'case.dossier';

export interface AccessEntry {
  id: string;
  at: Date;
  actor: { kind: string; id: string };
  action: AccessAction;
  personalData: boolean;
  params: Record<string, unknown>;
}

interface AccessLogRow {
  id: string;
  at: Date;
  actor_kind: AccessEntry['actor']['kind'];
  actor_id: string;
  action: AccessEntry['action'];
  personal_data: AccessEntry['personalData'];
  params: AccessEntry['params'];
}

/** The append-only record of who exported what (a trigger refuses UPDATE and DELETE). */
@Injectable()
export class AccessLogRepository {
  async record(tx: Tx, shopId: string, entry: Omit<AccessEntry, 'id'>): Promise<AccessEntry> {
    const id = randomUUID();
    await tx.query(
      `INSERT INTO audit_access_log (id, shop_id, at, actor_kind, actor_id, action, personal_data, params) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [id, shopId, entry.at, entry.actor.kind, entry.actor.id, entry.action, entry.personalData, entry.params],
    );
    return { id, ...entry };
  }

  /** Newest first. */
  async list(tx: Tx, shopId: string, before: KeysetPosition | undefined, limit: number): Promise<AccessEntry[]> {
    const rows: AccessLogRow[] = await tx.query(
      `SELECT * FROM audit_access_log
        WHERE shop_id = $1 AND ($2::timestamptz IS NULL OR (at, id) < ($2::timestamptz, $3::uuid))
        ORDER BY at DESC, id DESC LIMIT $4`,
      [shopId, before?.at ?? null, before?.id ?? null, limit + 1],
    );
    return rows.map((row) => ({
      id: row.id,
      at: row.at,
      actor: { kind: row.actor_kind, id: row.actor_id },
      action: row.action,
      personalData: row.personal_data,
      params: row.params,
    }));
  }
}
