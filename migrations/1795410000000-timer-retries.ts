import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A deadline whose event failed is retried later without moving the deadline: the retry time has its own
 * column, so `due_at` stays the platform's deadline (the case view, the queue and the audit agree). The
 * sweeper claims by `COALESCE(retry_at, due_at)`.
 */
export class TimerRetries1795410000000 implements MigrationInterface {
  name = 'TimerRetries1795410000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE case_timers ADD COLUMN retry_at timestamptz(3)`);
    await q.query(`CREATE INDEX case_timers_fire_idx ON case_timers ((COALESCE(retry_at, due_at)))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX case_timers_fire_idx`);
    // Going back, a pending retry becomes the due time again (the old behaviour).
    await q.query(`UPDATE case_timers SET due_at = retry_at WHERE retry_at IS NOT NULL`);
    await q.query(`ALTER TABLE case_timers DROP COLUMN retry_at`);
  }
}
