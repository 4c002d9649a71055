import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Tx } from '../database/transactions.js';

export interface StoredResponse {
  status: number;
  body: unknown;
}

export type Claim = { kind: 'claimed' } | { kind: 'completed'; fingerprint: string; response: StoredResponse } | { kind: 'in_flight'; fingerprint: string };

/**
 * Idempotency keys per shop. Each statement stands alone (autocommit): a key is claimed before the
 * request is processed, and completed or released after, so that concurrent retries see it at once.
 */
@Injectable()
export class IdempotencyRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Claims the key for this request, or reports what holds it. An in-flight claim whose lease has
   * run out (its process died) is taken over.
   */
  async claim(shopId: string, key: string, fingerprint: string, now: Date, leaseUntil: Date, expiresAt: Date): Promise<Claim> {
    const claimed = await this.dataSource.query(
      `INSERT INTO idempotency_keys (shop_id, key, fingerprint, state, created_at, lease_until, expires_at)
       VALUES ($1, $2, $3, 'in_flight', $4, $5, $6)
       ON CONFLICT (shop_id, key) DO UPDATE
         SET fingerprint = EXCLUDED.fingerprint, created_at = EXCLUDED.created_at, lease_until = EXCLUDED.lease_until, expires_at = EXCLUDED.expires_at
         WHERE idempotency_keys.state = 'in_flight' AND idempotency_keys.lease_until < $4 AND idempotency_keys.fingerprint = EXCLUDED.fingerprint
       RETURNING 1`,
      [shopId, key, fingerprint, now, leaseUntil, expiresAt],
    );
    if (claimed.length > 0) return { kind: 'claimed' };
    return this.look(shopId, key);
  }

  async look(shopId: string, key: string): Promise<Claim> {
    const [row] = await this.dataSource.query(
      `SELECT state, fingerprint, response_status, response_body FROM idempotency_keys WHERE shop_id = $1 AND key = $2`,
      [shopId, key],
    );
    if (!row) return { kind: 'in_flight', fingerprint: '' };
    return row.state === 'completed'
      ? { kind: 'completed', fingerprint: row.fingerprint, response: { status: row.response_status, body: row.response_body } }
      : { kind: 'in_flight', fingerprint: row.fingerprint };
  }

  async complete(shopId: string, key: string, response: StoredResponse): Promise<void> {
    await this.dataSource.query(`UPDATE idempotency_keys SET state = 'completed', response_status = $3, response_body = $4 WHERE shop_id = $1 AND key = $2`, [
      shopId,
      key,
      response.status,
      JSON.stringify(response.body ?? null),
    ]);
  }

  /**
   * Completes a claim inside the transaction that does the work, so the work and its stored response
   * commit together. False when the claim is no longer this request's (another attempt took over an
   * expired lease and completed it).
   */
  async completeIn(tx: Tx, shopId: string, key: string, fingerprint: string, response: StoredResponse): Promise<boolean> {
    const [, count]: [unknown, number] = await tx.query(
      `UPDATE idempotency_keys SET state = 'completed', response_status = $4, response_body = $5
        WHERE shop_id = $1 AND key = $2 AND fingerprint = $3 AND state = 'in_flight'`,
      [shopId, key, fingerprint, response.status, JSON.stringify(response.body ?? null)],
    );
    return count === 1;
  }

  /** Forgets a claim whose request failed unexpectedly, so that a retry runs it again. */
  async release(shopId: string, key: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM idempotency_keys WHERE shop_id = $1 AND key = $2 AND state = 'in_flight'`, [shopId, key]);
  }

  async purgeExpired(now: Date): Promise<number> {
    const [, count] = await this.dataSource.query(`DELETE FROM idempotency_keys WHERE expires_at < $1`, [now]);
    return count;
  }
}
