import { Injectable } from '@nestjs/common';
import type { ChainedAuditRecord } from './audit-chain.js';
import { isCheckViolation } from '../platform/database/pg-errors.js';
import type { Tx } from '../platform/database/transactions.js';
import { MoneyConstraintError } from '../orders/orders.repository.js';
import type { TimerRow } from './timer.record.js';
import { dueAtColumn, type CaseRecord } from './case.record.js';
import type { CaseWrite } from './case-change.js';

export interface CaseWrites {
  /** Deltas per order, already summed. */
  money: Array<{ orderId: string; reserved: number; refunded: number }>;
  /** Timer rows to delete; never a key that `schedule` also writes (that one is replaced in place). */
  cancel: Array<{ caseId: string; timerId: string }>;
  schedule: TimerRow[];
  /** Failed fires to retry later: the timer keeps its due time, gets a retry time, an attempt and the error. */
  retries?: Array<{ caseId: string; timerId: string; retryAt: Date; error: string }>;
  events: ChainedAuditRecord[];
  cases: CaseRecord[];
  /** What the features registered as contributors write for the same steps (see CaseChangeContributors). */
  contributions?: CaseWrite[];
}

/** The writing transaction's id (xid8 as bigint): the change feed's position, see ChangesRepository. */
export const CURRENT_XID = 'pg_current_xact_id()::text::bigint';

/**
 * JSON rows as a relation the planner sizes right: `jsonb_to_recordset` is estimated at 100 rows, which
 * for a single case would choose a sequential scan of the whole table; the LIMIT tells it the truth.
 */
function jsonRows(parameter: number, count: number, columns: string): string {
  return `(SELECT * FROM jsonb_to_recordset($${parameter}::jsonb) AS r(${columns}) LIMIT ${count})`;
}

/** Runs one contribution on its own, in `tx` (a feature writing the same rows outside a case change). */
export async function runCaseWrite(tx: Tx, write: CaseWrite): Promise<void> {
  if (write.rows.length === 0) return;
  await tx.query(
    write.sql((columns) => jsonRows(1, write.rows.length, columns)),
    [JSON.stringify(write.rows)],
  );
}

/**
 * Writes what accepted case events changed — order money, timer rows, audit events, case rows, then each
 * contributor's rows — as one statement (data-modifying CTEs, only the parts with rows), whatever the
 * number of cases: one round trip for an agent's event and for a batch of a thousand deadlines alike.
 * Rows travel as JSON.
 */
@Injectable()
export class CaseChangeRepository {
  async write(tx: Tx, writes: CaseWrites): Promise<void> {
    const parts: string[] = [];
    const params: string[] = [];
    const add = (data: unknown[], sql: (parameter: number, count: number) => string) => {
      if (data.length === 0) return;
      params.push(JSON.stringify(data));
      parts.push(sql(params.length, data.length));
    };
    add(
      writes.money.map((m) => ({ id: m.orderId, reserved: m.reserved, refunded: m.refunded })),
      (p, n) => `UPDATE orders o SET reserved_total = o.reserved_total + d.reserved, refunded_total = o.refunded_total + d.refunded
        FROM ${jsonRows(p, n, 'id uuid, reserved bigint, refunded bigint')} d WHERE o.id = d.id RETURNING 1`,
    );
    add(
      writes.cancel.map((k) => ({ case_id: k.caseId, timer_id: k.timerId })),
      (p, n) => `DELETE FROM case_timers t USING ${jsonRows(p, n, 'case_id uuid, timer_id text')} k
        WHERE t.case_id = k.case_id AND t.timer_id = k.timer_id RETURNING 1`,
    );
    add(
      writes.schedule.map((t) => ({ case_id: t.caseId, timer_id: t.timerId, shop_id: t.shopId, event: t.event, due_at: t.dueAt })),
      (p, n) => `INSERT INTO case_timers (case_id, timer_id, shop_id, event, due_at)
        SELECT * FROM ${jsonRows(p, n, 'case_id uuid, timer_id text, shop_id uuid, event jsonb, due_at timestamptz')} t
        ON CONFLICT (case_id, timer_id) DO UPDATE SET event = EXCLUDED.event, due_at = EXCLUDED.due_at, attempts = 0, last_error = NULL, retry_at = NULL
        RETURNING 1`,
    );
    add(
      (writes.retries ?? []).map((r) => ({ case_id: r.caseId, timer_id: r.timerId, retry_at: r.retryAt, error: r.error.slice(0, 2000) })),
      (p, n) => `UPDATE case_timers t SET retry_at = r.retry_at, attempts = t.attempts + 1, last_error = r.error
        FROM ${jsonRows(p, n, 'case_id uuid, timer_id text, retry_at timestamptz, error text')} r
        WHERE t.case_id = r.case_id AND t.timer_id = r.timer_id RETURNING 1`,
    );
    add(
      writes.events.map((e) => ({
        case_id: e.caseId,
        seq: e.seq,
        shop_id: e.shopId,
        type: e.type,
        actor_kind: e.actor.kind,
        actor_id: e.actor.id,
        from_state: e.fromState,
        to_state: e.toState,
        payload: e.payload,
        at: e.at,
        prev_hash: e.prevHash,
        hash: e.hash,
      })),
      // A case's earlier events may carry a higher transaction id than this one (see ChangesRepository).
      (p, n) => `INSERT INTO case_events (case_id, seq, shop_id, type, actor_kind, actor_id, from_state, to_state, payload, at, prev_hash, hash, feed_key)
        SELECT e.*, GREATEST(${CURRENT_XID}, c.feed_key)
        FROM ${jsonRows(p, n, 'case_id uuid, seq int, shop_id uuid, type text, actor_kind text, actor_id text, from_state text, to_state text, payload jsonb, at timestamptz, prev_hash text, hash text')} e
        JOIN cases c ON c.id = e.case_id
        RETURNING 1`,
    );
    add(
      writes.cases.map((r) => ({
        id: r.id,
        state: r.state,
        version: r.version,
        machine_version: r.machineVersion,
        snapshot: r.snapshot,
        reserved_amount: r.reservedAmount,
        refunded_amount: r.refundedAmount,
        verified_reason_code: r.verifiedReasonCode,
        verified_reason_category: r.verifiedReasonCategory,
        reason_recoded: r.reasonRecoded,
        outcome: r.outcome,
        updated_at: r.updatedAt,
        archived_at: r.archivedAt,
        event_seq: r.eventSeq,
        chain_head: r.chainHead,
        assignee_id: r.assigneeId,
        due_at: dueAtColumn(r.dueAt),
        due_timer: r.dueTimer,
        disputed: r.disputed,
      })),
      (p, n) => `UPDATE cases AS c SET state = u.state, version = u.version, machine_version = u.machine_version, snapshot = u.snapshot,
          reserved_amount = u.reserved_amount, refunded_amount = u.refunded_amount, verified_reason_code = u.verified_reason_code,
          verified_reason_category = u.verified_reason_category, reason_recoded = u.reason_recoded, outcome = u.outcome,
          updated_at = u.updated_at, archived_at = u.archived_at, event_seq = u.event_seq, chain_head = u.chain_head,
          assignee_id = u.assignee_id, due_at = u.due_at, due_timer = u.due_timer, disputed = u.disputed,
          feed_key = GREATEST(${CURRENT_XID}, c.feed_key)
        FROM ${jsonRows(p, n, 'id uuid, state text, version int, machine_version int, snapshot jsonb, reserved_amount bigint, refunded_amount bigint, verified_reason_code text, verified_reason_category text, reason_recoded boolean, outcome text, updated_at timestamptz, archived_at timestamptz, event_seq int, chain_head text, assignee_id uuid, due_at timestamptz, due_timer text, disputed boolean')} u
        WHERE c.id = u.id RETURNING 1`,
    );
    for (const write of writes.contributions ?? []) add([...write.rows], (p, n) => write.sql((columns) => jsonRows(p, n, columns)));
    if (parts.length === 0) return;
    const sql =
      parts.length === 1
        ? parts[0]
        : `WITH ${parts
            .slice(0, -1)
            .map((part, i) => `w${i} AS (${part})`)
            .join(', ')} ${parts[parts.length - 1]}`;
    try {
      await tx.query(sql, params);
    } catch (error) {
      if (isCheckViolation(error, 'orders_money_check')) throw new MoneyConstraintError('refunded plus reserved would exceed paid');
      throw error;
    }
  }
}
