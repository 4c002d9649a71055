import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Webhook safety: previous secrets kept signing during a rotation overlap, retention of delivered messages. */
export class WebhookSafety1795370000000 implements MigrationInterface {
  name = 'WebhookSafety1795370000000';

  async up(q: QueryRunner): Promise<void> {
    // The secret a rotation replaced signs beside the new one until previous_secret_expires_at.
    await q.query(`
      ALTER TABLE webhook_endpoints
        ADD COLUMN previous_secret text,
        ADD COLUMN previous_secret_expires_at timestamptz(3),
        ADD CONSTRAINT webhook_endpoints_previous_secret_check CHECK ((previous_secret IS NULL) = (previous_secret_expires_at IS NULL))`);
    // The retention purge walks finished messages oldest first, one status at a time.
    await q.query(`CREATE INDEX webhook_messages_delivered_purge_idx ON webhook_messages (delivered_at) WHERE status = 'delivered'`);
    await q.query(`CREATE INDEX webhook_messages_failed_purge_idx ON webhook_messages (failed_at) WHERE status = 'failed'`);
    // Lookup by the webhook-id a receiver saw (one row per endpoint the event went to).
    await q.query(`CREATE INDEX webhook_messages_event_idx ON webhook_messages (shop_id, event_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX webhook_messages_event_idx`);
    await q.query(`DROP INDEX webhook_messages_failed_purge_idx`);
    await q.query(`DROP INDEX webhook_messages_delivered_purge_idx`);
    await q.query(`
      ALTER TABLE webhook_endpoints
        DROP CONSTRAINT webhook_endpoints_previous_secret_check,
        DROP COLUMN previous_secret_expires_at,
        DROP COLUMN previous_secret`);
  }
}
