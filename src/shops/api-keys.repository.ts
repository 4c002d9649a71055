import { Injectable } from '@nestjs/common';
import type { Tx } from '../platform/database/transactions.js';
import type { ApiKey, NewApiKey } from './api-key.record.js';

interface ApiKeyRow {
  id: string;
  shop_id: string;
  name: string;
  prefix: string;
  key_hash: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export function toApiKeyRecord(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    shopId: row.shop_id,
    name: row.name,
    prefix: row.prefix,
    keyHash: row.key_hash,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

/** A live key as the auth guard needs it. */
export interface LiveApiKey {
  id: string;
  shopId: string;
  lastUsedAt: Date | null;
}

/** All SQL on `api_keys`. Every read but the hash lookup is scoped by shop. */
@Injectable()
export class ApiKeysRepository {
  async insert(tx: Tx, key: NewApiKey): Promise<ApiKey> {
    const [row]: ApiKeyRow[] = await tx.query(`INSERT INTO api_keys (shop_id, name, prefix, key_hash, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING *`, [
      key.shopId,
      key.name,
      key.prefix,
      key.keyHash,
      key.createdAt,
    ]);
    return toApiKeyRecord(row);
  }

  async list(tx: Tx, shopId: string): Promise<ApiKey[]> {
    const rows: ApiKeyRow[] = await tx.query(`SELECT * FROM api_keys WHERE shop_id = $1 ORDER BY created_at, id`, [shopId]);
    return rows.map(toApiKeyRecord);
  }

  async find(tx: Tx, shopId: string, keyId: string): Promise<ApiKey | undefined> {
    const [row]: ApiKeyRow[] = await tx.query(`SELECT * FROM api_keys WHERE id = $1 AND shop_id = $2`, [keyId, shopId]);
    return row && toApiKeyRecord(row);
  }

  /** Revokes the key unless it already is. */
  async revoke(tx: Tx, keyId: string, now: Date): Promise<void> {
    await tx.query(`UPDATE api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL`, [keyId, now]);
  }

  /** The unrevoked key with this hash. Runs on every integration request: one indexed lookup. */
  async findLiveByHash(tx: Tx, keyHash: string): Promise<LiveApiKey | undefined> {
    const [row]: Array<Pick<ApiKeyRow, 'id' | 'shop_id' | 'last_used_at'>> = await tx.query(
      `SELECT id, shop_id, last_used_at FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL`,
      [keyHash],
    );
    return row && { id: row.id, shopId: row.shop_id, lastUsedAt: row.last_used_at };
  }

  async touch(tx: Tx, keyId: string, now: Date): Promise<void> {
    await tx.query(`UPDATE api_keys SET last_used_at = $2 WHERE id = $1`, [keyId, now]);
  }
}
