import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Idempotency keys of integration calls: the fingerprint of the request and the response it got. */
export class IdempotencyKeys1795320000000 implements MigrationInterface {
  name = 'IdempotencyKeys1795320000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE idempotency_keys (
        shop_id uuid NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
        key text NOT NULL,
        fingerprint text NOT NULL,
        state text NOT NULL,
        response_status integer,
        -- json, not jsonb: a replay must be byte-for-byte the first answer, key order included
        response_body json,
        created_at timestamptz(3) NOT NULL,
        lease_until timestamptz(3) NOT NULL,
        expires_at timestamptz(3) NOT NULL,
        PRIMARY KEY (shop_id, key),
        CONSTRAINT idempotency_keys_state_check CHECK (state IN ('in_flight', 'completed')),
        CONSTRAINT idempotency_keys_response_check CHECK (state = 'in_flight' OR response_status IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX idempotency_keys_expires_idx ON idempotency_keys (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE idempotency_keys`);
  }
}
