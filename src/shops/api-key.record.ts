/** An integration key of a shop, as stored in `api_keys`. */
export interface ApiKey {
  id: string;
  shopId: string;
  name: string;
  /** The visible start of the key (`ak_1a2b3c4d`), to tell keys apart without revealing them. */
  prefix: string;
  /** sha256 of the whole key; the key itself is shown once and never stored. */
  keyHash: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export type NewApiKey = Pick<ApiKey, 'shopId' | 'name' | 'prefix' | 'keyHash' | 'createdAt'>;
