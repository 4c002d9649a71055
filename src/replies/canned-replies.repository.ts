import { Injectable } from '@nestjs/common';
import type { CaseType } from '../cases/machine/case.types.js';
import type { Tx } from '../platform/database/transactions.js';
import { REPLY_STEPS, type ReplyStep } from './canned/reply-steps.js';
import { SEED_CANNED_REPLIES_SQL, defaultCannedReplyRows } from './canned-replies.seed.js';

export interface CannedReply {
  id: string;
  shopId: string;
  /** The default this reply started as, kept through edits; null for a reply the shop wrote. */
  defaultKey: string | null;
  step: ReplyStep;
  /** Null when the reply fits every case type. */
  caseType: CaseType | null;
  title: string;
  body: string;
  position: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface CannedReplyFilter {
  step?: ReplyStep;
  /** Replies for this case type and the ones for any type. */
  caseType?: CaseType;
}

export type NewCannedReply = Pick<CannedReply, 'step' | 'caseType' | 'title' | 'body'>;
export type CannedReplyChanges = Partial<NewCannedReply>;

interface CannedReplyRow {
  id: string;
  shop_id: string;
  default_key: string | null;
  step: ReplyStep;
  case_type: CaseType | null;
  title: string;
  body: string;
  position: number;
  created_at: Date;
  updated_at: Date;
}

function toCannedReply(row: CannedReplyRow): CannedReply {
  return {
    id: row.id,
    shopId: row.shop_id,
    defaultKey: row.default_key,
    step: row.step,
    caseType: row.case_type,
    title: row.title,
    body: row.body,
    position: row.position,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const CHANGE_COLUMNS: Record<keyof CannedReplyChanges, string> = { step: 'step', caseType: 'case_type', title: 'title', body: 'body' };

/**
 * The SQL behind canned replies: the replies themselves and the case facts they are filled in with.
 * Every query is scoped to the shop.
 */
@Injectable()
export class CannedRepliesRepository {
  /** In playbook order (the steps' order, not their names'), then as the shop arranged them. */
  async list(tx: Tx, shopId: string, filter: CannedReplyFilter): Promise<CannedReply[]> {
    const params: unknown[] = [shopId, [...REPLY_STEPS]];
    const where = ['shop_id = $1'];
    if (filter.step) {
      params.push(filter.step);
      where.push(`step = $${params.length}`);
    }
    if (filter.caseType) {
      params.push(filter.caseType);
      where.push(`(case_type = $${params.length} OR case_type IS NULL)`);
    }
    const rows: CannedReplyRow[] = await tx.query(
      `SELECT * FROM canned_replies WHERE ${where.join(' AND ')} ORDER BY array_position($2::text[], step), position, id`,
      params,
    );
    return rows.map(toCannedReply);
  }

  async find(tx: Tx, shopId: string, id: string): Promise<CannedReply | undefined> {
    const [row]: CannedReplyRow[] = await tx.query(`SELECT * FROM canned_replies WHERE shop_id = $1 AND id = $2`, [shopId, id]);
    return row && toCannedReply(row);
  }

  /**
   * Adds the reply after every existing one of the shop. Two replies created at the same moment may share
   * a position; the id then orders them, which is all the position is for.
   */
  async insert(tx: Tx, shopId: string, reply: NewCannedReply): Promise<CannedReply> {
    const [row]: CannedReplyRow[] = await tx.query(
      `INSERT INTO canned_replies (shop_id, step, case_type, title, body, position)
       SELECT $1, $2, $3, $4, $5, COALESCE(MAX(position) + 1, 0) FROM canned_replies WHERE shop_id = $1
       RETURNING *`,
      [shopId, reply.step, reply.caseType, reply.title, reply.body],
    );
    return toCannedReply(row);
  }

  /** Undefined when the shop has no such reply. */
  async update(tx: Tx, shopId: string, id: string, changes: CannedReplyChanges): Promise<CannedReply | undefined> {
    const params: unknown[] = [shopId, id];
    const assignments = ['updated_at = now()'];
    for (const [key, column] of Object.entries(CHANGE_COLUMNS) as Array<[keyof CannedReplyChanges, string]>) {
      if (changes[key] === undefined) continue;
      params.push(changes[key]);
      assignments.push(`${column} = $${params.length}`);
    }
    const [rows]: [CannedReplyRow[], number] = await tx.query(
      `UPDATE canned_replies SET ${assignments.join(', ')} WHERE shop_id = $1 AND id = $2 RETURNING *`,
      params,
    );
    return rows[0] && toCannedReply(rows[0]);
  }

  /** False when the shop has no such reply. */
  /** Gives a shop the default canned replies (a new shop, in the transaction that inserts it). */
  async seedDefaults(tx: Tx, shopId: string): Promise<void> {
    await tx.query(SEED_CANNED_REPLIES_SQL('SELECT $2::uuid AS id'), [JSON.stringify(defaultCannedReplyRows()), shopId]);
  }

  async delete(tx: Tx, shopId: string, id: string): Promise<boolean> {
    const [, deleted]: [unknown, number] = await tx.query(`DELETE FROM canned_replies WHERE shop_id = $1 AND id = $2`, [shopId, id]);
    return deleted > 0;
  }

  /** The name the buyer sees for the agent writing. */
  async agentDisplayName(tx: Tx, shopId: string, agentId: string): Promise<string | null> {
    const [row]: Array<{ display_name: string }> = await tx.query(`SELECT display_name FROM agents WHERE shop_id = $1 AND id = $2`, [shopId, agentId]);
    return row?.display_name ?? null;
  }

  /** The tracking number most recently recorded on the case (a return or an exchange shipment), if any. */
  async latestTrackingNo(tx: Tx, shopId: string, caseId: string): Promise<string | null> {
    const [row]: Array<{ tracking_no: string | null }> = await tx.query(
      `SELECT payload->>'trackingNo' AS tracking_no FROM case_events
       WHERE shop_id = $1 AND case_id = $2 AND payload ? 'trackingNo'
       ORDER BY seq DESC LIMIT 1`,
      [shopId, caseId],
    );
    return row?.tracking_no ?? null;
  }
}
