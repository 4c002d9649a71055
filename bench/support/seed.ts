import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { chainEvent } from '../../src/audit/audit-chain.js';
import { persistSnapshot, startCase, stepOf, timerPlan } from '../../src/cases/machine/case-machine.queries.js';
import { CASE_MACHINE_VERSION } from '../../src/cases/machine/case.machine.js';
import { DEFAULT_CASE_POLICY } from '../../src/cases/machine/case-timers.js';
import { sha256Hex } from '../../src/common/auth/secrets.js';

export interface Seeded {
  shopId: string;
  caseIds: string[];
  /** A session token of a supervisor of the shop. */
  agentToken: string;
}

/**
 * Seeds `count` refund cases in `open.contact` exactly as the engine opens them (same machine, same
 * snapshot, same hash chain, same merchant-response timer), written in bulk so 100,000 take seconds.
 */
export async function seedOpenCases(url: string, count: number, requestedAt: Date): Promise<Seeded> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const shopId = randomUUID();
  await client.query(`INSERT INTO shops (id, slug, name, platform) VALUES ($1, $2, 'Bench shop', 'tmall')`, [shopId, `bench-${shopId.slice(0, 8)}`]);
  const agentId = randomUUID();
  await client.query(`INSERT INTO agents (id, shop_id, email, display_name, role, password_hash) VALUES ($1, $2, 'bench@example.com', 'bench', 'supervisor', 'x')`, [agentId, shopId]);
  const agentToken = `st_bench_${randomUUID()}`;
  await client.query(`INSERT INTO agent_sessions (shop_id, agent_id, token_hash, expires_at) VALUES ($1, $2, $3, $4)`, [
    shopId,
    agentId,
    sha256Hex(agentToken),
    new Date(requestedAt.getTime() + 365 * 86_400_000),
  ]);

  const requestedAmount = 9_900;
  const { snapshot, actions } = startCase({
    caseType: 'refund',
    requestedAmount,
    paidAmount: requestedAmount,
    orderShipped: true,
    specialGoods: false,
    claimedReasonCode: 'quality_problem',
    claimedReasonCategory: 'quality',
    policy: DEFAULT_CASE_POLICY,
  });
  const persisted = JSON.stringify(persistSnapshot(snapshot));
  const state = stepOf(snapshot);
  const [timer] = timerPlan(actions).schedule;
  const orderSnapshot = { orderId: '', status: 'shipped', paidTotal: requestedAmount, currency: 'CNY', shippedAt: null, items: [{ sku: 'SKU-1', title: 'bench item', quantity: 1, unitPrice: requestedAmount, goodsKind: 'standard' }] };

  const caseIds: string[] = [];
  for (let start = 0; start < count; start += 5000) {
    const n = Math.min(5000, count - start);
    const rows = Array.from({ length: n }, (_, i) => {
      const caseId = randomUUID();
      const orderId = randomUUID();
      const externalOrderId = `BENCH-${start + i}`;
      const audit = chainEvent(
        {
          shopId,
          caseId,
          seq: 1,
          type: 'CASE_OPENED',
          actor: { kind: 'system', id: 'bench-seed' },
          fromState: null,
          toState: state,
          payload: { type: 'refund', requestedAmount, orderId: externalOrderId },
          at: requestedAt.toISOString(),
        },
        '',
      );
      return { caseId, orderId, externalOrderId, audit };
    });
    caseIds.push(...rows.map((r) => r.caseId));
    await client.query(
      `INSERT INTO orders (id, shop_id, external_order_id, currency, status, paid_total, snapshot)
       SELECT id, $2, ext, 'CNY', 'shipped', $3, jsonb_set($4::jsonb, '{orderId}', to_jsonb(ext)) FROM unnest($1::uuid[], $5::text[]) AS u(id, ext)`,
      [rows.map((r) => r.orderId), shopId, requestedAmount, JSON.stringify(orderSnapshot), rows.map((r) => r.externalOrderId)],
    );
    await client.query(
      `INSERT INTO cases (id, shop_id, order_id, type, platform, state, version, machine_version, snapshot, currency, requested_amount,
                          claimed_reason_code, claimed_reason_category, buyer, requested_at, opened_at, updated_at, event_seq, chain_head)
       SELECT id, $3, order_id, 'refund', 'tmall', $4, 1, $5, $6::jsonb, 'CNY', $7, 'quality_problem', 'quality',
              '{"id":"bench-buyer","phone":"13800138000"}'::jsonb, $8, $8, $8, 1, head
       FROM unnest($1::uuid[], $2::uuid[], $9::text[]) AS u(id, order_id, head)`,
      [rows.map((r) => r.caseId), rows.map((r) => r.orderId), shopId, state, CASE_MACHINE_VERSION, persisted, requestedAmount, requestedAt, rows.map((r) => r.audit.hash)],
    );
    await client.query(
      `INSERT INTO case_events (case_id, seq, shop_id, type, actor_kind, actor_id, from_state, to_state, payload, at, prev_hash, hash)
       SELECT id, 1, $2, 'CASE_OPENED', 'system', 'bench-seed', NULL, $3, payload, $4, prev, hash
       FROM unnest($1::uuid[], $5::jsonb[], $6::text[], $7::text[]) AS u(id, payload, prev, hash)`,
      [rows.map((r) => r.caseId), shopId, state, requestedAt, rows.map((r) => JSON.stringify(r.audit.payload)), rows.map((r) => r.audit.prevHash), rows.map((r) => r.audit.hash)],
    );
    await client.query(
      `INSERT INTO case_timers (case_id, timer_id, shop_id, event, due_at) SELECT id, $2, $3, $4::jsonb, $5 FROM unnest($1::uuid[]) AS u(id)`,
      [rows.map((r) => r.caseId), timer.timerId, shopId, JSON.stringify({ type: timer.event }), new Date(requestedAt.getTime() + timer.delayMs)],
    );
  }
  await client.query('ANALYZE');
  await client.end();
  return { shopId, caseIds, agentToken };
}
