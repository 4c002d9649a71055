import { Injectable } from '@nestjs/common';
import type { Tx } from '../platform/database/transactions.js';
import type { WebhookEventType } from './webhook-events.js';

export interface WebhookEndpointRow {
  id: string;
  shop_id: string;
  url: string;
  description: string | null;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | null;
  event_types: WebhookEventType[];
  enabled: boolean;
  created_at: Date;
  updated_at: Date;
}

export interface WebhookMessageRow {
  id: string;
  event_id: string;
  endpoint_id: string;
  case_id: string | null;
  event_type: string;
  payload: unknown;
  created_at: Date;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  next_attempt_at: Date;
  last_attempt_at: Date | null;
  delivered_at: Date | null;
  failed_at: Date | null;
  last_status_code: number | null;
  last_error: string | null;
}

export interface WebhookAttemptRow {
  attempt: number;
  started_at: Date;
  duration_ms: number;
  status_code: number | null;
  error: string | null;
  response_body: string | null;
}

/** Endpoints, the delivery log and redelivery. Every query is scoped by shop. */
@Injectable()
export class WebhooksRepository {
  async insertEndpoint(
    tx: Tx,
    row: Omit<WebhookEndpointRow, 'id' | 'enabled' | 'updated_at' | 'previous_secret' | 'previous_secret_expires_at'>,
  ): Promise<WebhookEndpointRow> {
    const [created] = await tx.query(
      `INSERT INTO webhook_endpoints (shop_id, url, description, secret, event_types, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING *`,
      [row.shop_id, row.url, row.description, row.secret, row.event_types, row.created_at],
    );
    return created;
  }

  async findEndpoint(tx: Tx, shopId: string, id: string): Promise<WebhookEndpointRow | undefined> {
    const [row] = await tx.query(`SELECT * FROM webhook_endpoints WHERE id = $1 AND shop_id = $2`, [id, shopId]);
    return row;
  }

  async listEndpoints(tx: Tx, shopId: string): Promise<WebhookEndpointRow[]> {
    return tx.query(`SELECT * FROM webhook_endpoints WHERE shop_id = $1 ORDER BY created_at, id`, [shopId]);
  }

  async updateEndpoint(
    tx: Tx,
    shopId: string,
    id: string,
    changes: Partial<Pick<WebhookEndpointRow, 'url' | 'description' | 'event_types' | 'enabled' | 'secret'>>,
    now: Date,
  ): Promise<WebhookEndpointRow | undefined> {
    const sets: string[] = [];
    const params: unknown[] = [id, shopId, now];
    for (const [column, value] of Object.entries(changes)) {
      if (value === undefined) continue;
      params.push(value);
      sets.push(`${column} = $${params.length}`);
    }
    const [rows] = await tx.query(`UPDATE webhook_endpoints SET ${[...sets, 'updated_at = $3'].join(', ')} WHERE id = $1 AND shop_id = $2 RETURNING *`, params);
    return rows[0];
  }

  /**
   * Replaces the secret; the one replaced keeps signing until `previousUntil` (null: it stops now). A
   * secret replaced earlier and still in its overlap stops now: only the latest two ever sign.
   */
  async rotateSecret(tx: Tx, shopId: string, id: string, secret: string, now: Date, previousUntil: Date | null): Promise<WebhookEndpointRow | undefined> {
    const [rows] = await tx.query(
      `UPDATE webhook_endpoints
       SET previous_secret = CASE WHEN $5::timestamptz IS NULL THEN NULL ELSE secret END, previous_secret_expires_at = $5,
           secret = $3, updated_at = $4
       WHERE id = $1 AND shop_id = $2 RETURNING *`,
      [id, shopId, secret, now, previousUntil],
    );
    return rows[0];
  }

  async deleteEndpoint(tx: Tx, shopId: string, id: string): Promise<boolean> {
    const [, count] = await tx.query(`DELETE FROM webhook_endpoints WHERE id = $1 AND shop_id = $2`, [id, shopId]);
    return count > 0;
  }

  /** Newest first. */
  async listMessages(tx: Tx, shopId: string, endpointId: string, filter: { status?: string; before?: string; limit: number }): Promise<WebhookMessageRow[]> {
    const where = ['shop_id = $1', 'endpoint_id = $2'];
    const params: unknown[] = [shopId, endpointId];
    if (filter.status) {
      params.push(filter.status);
      where.push(`status = $${params.length}`);
    }
    if (filter.before) {
      params.push(filter.before);
      where.push(`id < $${params.length}`);
    }
    params.push(filter.limit);
    return tx.query(
      `SELECT id::text AS id, event_id, endpoint_id, case_id, event_type, payload, created_at, status, attempts, next_attempt_at,
              last_attempt_at, delivered_at, failed_at, last_status_code, last_error
       FROM webhook_messages WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT $${params.length}`,
      params,
    );
  }

  async findMessage(tx: Tx, shopId: string, id: string): Promise<WebhookMessageRow | undefined> {
    const [row] = await tx.query(
      `SELECT id::text AS id, event_id, endpoint_id, case_id, event_type, payload, created_at, status, attempts, next_attempt_at,
              last_attempt_at, delivered_at, failed_at, last_status_code, last_error
       FROM webhook_messages WHERE id = $1 AND shop_id = $2`,
      [id, shopId],
    );
    return row;
  }

  /** The messages of one event (`webhook-id`), one per endpoint it went to; optionally of one endpoint. */
  async findMessagesByEventId(tx: Tx, shopId: string, eventId: string, endpointId?: string): Promise<WebhookMessageRow[]> {
    return tx.query(
      `SELECT id::text AS id, event_id, endpoint_id, case_id, event_type, payload, created_at, status, attempts, next_attempt_at,
              last_attempt_at, delivered_at, failed_at, last_status_code, last_error
       FROM webhook_messages WHERE shop_id = $1 AND event_id = $2 AND ($3::uuid IS NULL OR endpoint_id = $3)
       ORDER BY endpoint_id LIMIT 20`,
      [shopId, eventId, endpointId ?? null],
    );
  }

  async attempts(tx: Tx, shopId: string, messageId: string): Promise<WebhookAttemptRow[]> {
    return tx.query(
      `SELECT attempt, started_at, duration_ms, status_code, error, response_body FROM webhook_attempts
       WHERE message_id = $1 AND shop_id = $2 ORDER BY id`,
      [messageId, shopId],
    );
  }

  /**
   * Queues a message again, delivered or not: due now, with a new retry window. Messages of its case
   * created after it wait for it again, so receivers still see the case's events in order.
   */
  async redeliver(tx: Tx, shopId: string, id: string, now: Date): Promise<boolean> {
    const [, count] = await tx.query(
      `UPDATE webhook_messages SET status = 'pending', next_attempt_at = $3, retry_from = $3, attempts = 0, delivered_at = NULL, failed_at = NULL
       WHERE id = $1 AND shop_id = $2`,
      [id, shopId, now],
    );
    return count > 0;
  }
}
