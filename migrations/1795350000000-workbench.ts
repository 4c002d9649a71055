import type { MigrationInterface, QueryRunner } from 'typeorm';
import { WORKBENCH_CANNED_REPLIES, seedCannedRepliesSql } from './1795350000000-workbench.canned-replies.js';

/**
 * The agent workbench: each open case's most urgent merchant deadline and intervention flag as columns
 * the queue sorts and filters on (with one index for unassigned cases and one per assignee), agent
 * presence and capacity, the shop's distribution switch, and canned replies (seeded with the defaults).
 */
export class Workbench1795350000000 implements MigrationInterface {
  name = 'Workbench1795350000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE cases
        ADD COLUMN due_at timestamptz(3) NOT NULL DEFAULT 'infinity',
        ADD COLUMN due_timer text,
        ADD COLUMN disputed boolean NOT NULL DEFAULT false`);
    await q.query(`UPDATE cases SET disputed = COALESCE((snapshot -> 'context' ->> 'disputed')::boolean, false) WHERE archived_at IS NULL`);
    await q.query(`
      UPDATE cases c SET due_at = n.due_at, due_timer = n.timer_id
      FROM (
        SELECT DISTINCT ON (t.case_id) t.case_id, t.due_at, t.timer_id
        FROM case_timers t JOIN cases c2 ON c2.id = t.case_id
        WHERE t.timer_id IN ('merchant-response', 'merchant-receipt')
           OR (t.timer_id = 'dispute-evidence' AND NOT COALESCE((c2.snapshot -> 'context' ->> 'evidenceSubmitted')::boolean, false))
        ORDER BY t.case_id, t.due_at, t.timer_id
      ) n
      WHERE c.id = n.case_id`);
    // Unassigned cases in queue order (what a claim takes), and each agent's own cases in the same order.
    await q.query(
      `CREATE INDEX cases_unassigned_queue_idx ON cases (shop_id, due_at, (-requested_amount), id) WHERE archived_at IS NULL AND assignee_id IS NULL`,
    );
    await q.query(`CREATE INDEX cases_assignee_queue_idx ON cases (shop_id, assignee_id, due_at, (-requested_amount), id) WHERE archived_at IS NULL`);
    await q.query(`DROP INDEX cases_assignee_idx`);

    await q.query(`
      ALTER TABLE agents
        ADD COLUMN presence text NOT NULL DEFAULT 'away',
        ADD COLUMN presence_changed_at timestamptz(3),
        ADD COLUMN max_open_cases integer,
        ADD CONSTRAINT agents_presence_check CHECK (presence IN ('online', 'away', 'suspended')),
        ADD CONSTRAINT agents_max_open_cases_check CHECK (max_open_cases > 0)`);
    await q.query(`ALTER TABLE shops ADD COLUMN distribution_enabled boolean NOT NULL DEFAULT false`);

    await q.query(`
      CREATE TABLE canned_replies (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        shop_id uuid NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
        default_key text,
        step text NOT NULL,
        case_type text,
        title text NOT NULL,
        body text NOT NULL,
        position integer NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT canned_replies_step_check CHECK (step IN ('contact', 'verify', 'apologise', 'propose', 'followUp', 'archive')),
        CONSTRAINT canned_replies_case_type_check CHECK (case_type IN ('refund', 'return', 'exchange', 'complaint'))
      )`);
    await q.query(`CREATE INDEX canned_replies_shop_step_idx ON canned_replies (shop_id, step, position, id)`);
    await q.query(`CREATE UNIQUE INDEX canned_replies_default_key ON canned_replies (shop_id, default_key) WHERE default_key IS NOT NULL`);
    await q.query(seedCannedRepliesSql('SELECT id FROM shops'), [JSON.stringify(WORKBENCH_CANNED_REPLIES)]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE canned_replies`);
    await q.query(`ALTER TABLE shops DROP COLUMN distribution_enabled`);
    await q.query(`
      ALTER TABLE agents DROP CONSTRAINT agents_max_open_cases_check, DROP CONSTRAINT agents_presence_check,
        DROP COLUMN max_open_cases, DROP COLUMN presence_changed_at, DROP COLUMN presence`);
    await q.query(`CREATE INDEX cases_assignee_idx ON cases (shop_id, assignee_id) WHERE archived_at IS NULL`);
    await q.query(`DROP INDEX cases_assignee_queue_idx`);
    await q.query(`DROP INDEX cases_unassigned_queue_idx`);
    await q.query(`ALTER TABLE cases DROP COLUMN disputed, DROP COLUMN due_timer, DROP COLUMN due_at`);
  }
}
