import { cursorCodec } from '../platform/cursor.js';
import type { ChangeRow, FeedPosition } from './changes.repository.js';

/**
 * `feedKey.caseId.seq`: the format integrations have stored since the feed opened. The one cursor of the
 * change feed, for its pages (GET /v1/changes) and as the event ids of the live stream (GET /v1/stream).
 */
export const feedCursor = cursorCodec({ feedKey: 'bigint', caseId: 'uuid', seq: 'int' }, 'dotted');

export function feedPositionOf(row: Pick<ChangeRow, 'feed_key' | 'case_id' | 'seq'>): FeedPosition {
  return { feedKey: row.feed_key, caseId: row.case_id, seq: row.seq };
}

/** The feed's order, (feed_key, case_id, seq), as PostgreSQL sorts it (uuids compare like their lower-case text). */
export function compareFeedPositions(a: FeedPosition, b: FeedPosition): number {
  const keys = BigInt(a.feedKey) - BigInt(b.feedKey);
  if (keys !== 0n) return keys < 0n ? -1 : 1;
  const ca = a.caseId.toLowerCase();
  const cb = b.caseId.toLowerCase();
  if (ca !== cb) return ca < cb ? -1 : 1;
  return a.seq - b.seq;
}
