import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Orders with their money totals, cases with the persisted machine snapshot, durable deadline timers
 * and the append-only, hash-chained case event log.
 */
export class CaseEngine1795310000000 implements MigrationInterface {
  name = 'CaseEngine1795310000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE orders (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        shop_id uuid NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
        external_order_id text NOT NULL,
        currency text NOT NULL,
        status text NOT NULL,
        paid_total bigint NOT NULL,
        reserved_total bigint NOT NULL DEFAULT 0,
        refunded_total bigint NOT NULL DEFAULT 0,
        shipped_at timestamptz(3),
        snapshot jsonb NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT orders_status_check CHECK (status IN ('unshipped', 'shipped', 'delivered', 'completed', 'closed')),
        CONSTRAINT orders_money_check CHECK (
          paid_total >= 0 AND reserved_total >= 0 AND refunded_total >= 0
          AND refunded_total + reserved_total <= paid_total)
      )`);
    await q.query(`CREATE UNIQUE INDEX orders_shop_external_key ON orders (shop_id, external_order_id)`);

    await q.query(`
      CREATE TABLE cases (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        shop_id uuid NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
        order_id uuid NOT NULL REFERENCES orders (id),
        type text NOT NULL,
        platform text NOT NULL,
        platform_case_id text,
        state text NOT NULL,
        version integer NOT NULL DEFAULT 1,
        machine_version integer NOT NULL,
        snapshot jsonb NOT NULL,
        currency text NOT NULL,
        requested_amount bigint NOT NULL,
        reserved_amount bigint NOT NULL DEFAULT 0,
        refunded_amount bigint NOT NULL DEFAULT 0,
        claimed_reason_code text NOT NULL,
        claimed_reason_category text NOT NULL,
        platform_reason text,
        verified_reason_code text,
        verified_reason_category text,
        reason_recoded boolean NOT NULL DEFAULT false,
        buyer jsonb NOT NULL,
        buyer_text text,
        outcome text,
        assignee_id uuid REFERENCES agents (id),
        requested_at timestamptz(3) NOT NULL,
        opened_at timestamptz(3) NOT NULL,
        updated_at timestamptz(3) NOT NULL,
        archived_at timestamptz(3),
        event_seq integer NOT NULL DEFAULT 0,
        chain_head text NOT NULL DEFAULT '',
        CONSTRAINT cases_type_check CHECK (type IN ('refund', 'return', 'exchange', 'complaint')),
        CONSTRAINT cases_money_check CHECK (requested_amount >= 0 AND reserved_amount >= 0 AND refunded_amount >= 0),
        CONSTRAINT cases_claimed_category_check CHECK (claimed_reason_category IN ('quality', 'non_quality')),
        CONSTRAINT cases_verified_category_check CHECK (verified_reason_category IN ('quality', 'non_quality'))
      )`);
    await q.query(`CREATE UNIQUE INDEX cases_platform_case_key ON cases (shop_id, platform, platform_case_id) WHERE platform_case_id IS NOT NULL`);
    await q.query(`CREATE INDEX cases_shop_opened_idx ON cases (shop_id, opened_at, id)`);
    await q.query(`CREATE INDEX cases_shop_state_idx ON cases (shop_id, state)`);
    await q.query(`CREATE INDEX cases_order_idx ON cases (order_id)`);
    await q.query(`CREATE INDEX cases_assignee_idx ON cases (shop_id, assignee_id) WHERE archived_at IS NULL`);

    await q.query(`
      CREATE TABLE case_timers (
        case_id uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
        timer_id text NOT NULL,
        shop_id uuid NOT NULL,
        event jsonb NOT NULL,
        due_at timestamptz(3) NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        PRIMARY KEY (case_id, timer_id)
      )`);
    await q.query(`CREATE INDEX case_timers_due_idx ON case_timers (due_at)`);
    await q.query(`CREATE INDEX case_timers_shop_due_idx ON case_timers (shop_id, due_at)`);

    await q.query(`
      CREATE TABLE case_events (
        case_id uuid NOT NULL REFERENCES cases (id),
        seq integer NOT NULL,
        shop_id uuid NOT NULL,
        type text NOT NULL,
        actor_kind text NOT NULL,
        actor_id text NOT NULL,
        from_state text,
        to_state text NOT NULL,
        payload jsonb NOT NULL,
        at timestamptz(3) NOT NULL,
        prev_hash text NOT NULL,
        hash text NOT NULL,
        PRIMARY KEY (case_id, seq)
      )`);
    await q.query(`CREATE INDEX case_events_shop_at_idx ON case_events (shop_id, at)`);
    await q.query(`
      CREATE FUNCTION case_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'case_events is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    await q.query(`
      CREATE TRIGGER case_events_append_only
        BEFORE UPDATE OR DELETE ON case_events
        FOR EACH ROW EXECUTE FUNCTION case_events_append_only()`);
    await q.query(`
      CREATE TRIGGER case_events_no_truncate
        BEFORE TRUNCATE ON case_events
        FOR EACH STATEMENT EXECUTE FUNCTION case_events_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE case_events`);
    await q.query(`DROP FUNCTION case_events_append_only()`);
    await q.query(`DROP TABLE case_timers`);
    await q.query(`DROP TABLE cases`);
    await q.query(`DROP TABLE orders`);
  }
}
