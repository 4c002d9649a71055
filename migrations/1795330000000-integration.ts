import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Order-system integration: the change feed's commit-safe position on case events, deadline warnings,
 * webhook endpoints, the webhook outbox (one row per event and endpoint) and its delivery log.
 */
export class Integration1795330000000 implements MigrationInterface {
  name = 'Integration1795330000000';

  async up(q: QueryRunner): Promise<void> {
    // feed_key: the writing transaction's id, raised to the case's previous key so a case's events never
    // sort before its earlier ones (see ChangesRepository). Rows written before this migration sort first.
    await q.query(`ALTER TABLE cases ADD COLUMN feed_key bigint NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE case_events ADD COLUMN feed_key bigint NOT NULL DEFAULT 0`);
    await q.query(`CREATE INDEX case_events_feed_idx ON case_events (shop_id, feed_key, case_id, seq)`);

    await q.query(`ALTER TABLE case_timers ADD COLUMN warned_at timestamptz(3)`);
    await q.query(`
      CREATE INDEX case_timers_warning_idx ON case_timers (due_at)
        WHERE warned_at IS NULL AND timer_id IN ('merchant-response', 'dispute-evidence')`);

    await q.query(`
      CREATE TABLE webhook_endpoints (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        shop_id uuid NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
        url text NOT NULL,
        description text,
        secret text NOT NULL,
        event_types text[] NOT NULL,
        enabled boolean NOT NULL DEFAULT true,
        created_at timestamptz(3) NOT NULL,
        updated_at timestamptz(3) NOT NULL,
        CONSTRAINT webhook_endpoints_event_types_check CHECK (cardinality(event_types) > 0)
      )`);
    await q.query(`CREATE INDEX webhook_endpoints_shop_idx ON webhook_endpoints (shop_id, created_at, id)`);

    await q.query(`
      CREATE TABLE webhook_messages (
        id bigserial PRIMARY KEY,
        event_id uuid NOT NULL,
        shop_id uuid NOT NULL,
        endpoint_id uuid NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
        case_id uuid,
        event_type text NOT NULL,
        payload json NOT NULL,
        created_at timestamptz(3) NOT NULL,
        -- Retries stop WEBHOOK_RETRY_HOURS after this: the first attempt (a message waiting behind an earlier one of
        -- its case loses no time), reset by a redeliver call.
        retry_from timestamptz(3) NOT NULL,
        status text NOT NULL DEFAULT 'pending',
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz(3) NOT NULL,
        last_attempt_at timestamptz(3),
        delivered_at timestamptz(3),
        failed_at timestamptz(3),
        last_status_code integer,
        last_error text,
        CONSTRAINT webhook_messages_status_check CHECK (status IN ('pending', 'delivered', 'failed')),
        CONSTRAINT webhook_messages_event_key UNIQUE (endpoint_id, event_id)
      )`);
    await q.query(`CREATE INDEX webhook_messages_due_idx ON webhook_messages (next_attempt_at) WHERE status = 'pending'`);
    // The dispatcher's "no earlier pending message of this case for this endpoint" check.
    await q.query(`CREATE INDEX webhook_messages_case_idx ON webhook_messages (endpoint_id, case_id, id) WHERE status = 'pending'`);
    await q.query(`CREATE INDEX webhook_messages_log_idx ON webhook_messages (shop_id, endpoint_id, id)`);

    await q.query(`
      CREATE TABLE webhook_attempts (
        id bigserial PRIMARY KEY,
        message_id bigint NOT NULL REFERENCES webhook_messages (id) ON DELETE CASCADE,
        shop_id uuid NOT NULL,
        attempt integer NOT NULL,
        started_at timestamptz(3) NOT NULL,
        duration_ms integer NOT NULL,
        status_code integer,
        error text,
        response_body text
      )`);
    await q.query(`CREATE INDEX webhook_attempts_message_idx ON webhook_attempts (message_id, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE webhook_attempts`);
    await q.query(`DROP TABLE webhook_messages`);
    await q.query(`DROP TABLE webhook_endpoints`);
    await q.query(`DROP INDEX case_timers_warning_idx`);
    await q.query(`ALTER TABLE case_timers DROP COLUMN warned_at`);
    await q.query(`DROP INDEX case_events_feed_idx`);
    await q.query(`ALTER TABLE case_events DROP COLUMN feed_key`);
    await q.query(`ALTER TABLE cases DROP COLUMN feed_key`);
  }
}
