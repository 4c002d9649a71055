import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { chainEvent, type ChainedAuditRecord } from '../../src/cases/audit-chain.js';
import { persistSnapshot, startCase, stepOf, timerPlan } from '../../src/cases/machine/case-machine.queries.js';
import { CASE_MACHINE_VERSION } from '../../src/cases/machine/case.machine.js';
import { DEFAULT_CASE_POLICY } from '../../src/cases/machine/case-timers.js';
import { sha256Hex } from '../../src/platform/auth/secrets.js';
import { recountAgentOpenCases } from '../../migrations/1795360000000-metrics.js';

export interface SeededAgent {
  id: string;
  /** A live session token of the agent. */
  token: string;
}

export interface Seeded {
  shopId: string;
  caseIds: string[];
  /** A session token of a supervisor of the shop. */
  agentToken: string;
  supervisorId: string;
  /** The agents created with `options.agents` (role agent, online), in order. */
  agents: SeededAgent[];
}

export interface SeedOptions {
  /**
   * Spreads the cases' `requestedAt` over this many milliseconds before `requestedAt`, in whole minutes
   * (so deadlines tie and the amount, then the id, decides the queue order). Default 0: all at `requestedAt`.
   */
  requestedAtSpreadMs?: number;
  /** Requested (= paid) amounts drawn between `min` and `max` in steps of `step` (default 100). Default: all 9,900. */
  amounts?: { min: number; max: number; step?: number };
  /** This many agents (role `agent`, presence `online`), each with a session. Default 0. */
  agents?: number;
  /**
   * The agent (index into `agents`) the k-th case is assigned to, or undefined for an unassigned case. An
   * assigned case carries the ASSIGNEE_CHANGED event (seq 2, by the supervisor) the service would have
   * appended, and its version, event_seq and chain head follow it.
   */
  assigneeOf?: (k: number) => number | undefined;
  /** Seed of the pseudo-random spreads, for reproducible data. Default 1. */
  seed?: number;
}

const BATCH = 5000;
const FIXED_AMOUNT = 9_900;

/**
 * Seeds `count` refund cases in `open.contact` exactly as the engine opens them (same machine, same
 * snapshot, same hash chain, same merchant-response timer and the queue's `due_at` / `due_timer` from it),
 * written in bulk so 100,000 take seconds. `options` vary request times and amounts (a non-trivial queue
 * order), add online agents with sessions and assign cases to them.
 */
export async function seedOpenCases(url: string, count: number, requestedAt: Date, options: SeedOptions = {}): Promise<Seeded> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const shopId = randomUUID();
  await client.query(`INSERT INTO shops (id, slug, name, platform) VALUES ($1, $2, 'Bench shop', 'tmall')`, [shopId, `bench-${shopId.slice(0, 8)}`]);
  const supervisorId = randomUUID();
  await client.query(
    `INSERT INTO agents (id, shop_id, email, display_name, role, password_hash) VALUES ($1, $2, 'bench@example.com', 'bench', 'supervisor', 'x')`,
    [supervisorId, shopId],
  );
  const agentToken = `st_bench_${randomUUID()}`;
  const sessionExpiry = new Date(Math.max(requestedAt.getTime(), Date.now()) + 365 * 86_400_000);
  await client.query(`INSERT INTO agent_sessions (shop_id, agent_id, token_hash, expires_at) VALUES ($1, $2, $3, $4)`, [
    shopId,
    supervisorId,
    sha256Hex(agentToken),
    sessionExpiry,
  ]);

  const agents: SeededAgent[] = Array.from({ length: options.agents ?? 0 }, () => ({ id: randomUUID(), token: `st_bench_${randomUUID()}` }));
  if (agents.length > 0) {
    await client.query(
      `INSERT INTO agents (id, shop_id, email, display_name, role, password_hash, presence, presence_changed_at)
       SELECT id, $2, 'agent-' || n || '@example.com', '客服' || n, 'agent', 'x', 'online', now() FROM unnest($1::uuid[]) WITH ORDINALITY AS u(id, n)`,
      [agents.map((a) => a.id), shopId],
    );
    await client.query(
      `INSERT INTO agent_sessions (shop_id, agent_id, token_hash, expires_at) SELECT $2, agent_id, token_hash, $4 FROM unnest($1::uuid[], $3::text[]) AS u(agent_id, token_hash)`,
      [agents.map((a) => a.id), shopId, agents.map((a) => sha256Hex(a.token)), sessionExpiry],
    );
  }

  // One machine start per distinct amount: the snapshot's context carries the requested and paid amounts.
  const starts = new Map<number, { persisted: string; index: number }>();
  let state = '';
  let timer: ReturnType<typeof timerPlan>['schedule'][number] | undefined;
  const snapshotOf = (amount: number): number => {
    let start = starts.get(amount);
    if (!start) {
      const { snapshot, actions } = startCase({
        caseType: 'refund',
        requestedAmount: amount,
        paidAmount: amount,
        orderShipped: true,
        specialGoods: false,
        claimedReasonCode: 'quality_problem',
        claimedReasonCategory: 'quality',
        policy: DEFAULT_CASE_POLICY,
      });
      state = stepOf(snapshot);
      [timer] = timerPlan(actions).schedule;
      starts.set(amount, (start = { persisted: JSON.stringify(persistSnapshot(snapshot)), index: starts.size + 1 }));
    }
    return start.index;
  };
  snapshotOf(FIXED_AMOUNT);
  const merchantResponse = timer!;
  const orderSnapshot = {
    orderId: '',
    status: 'shipped',
    paidTotal: 0,
    currency: 'CNY',
    shippedAt: null,
    items: [{ sku: 'SKU-1', title: 'bench item', quantity: 1, unitPrice: 0, goodsKind: 'standard' }],
  };

  const random = pseudoRandom(options.seed ?? 1);
  const spreadMinutes = Math.floor((options.requestedAtSpreadMs ?? 0) / 60_000);
  const amountSteps = options.amounts ? Math.floor((options.amounts.max - options.amounts.min) / (options.amounts.step ?? 100)) + 1 : 1;

  const caseIds: string[] = [];
  for (let start = 0; start < count; start += BATCH) {
    const n = Math.min(BATCH, count - start);
    const rows = Array.from({ length: n }, (_, i) => {
      const k = start + i;
      const caseId = randomUUID();
      const orderId = randomUUID();
      const externalOrderId = `BENCH-${k}`;
      const at = spreadMinutes > 0 ? new Date(requestedAt.getTime() - Math.floor(random() * (spreadMinutes + 1)) * 60_000) : requestedAt;
      const amount = options.amounts ? options.amounts.min + Math.floor(random() * amountSteps) * (options.amounts.step ?? 100) : FIXED_AMOUNT;
      const snapshot = snapshotOf(amount);
      const opened = chainEvent(
        {
          shopId,
          caseId,
          seq: 1,
          type: 'CASE_OPENED',
          actor: { kind: 'system', id: 'bench-seed' },
          fromState: null,
          toState: state,
          payload: { type: 'refund', requestedAmount: amount, orderId: externalOrderId },
          at: at.toISOString(),
        },
        '',
      );
      const agentIndex = options.assigneeOf?.(k);
      const assignee = agentIndex === undefined ? undefined : agents[agentIndex];
      if (agentIndex !== undefined && !assignee) throw new Error(`assigneeOf(${k}) = ${agentIndex}: no such seeded agent`);
      const assigned: ChainedAuditRecord | undefined =
        assignee &&
        chainEvent(
          {
            shopId,
            caseId,
            seq: 2,
            type: 'ASSIGNEE_CHANGED',
            actor: { kind: 'agent', id: supervisorId },
            fromState: state,
            toState: state,
            payload: { from: null, to: assignee.id, via: 'assign' },
            at: at.toISOString(),
          },
          opened.hash,
        );
      return { caseId, orderId, externalOrderId, at, amount, snapshot, opened, assigned, assigneeId: assignee?.id ?? null };
    });
    caseIds.push(...rows.map((r) => r.caseId));
    const snapshots = [...starts.values()].sort((a, b) => a.index - b.index).map((s) => s.persisted);
    await client.query(
      `INSERT INTO orders (id, shop_id, external_order_id, currency, status, paid_total, snapshot)
       SELECT id, $2, ext, 'CNY', 'shipped', amount,
              jsonb_set(jsonb_set(jsonb_set($3::jsonb, '{orderId}', to_jsonb(ext)), '{paidTotal}', to_jsonb(amount)), '{items,0,unitPrice}', to_jsonb(amount))
       FROM unnest($1::uuid[], $4::text[], $5::bigint[]) AS u(id, ext, amount)`,
      [rows.map((r) => r.orderId), shopId, JSON.stringify(orderSnapshot), rows.map((r) => r.externalOrderId), rows.map((r) => r.amount)],
    );
    await client.query(
      `INSERT INTO cases (id, shop_id, order_id, type, platform, state, version, machine_version, snapshot, currency, requested_amount,
                          claimed_reason_code, claimed_reason_category, buyer, requested_at, opened_at, updated_at, event_seq, chain_head,
                          assignee_id, due_at, due_timer)
       SELECT id, $3, order_id, 'refund', 'tmall', $4, seq, $5, ($6::jsonb[])[snapshot], 'CNY', amount, 'quality_problem', 'quality',
              '{"id":"bench-buyer","nickname":"小明","phone":"13800138000"}'::jsonb, at, at, at, seq, head,
              assignee_id, at + $7::float8 * interval '1 millisecond', $8
       FROM unnest($1::uuid[], $2::uuid[], $9::text[], $10::timestamptz[], $11::bigint[], $12::int[], $13::int[], $14::uuid[])
            AS u(id, order_id, head, at, amount, snapshot, seq, assignee_id)`,
      [
        rows.map((r) => r.caseId),
        rows.map((r) => r.orderId),
        shopId,
        state,
        CASE_MACHINE_VERSION,
        snapshots,
        merchantResponse.delayMs,
        merchantResponse.timerId,
        rows.map((r) => (r.assigned ?? r.opened).hash),
        rows.map((r) => r.at),
        rows.map((r) => r.amount),
        rows.map((r) => r.snapshot),
        rows.map((r) => (r.assigned ? 2 : 1)),
        rows.map((r) => r.assigneeId),
      ],
    );
    await client.query(
      `INSERT INTO case_events (case_id, seq, shop_id, type, actor_kind, actor_id, from_state, to_state, payload, at, prev_hash, hash)
       SELECT id, 1, $2, 'CASE_OPENED', 'system', 'bench-seed', NULL, $3, payload, at, prev, hash
       FROM unnest($1::uuid[], $4::timestamptz[], $5::jsonb[], $6::text[], $7::text[]) AS u(id, at, payload, prev, hash)`,
      [
        rows.map((r) => r.caseId),
        shopId,
        state,
        rows.map((r) => r.at),
        rows.map((r) => JSON.stringify(r.opened.payload)),
        rows.map((r) => r.opened.prevHash),
        rows.map((r) => r.opened.hash),
      ],
    );
    const assigned = rows.filter((r) => r.assigned);
    if (assigned.length > 0) {
      await client.query(
        `INSERT INTO case_events (case_id, seq, shop_id, type, actor_kind, actor_id, from_state, to_state, payload, at, prev_hash, hash)
         SELECT id, 2, $2, 'ASSIGNEE_CHANGED', 'agent', $3, $4, $4, payload, at, prev, hash
         FROM unnest($1::uuid[], $5::timestamptz[], $6::jsonb[], $7::text[], $8::text[]) AS u(id, at, payload, prev, hash)`,
        [
          assigned.map((r) => r.caseId),
          shopId,
          supervisorId,
          state,
          assigned.map((r) => r.at),
          assigned.map((r) => JSON.stringify(r.assigned!.payload)),
          assigned.map((r) => r.assigned!.prevHash),
          assigned.map((r) => r.assigned!.hash),
        ],
      );
    }
    await client.query(
      `INSERT INTO case_timers (case_id, timer_id, shop_id, event, due_at)
       SELECT id, $2, $3, $4::jsonb, at + $5::float8 * interval '1 millisecond' FROM unnest($1::uuid[], $6::timestamptz[]) AS u(id, at)`,
      [
        rows.map((r) => r.caseId),
        merchantResponse.timerId,
        shopId,
        JSON.stringify({ type: merchantResponse.event }),
        merchantResponse.delayMs,
        rows.map((r) => r.at),
      ],
    );
  }
  // The cases were written around the case engine, so the agents' open-case counters are set from them.
  await recountAgentOpenCases(client);
  await client.query('ANALYZE');
  await client.end();
  return { shopId, caseIds, agentToken, supervisorId, agents };
}

/** A small deterministic generator (mulberry32): the same seed gives the same data. */
function pseudoRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
