import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { ChainVerifier, VERIFY_SQL, type VerifyResult } from '../../../src/audit/chain-verifier.js';
import { ASSIGNEE_CHANGED, DISTRIBUTION_ACTOR, type Actor, type OpenCaseCommand } from '../../../src/cases/case-engine.js';
import { DEFAULT_CASE_POLICY } from '../../../src/cases/machine/case-timers.js';
import type { CaseType } from '../../../src/cases/machine/case.types.js';
import type { WebhookEventType } from '../../../src/webhooks/webhook-events.js';
import type { EngineHarness } from './engine-harness.js';

// Shops, agents and endpoints are rows written here directly: the medium tier tests the engine, not the
// services that manage those (and does not depend on them).

const HOUR = 3_600_000;

export interface ShopRow {
  id: string;
  platform: string;
}

export async function insertShop(db: pg.Pool): Promise<ShopRow> {
  const slug = `shop-${randomBytes(4).toString('hex')}`;
  const { rows } = await db.query(`INSERT INTO shops (slug, name, platform) VALUES ($1, $2, 'tmall') RETURNING id, platform`, [slug, `Shop ${slug}`]);
  return rows[0];
}

export async function insertAgent(db: pg.Pool, shopId: string): Promise<string> {
  const email = `agent-${randomBytes(4).toString('hex')}@example.com`;
  const { rows } = await db.query(
    `INSERT INTO agents (shop_id, email, display_name, role, password_hash, presence) VALUES ($1, $2, $2, 'agent', 'not-a-hash', 'online') RETURNING id`,
    [shopId, email],
  );
  return rows[0].id;
}

export async function insertEndpoint(db: pg.Pool, shopId: string, eventTypes: WebhookEventType[], enabled = true): Promise<string> {
  const { rows } = await db.query(
    `INSERT INTO webhook_endpoints (shop_id, url, secret, event_types, enabled, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, now(), now()) RETURNING id`,
    [shopId, `https://receiver.example.com/${randomBytes(4).toString('hex')}`, `whsec_${randomBytes(24).toString('base64')}`, eventTypes, enabled],
  );
  return rows[0].id;
}

export const INTEGRATION: Actor = { kind: 'integration', id: 'order-system' };
export const agentActor = (agentId: string): Actor => ({ kind: 'agent', id: agentId });

export interface OpenOptions {
  type?: CaseType;
  requestedAmount?: number;
  paidTotal?: number;
  orderId?: string;
  requestedAt?: Date;
  platformCaseId?: string | null;
}

/** A case as the intake flow hands it to the engine: a refund of 100.00 on a shipped order paid 120.00, requested an hour ago. */
export function openCommand(shop: ShopRow, now: Date, options: OpenOptions = {}): OpenCaseCommand {
  const paidTotal = options.paidTotal ?? 12_000;
  return {
    shopId: shop.id,
    platform: shop.platform,
    platformCaseId: options.platformCaseId === undefined ? `PC-${randomBytes(5).toString('hex')}` : options.platformCaseId,
    type: options.type ?? 'refund',
    claimedReasonCode: 'quality_problem',
    claimedReasonCategory: 'quality',
    platformReason: null,
    buyerText: 'It arrived broken.',
    requestedAmount: options.requestedAmount ?? 10_000,
    requestedAt: options.requestedAt ?? new Date(now.getTime() - HOUR),
    buyer: { id: `buyer-${randomBytes(3).toString('hex')}`, nickname: 'Lin' },
    order: {
      orderId: options.orderId ?? `ORD-${randomBytes(5).toString('hex')}`,
      status: 'shipped',
      paidTotal,
      currency: 'CNY',
      shippedAt: new Date(now.getTime() - 72 * HOUR).toISOString(),
      items: [{ sku: 'MUG-1', title: 'Mug', quantity: 1, unitPrice: paidTotal, goodsKind: 'standard' }],
    },
    policy: { ...DEFAULT_CASE_POLICY },
    actor: INTEGRATION,
  };
}

/** Hands a case to `to` (null: back to the queue) as distribution does: an ASSIGNEE_CHANGED recorded with the new assignee. */
export function assign(h: EngineHarness, shopId: string, caseId: string, to: string | null, options: { from?: string | null; actor?: Actor } = {}) {
  const event = { type: ASSIGNEE_CHANGED, from: options.from ?? null, to };
  return h.transactions.run((tx) => h.engine.recordIn(tx, { shopId, caseId, event, actor: options.actor ?? DISTRIBUTION_ACTOR, assigneeId: to }));
}

// Reads, through the test's own connection.

/** A timestamptz column as JavaScript's toISOString() writes it. */
const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

export interface CaseRow {
  state: string;
  version: number;
  event_seq: number;
  chain_head: string;
  assignee_id: string | null;
  archived_at: Date | null;
  /** 'infinity' (no running deadline) reads as null. */
  due_at: string | null;
  due_timer: string | null;
  reserved_amount: number;
}

export async function caseRow(db: pg.Pool, caseId: string): Promise<CaseRow> {
  const { rows } = await db.query(
    `SELECT state, version, event_seq, chain_head, assignee_id, archived_at,
            CASE WHEN due_at = 'infinity' THEN NULL ELSE ${iso('due_at')} END AS due_at, due_timer, reserved_amount::int
     FROM cases WHERE id = $1`,
    [caseId],
  );
  if (!rows[0]) throw new Error(`no case ${caseId}`);
  return rows[0];
}

export interface AuditRow {
  seq: number;
  type: string;
  from_state: string | null;
  to_state: string;
  payload: any;
  hash: string;
}

export async function auditTrail(db: pg.Pool, caseId: string): Promise<AuditRow[]> {
  const { rows } = await db.query(`SELECT seq, type, from_state, to_state, payload, hash FROM case_events WHERE case_id = $1 ORDER BY seq`, [caseId]);
  return rows;
}

export interface OutboxRow {
  id: number;
  event_id: string;
  endpoint_id: string;
  event_type: string;
  payload: any;
}

/** The case's outbox messages in the order they were written (and are delivered). */
export async function outbox(db: pg.Pool, caseId: string): Promise<OutboxRow[]> {
  const { rows } = await db.query(`SELECT id::int, event_id, endpoint_id, event_type, payload FROM webhook_messages WHERE case_id = $1 ORDER BY id`, [caseId]);
  return rows;
}

export async function metricFacts(db: pg.Pool, caseId: string): Promise<Array<{ seq: number; kind: string; label: string | null; agent_id: string | null }>> {
  const { rows } = await db.query(`SELECT seq, kind, label, agent_id FROM metric_facts WHERE case_id = $1 ORDER BY seq, kind`, [caseId]);
  return rows;
}

export interface TimerDbRow {
  timer_id: string;
  due_at: string;
  retry_at: string | null;
  attempts: number;
  last_error: string | null;
}

export async function timerRows(db: pg.Pool, caseId: string): Promise<TimerDbRow[]> {
  const { rows } = await db.query(
    `SELECT timer_id, ${iso('due_at')} AS due_at, ${iso('retry_at')} AS retry_at, attempts, last_error
     FROM case_timers WHERE case_id = $1 ORDER BY due_at, timer_id`,
    [caseId],
  );
  return rows;
}

/** Per agent of the shop: the counter the engine keeps, and the count it stands for. */
export async function openCaseCounts(db: pg.Pool, shopId: string): Promise<Record<string, { counter: number; actual: number }>> {
  const { rows } = await db.query(
    `SELECT a.id, COALESCE(o.open, 0) AS counter,
            (SELECT count(*)::int FROM cases c WHERE c.assignee_id = a.id AND c.archived_at IS NULL) AS actual
     FROM agents a LEFT JOIN agent_open_cases o ON o.agent_id = a.id
     WHERE a.shop_id = $1`,
    [shopId],
  );
  return Object.fromEntries(rows.map((r) => [r.id, { counter: r.counter, actual: r.actual }]));
}

/** The case's hash chain recomputed from its stored events, as the audit export verifies it. */
export async function verifyChain(db: pg.Pool, shopId: string, caseId: string): Promise<VerifyResult> {
  const { rows } = await db.query(VERIFY_SQL, [shopId, caseId]);
  const verifier = new ChainVerifier();
  for (const row of rows) verifier.add(row);
  return verifier.finish();
}
