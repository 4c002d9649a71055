import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Tx } from '../platform/database/transactions.js';
import type { OutboxEvent } from './webhook-events.js';
import { runCaseWrite } from '../cases/case-change.repository.js';
import { outboxWrite } from './webhook-outbox.contributor.js';

/** A message claimed for one attempt, with what signing and sending it need. */
export interface ClaimedMessage {
  id: string;
  /** The `webhook-id`. */
  eventId: string;
  /** The body, exactly as signed and sent. */
  payload: string;
  /** Attempts made, this one included. */
  attempts: number;
  /** When its retry window started (its first attempt, or its last redelivery). */
  retryFrom: Date;
  url: string;
  secret: string;
  /** Still inside its rotation overlap (see WebhooksService.rotateSecret); null otherwise. */
  previousSecret: string | null;
}

/** The outcome of one attempt and what it makes of the message. */
export interface AttemptRecord {
  messageId: string;
  status: 'pending' | 'delivered' | 'failed';
  /** The next attempt, when it stays pending. */
  retryAt: Date | null;
  /** When the attempt ended. */
  at: Date;
  attempt: number;
  startedAt: Date;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
  responseBody: string | null;
}

interface ClaimedMessageRow {
  id: string;
  event_id: string;
  payload: string;
  attempts: number;
  retry_from: Date;
  url: string;
  secret: string;
  previous_secret: string | null;
}

function toClaimedMessage(row: ClaimedMessageRow): ClaimedMessage {
  return {
    id: row.id,
    eventId: row.event_id,
    payload: row.payload,
    attempts: row.attempts,
    retryFrom: new Date(row.retry_from),
    url: row.url,
    secret: row.secret,
    previousSecret: row.previous_secret,
  };
}

/**
 * The dispatcher's side of the outbox (`webhook_messages`, `webhook_attempts`): writing events outside a
 * case change, claiming due messages, recording attempts, and purging finished messages. Not scoped by
 * shop: these run for every shop at once. Claims, records and purges are statements of their own
 * (autocommit), so a claim's lease is visible to every instance at once.
 */
@Injectable()
export class WebhookDeliveriesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Writes events to the outbox in `tx`, fanned out as for case changes (see outboxWrite). */
  async enqueue(tx: Tx, events: readonly OutboxEvent[]): Promise<void> {
    await runCaseWrite(tx, outboxWrite(events));
  }

  /**
   * Claims up to `limit` due messages: counts the attempt and leases each (its next attempt moves to
   * `leaseUntil`), starting its retry window at its first attempt. Only the oldest pending message of a
   * case and endpoint is due, so an endpoint gets a case's events in order; endpoints disabled are skipped.
   */
  async claim(now: Date, leaseUntil: Date, limit: number): Promise<ClaimedMessage[]> {
    // An UPDATE answers [rows, count].
    const [rows]: [ClaimedMessageRow[], number] = await this.dataSource.query(
      `WITH due AS (
         SELECT m.id FROM webhook_messages m
         JOIN webhook_endpoints w ON w.id = m.endpoint_id AND w.enabled
         WHERE m.status = 'pending' AND m.next_attempt_at <= $1
           AND NOT EXISTS (
             SELECT 1 FROM webhook_messages p
             WHERE p.endpoint_id = m.endpoint_id AND p.case_id = m.case_id AND p.status = 'pending' AND p.id < m.id)
         ORDER BY m.next_attempt_at, m.id
         LIMIT $2
         FOR UPDATE OF m SKIP LOCKED)
       UPDATE webhook_messages m SET attempts = m.attempts + 1, last_attempt_at = $1, next_attempt_at = $3,
         retry_from = CASE WHEN m.attempts = 0 THEN $1 ELSE m.retry_from END
       FROM due, webhook_endpoints w
       WHERE m.id = due.id AND w.id = m.endpoint_id
       RETURNING m.id::text AS id, m.event_id, m.payload::text AS payload, m.attempts, m.retry_from, w.url, w.secret,
         CASE WHEN w.previous_secret_expires_at > $1 THEN w.previous_secret END AS previous_secret`,
      [now, limit, leaseUntil],
    );
    return rows.map(toClaimedMessage);
  }

  /** Sets the message's status from one attempt and appends the attempt to its log, in one statement. */
  async recordAttempt(record: AttemptRecord): Promise<void> {
    await this.dataSource.query(
      `WITH m AS (
         UPDATE webhook_messages SET status = $2, next_attempt_at = COALESCE($3, next_attempt_at),
           delivered_at = CASE WHEN $2 = 'delivered' THEN $4::timestamptz END,
           failed_at = CASE WHEN $2 = 'failed' THEN $4::timestamptz END,
           last_status_code = $5, last_error = $6
         WHERE id = $1 RETURNING id, shop_id)
       INSERT INTO webhook_attempts (message_id, shop_id, attempt, started_at, duration_ms, status_code, error, response_body)
       SELECT m.id, m.shop_id, $7, $8, $9, $5, $6, $10 FROM m`,
      [
        record.messageId,
        record.status,
        record.retryAt,
        record.at,
        record.statusCode,
        record.error,
        record.attempt,
        record.startedAt,
        record.durationMs,
        record.responseBody,
      ],
    );
  }

  /**
   * Deletes up to `limit` messages of `status` that finished before `cutoff`, oldest first, their attempts
   * with them (by cascade); returns how many. Rows locked by someone else (a redelivery) are skipped.
   */
  async purgeFinished(status: 'delivered' | 'failed', cutoff: Date, limit: number): Promise<number> {
    // One statement per status, so each walks its own partial index (webhook_messages_*_purge_idx); the
    // status is written into the SQL rather than bound so the planner can match the index predicate.
    const finishedAt = status === 'delivered' ? 'delivered_at' : 'failed_at';
    const [, count]: [unknown, number] = await this.dataSource.query(
      `WITH doomed AS (
         SELECT id FROM webhook_messages
         WHERE status = '${status}' AND ${finishedAt} < $1
         ORDER BY ${finishedAt}
         LIMIT $2
         FOR UPDATE SKIP LOCKED)
       DELETE FROM webhook_messages m USING doomed WHERE m.id = doomed.id`,
      [cutoff, limit],
    );
    return count;
  }
}
