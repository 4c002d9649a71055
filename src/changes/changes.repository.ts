import { Injectable } from '@nestjs/common';
import type { Tx } from '../platform/database/transactions.js';

export interface FeedPosition {
  feedKey: string;
  caseId: string;
  seq: number;
}

export interface ChangeRow {
  feed_key: string;
  case_id: string;
  seq: number;
  type: string;
  actor_kind: string;
  actor_id: string;
  from_state: string | null;
  to_state: string;
  at: Date;
  payload: Record<string, unknown>;
  order_id: string;
  platform_case_id: string | null;
  /** Who holds the case now (at read time, not as of the event): what a live view needs to refresh. */
  assignee_id: string | null;
}

/**
 * The change feed: every case event of a shop, in an order that never lets a later reader find a change
 * before the position it has reached.
 *
 * Each event carries `feed_key`: the id of the transaction that wrote it, raised to the key of the case's
 * previous event (a transaction can get its id before it waits for the case lock). A reader returns only
 * events whose key is below the oldest transaction still running (`pg_snapshot_xmin`): every transaction
 * with a smaller id has ended, so no event can still appear there, and the keyset (feed_key, case_id, seq)
 * is final. Events of one case come in their order (keys never decrease along a case). The price: an
 * event shows once every transaction older than its own has ended, usually milliseconds.
 */
@Injectable()
export class ChangesRepository {
  async page(tx: Tx, shopId: string, after: FeedPosition | undefined, limit: number): Promise<ChangeRow[]> {
    return tx.query(
      `SELECT e.feed_key::text AS feed_key, e.case_id, e.seq, e.type, e.actor_kind, e.actor_id, e.from_state, e.to_state, e.at, e.payload,
              o.external_order_id AS order_id, c.platform_case_id, c.assignee_id
       FROM case_events e
       JOIN cases c ON c.id = e.case_id
       JOIN orders o ON o.id = c.order_id
       WHERE e.shop_id = $1
         AND e.feed_key < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
         AND (e.feed_key, e.case_id, e.seq) > ($2::bigint, $3::uuid, $4::int)
       ORDER BY e.feed_key, e.case_id, e.seq
       LIMIT $5`,
      [shopId, after?.feedKey ?? '-1', after?.caseId ?? '00000000-0000-0000-0000-000000000000', after?.seq ?? 0, limit],
    );
  }

  /**
   * The feed's end as of now, for every shop: a position after every event that is final (key below the
   * oldest running transaction) and before every event that can still appear (key at least that id).
   */
  async head(tx: Tx): Promise<FeedPosition> {
    const [row] = await tx.query(`SELECT (pg_snapshot_xmin(pg_current_snapshot())::text::bigint - 1)::text AS feed_key`);
    return { feedKey: row.feed_key, caseId: LAST_UUID, seq: LAST_SEQ };
  }
}

/** Past every case id and every seq, so a head position sorts after each event with its key. */
const LAST_UUID = 'ffffffff-ffff-ffff-ffff-ffffffffffff';
const LAST_SEQ = 2_147_483_647;
