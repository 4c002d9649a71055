import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Shops (tenants) with their after-sales policy, integration API keys, agents and login sessions. */
export class Foundation1795300000000 implements MigrationInterface {
  name = 'Foundation1795300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE shops (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        slug text NOT NULL,
        name text NOT NULL,
        platform text NOT NULL,
        timezone text NOT NULL DEFAULT 'Asia/Shanghai',
        merchant_response_hours integer NOT NULL DEFAULT 48,
        buyer_return_shipping_days integer NOT NULL DEFAULT 7,
        merchant_receipt_days integer NOT NULL DEFAULT 10,
        dispute_evidence_hours integer NOT NULL DEFAULT 48,
        buyer_escalation_days integer NOT NULL DEFAULT 7,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT shops_platform_check
          CHECK (platform IN ('taobao', 'tmall', 'pinduoduo', 'jd', 'wechat', 'other')),
        CONSTRAINT shops_policy_positive_check CHECK (
          merchant_response_hours > 0 AND buyer_return_shipping_days > 0 AND merchant_receipt_days > 0
          AND dispute_evidence_hours > 0 AND buyer_escalation_days > 0)
      )`);
    await q.query(`CREATE UNIQUE INDEX shops_slug_key ON shops (slug)`);

    await q.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        shop_id uuid NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
        name text NOT NULL,
        prefix text NOT NULL,
        key_hash text NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        last_used_at timestamptz(3),
        revoked_at timestamptz(3)
      )`);
    await q.query(`CREATE UNIQUE INDEX api_keys_key_hash_key ON api_keys (key_hash)`);
    await q.query(`CREATE INDEX api_keys_shop_id_idx ON api_keys (shop_id, created_at)`);

    await q.query(`
      CREATE TABLE agents (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        shop_id uuid NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
        email text NOT NULL,
        display_name text NOT NULL,
        role text NOT NULL,
        password_hash text NOT NULL,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT agents_role_check CHECK (role IN ('agent', 'supervisor', 'auditor')),
        CONSTRAINT agents_email_lower_check CHECK (email = lower(email))
      )`);
    await q.query(`CREATE UNIQUE INDEX agents_shop_email_key ON agents (shop_id, email)`);

    await q.query(`
      CREATE TABLE agent_sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        shop_id uuid NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
        agent_id uuid NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
        token_hash text NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        expires_at timestamptz(3) NOT NULL,
        revoked_at timestamptz(3)
      )`);
    await q.query(`CREATE UNIQUE INDEX agent_sessions_token_hash_key ON agent_sessions (token_hash)`);
    await q.query(`CREATE INDEX agent_sessions_agent_id_idx ON agent_sessions (agent_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE agent_sessions`);
    await q.query(`DROP TABLE agents`);
    await q.query(`DROP TABLE api_keys`);
    await q.query(`DROP TABLE shops`);
  }
}
