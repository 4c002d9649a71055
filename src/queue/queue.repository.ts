import { Injectable } from '@nestjs/common';
import { int8 } from '../platform/database/bigint.js';
import type { Tx } from '../platform/database/transactions.js';
import { toDueAt } from '../cases/case.record.js';
import type { CaseType } from '../cases/machine/case.types.js';
import { stepCondition, type QueueStep } from './queue-steps.js';

/**
 * The queue order: most urgent merchant deadline first (cases without one last, `due_at = 'infinity'`),
 * then the most money at stake, then id. Both partial indexes hold exactly this order, so a page or a
 * claim reads only the rows it returns (plus, for a claim, the ones other claimers hold).
 */
export const QUEUE_ORDER = `c.due_at, (-c.requested_amount), c.id`;

/** The next unassigned case in queue order, locked; rows other claimers hold are skipped, not waited for. */
export const CLAIM_NEXT_SQL = `SELECT c.id FROM cases c
  WHERE c.shop_id = $1 AND c.archived_at IS NULL AND c.assignee_id IS NULL
  ORDER BY ${QUEUE_ORDER} LIMIT 1 FOR UPDATE SKIP LOCKED`;

/** Where a page starts: the sort key of the last item of the previous page. */
export interface QueuePosition {
  /** ISO time, or null for "no deadline" (stored as 'infinity'). */
  dueAt: string | null;
  requestedAmount: number;
  id: string;
}

export type AssigneeScope = { kind: 'mineAndUnassigned'; agentId: string } | { kind: 'agent'; agentId: string } | { kind: 'unassigned' };

export interface QueueFilter {
  scope: AssigneeScope;
  type?: CaseType;
  step?: QueueStep;
  intervened?: boolean;
  after?: QueuePosition;
  limit: number;
}

export interface QueueRow {
  id: string;
  version: number;
  type: CaseType;
  state: string;
  platform: string;
  platformCaseId: string | null;
  externalOrderId: string;
  currency: string;
  requestedAmount: number;
  reservedAmount: number;
  refundedAmount: number;
  reasonCode: string;
  reasonCategory: string;
  disputed: boolean;
  assigneeId: string | null;
  dueAt: Date | null;
  dueTimer: string | null;
  buyerNickname: string | null;
  openedAt: Date;
}

/** What a queue item shows from the case row; each index-ordered branch reads it once. */
const CASE_COLUMNS = `c.id, c.version, c.type, c.state, c.platform, c.platform_case_id, c.order_id, c.currency,
  c.requested_amount, c.reserved_amount, c.refunded_amount,
  COALESCE(c.verified_reason_code, c.claimed_reason_code) AS reason_code,
  COALESCE(c.verified_reason_category, c.claimed_reason_category) AS reason_category,
  c.disputed, c.assignee_id, c.due_at, (-c.requested_amount) AS amount_key, c.due_timer, c.buyer ->> 'nickname' AS buyer_nickname, c.opened_at`;

/** All SQL of the agent queue: pages, claims, capacity and distribution. Every statement is scoped by shop. */
@Injectable()
export class QueueRepository {
  /**
   * One page of the queue. "Mine and unassigned" is two index-ordered scans merged (Merge Append), each
   * stopping after `limit + 1` rows, so a page costs the same with ten thousand open cases as with a million.
   */
  async page(tx: Tx, shopId: string, filter: QueueFilter): Promise<QueueRow[]> {
    const params: unknown[] = [shopId];
    const conditions = ['c.shop_id = $1', 'c.archived_at IS NULL'];
    if (filter.type) {
      params.push(filter.type);
      conditions.push(`c.type = $${params.length}`);
    }
    if (filter.step) conditions.push(stepCondition('c.state', filter.step, params));
    if (filter.intervened !== undefined) {
      params.push(filter.intervened);
      conditions.push(`c.disputed = $${params.length}`);
    }
    if (filter.after) {
      params.push(filter.after.dueAt ?? 'infinity', -filter.after.requestedAmount, filter.after.id);
      conditions.push(`(c.due_at, (-c.requested_amount), c.id) > ($${params.length - 2}::timestamptz, $${params.length - 1}::bigint, $${params.length}::uuid)`);
    }
    params.push(filter.limit + 1);
    const limit = `$${params.length}`;
    const branch = (assignee: string) =>
      `(SELECT ${CASE_COLUMNS} FROM cases c
        WHERE ${[...conditions, assignee].join(' AND ')} ORDER BY ${QUEUE_ORDER} LIMIT ${limit})`;
    const branches: string[] = [];
    if (filter.scope.kind !== 'unassigned') {
      params.push(filter.scope.agentId);
      branches.push(branch(`c.assignee_id = $${params.length}`));
    }
    if (filter.scope.kind !== 'agent') branches.push(branch('c.assignee_id IS NULL'));
    const rows: Array<Record<string, unknown>> = await tx.query(
      `WITH page AS (SELECT * FROM (${branches.join(' UNION ALL ')}) b ORDER BY due_at, amount_key, id LIMIT ${limit})
       SELECT p.*, o.external_order_id FROM page p JOIN orders o ON o.id = p.order_id
       ORDER BY p.due_at, p.amount_key, p.id`,
      params,
    );
    return rows.map(toQueueRow);
  }

  /** Claims (locks) the next unassigned case; undefined when none is left that nobody else holds. */
  async lockNextUnassigned(tx: Tx, shopId: string): Promise<string | undefined> {
    const [row] = await tx.query(CLAIM_NEXT_SQL, [shopId]);
    return row?.id;
  }

  /**
   * Locks an agent row: every assignment to an agent takes this lock first, so counting their open cases
   * under it is exact and a maximum cannot be overrun by two assignments at once.
   */
  async lockAgent(tx: Tx, shopId: string, agentId: string): Promise<AgentLoad | undefined> {
    const [row] = await tx.query(
      `SELECT a.id, a.role, a.active, a.presence, a.max_open_cases, a.display_name FROM agents a WHERE a.id = $1 AND a.shop_id = $2 FOR UPDATE`,
      [agentId, shopId],
    );
    if (!row) return undefined;
    return {
      id: row.id,
      role: row.role,
      active: row.active,
      presence: row.presence,
      maxOpenCases: row.max_open_cases,
      displayName: row.display_name,
    };
  }

  /**
   * The open cases the agent holds (agent_open_cases, moved with every case change). Read under the
   * agent's lock it is exact: every assignment to the agent takes that lock before its change commits.
   */
  async openCasesOf(tx: Tx, shopId: string, agentId: string): Promise<number> {
    const [row] = await tx.query(
      `SELECT COALESCE(o.open, 0) AS n FROM agents a LEFT JOIN agent_open_cases o ON o.agent_id = a.id WHERE a.id = $2 AND a.shop_id = $1`,
      [shopId, agentId],
    );
    return row ? int8(row.n) : 0;
  }

  /**
   * Agents who may receive a distributed case, fewest open cases first: role `agent`, active, online,
   * with a live session (an agent whose sessions all ended is not at the desk, whatever the flag says).
   * Ties go to whoever has been online longest.
   */
  async distributionCandidates(tx: Tx, shopId: string, now: Date): Promise<Array<{ id: string; openCases: number }>> {
    const rows: Array<{ id: string; open_cases: number }> = await tx.query(
      `SELECT a.id, COALESCE(o.open, 0) AS open_cases
       FROM agents a LEFT JOIN agent_open_cases o ON o.agent_id = a.id
       WHERE a.shop_id = $1 AND a.role = 'agent' AND a.active AND a.presence = 'online'
         AND EXISTS (SELECT 1 FROM agent_sessions s WHERE s.agent_id = a.id AND s.revoked_at IS NULL AND s.expires_at > $2)
       ORDER BY open_cases, a.presence_changed_at NULLS FIRST, a.id`,
      [shopId, now],
    );
    return rows.map((row) => ({ id: row.id, openCases: int8(row.open_cases) }));
  }
}

export interface AgentLoad {
  id: string;
  role: string;
  active: boolean;
  presence: string;
  maxOpenCases: number | null;
  displayName: string;
}

function toQueueRow(row: Record<string, unknown>): QueueRow {
  return {
    id: row.id as string,
    version: row.version as number,
    type: row.type as CaseType,
    state: row.state as string,
    platform: row.platform as string,
    platformCaseId: (row.platform_case_id as string | null) ?? null,
    externalOrderId: row.external_order_id as string,
    currency: row.currency as string,
    requestedAmount: int8(row.requested_amount as string),
    reservedAmount: int8(row.reserved_amount as string),
    refundedAmount: int8(row.refunded_amount as string),
    reasonCode: row.reason_code as string,
    reasonCategory: row.reason_category as string,
    disputed: row.disputed as boolean,
    assigneeId: (row.assignee_id as string | null) ?? null,
    dueAt: toDueAt(row.due_at),
    dueTimer: (row.due_timer as string | null) ?? null,
    buyerNickname: (row.buyer_nickname as string | null) ?? null,
    openedAt: row.opened_at as Date,
  };
}
