import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which deadlines the order system was warned about (`deadline.approaching`) moves out of `case_timers`,
 * which only the case engine writes, into a table of the webhooks' own: one row per case, timer and due
 * time, so a deadline moved to a new due time gets its own warning. The marks already made come along.
 * The partial warning index goes: the warnings read a short range of `case_timers_due_idx`.
 */
export class DeadlineWarnings1795400000000 implements MigrationInterface {
  name = 'DeadlineWarnings1795400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE deadline_warnings (
        case_id uuid NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
        timer_id text NOT NULL,
        due_at timestamptz(3) NOT NULL,
        shop_id uuid NOT NULL,
        warned_at timestamptz(3) NOT NULL,
        PRIMARY KEY (case_id, timer_id, due_at))`);
    await q.query(`
      INSERT INTO deadline_warnings (case_id, timer_id, due_at, shop_id, warned_at)
      SELECT case_id, timer_id, due_at, shop_id, warned_at FROM case_timers WHERE warned_at IS NOT NULL`);
    await q.query(`DROP INDEX case_timers_warning_idx`);
    await q.query(`ALTER TABLE case_timers DROP COLUMN warned_at`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE case_timers ADD COLUMN warned_at timestamptz(3)`);
    // A timer keeps the mark of its current due time; marks of earlier due times have nowhere to go.
    await q.query(`
      UPDATE case_timers t SET warned_at = w.warned_at FROM deadline_warnings w
      WHERE w.case_id = t.case_id AND w.timer_id = t.timer_id AND w.due_at = t.due_at`);
    await q.query(`
      CREATE INDEX case_timers_warning_idx ON case_timers (due_at)
        WHERE warned_at IS NULL AND timer_id IN ('merchant-response', 'dispute-evidence')`);
    await q.query(`DROP TABLE deadline_warnings`);
  }
}
