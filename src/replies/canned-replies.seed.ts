import { DEFAULT_CANNED_REPLIES } from './canned/default-canned-replies.js';

/** The default canned replies as rows, in their listed order. */
export function defaultCannedReplyRows() {
  return DEFAULT_CANNED_REPLIES.map((reply, position) => ({
    key: reply.key,
    step: reply.step,
    case_type: reply.caseType,
    title: reply.title,
    body: reply.body,
    position,
  }));
}

/** Gives every shop the query selects (one `id` column) the default set; `$1` is `defaultCannedReplyRows()` as JSON. */
export function SEED_CANNED_REPLIES_SQL(shops: string): string {
  return `INSERT INTO canned_replies (shop_id, default_key, step, case_type, title, body, position)
    SELECT s.id, d.key, d.step, d.case_type, d.title, d.body, d.position
    FROM (${shops}) s CROSS JOIN jsonb_to_recordset($1::jsonb) AS d(key text, step text, case_type text, title text, body text, position int)`;
}
