import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { API_KEY_TAG, Credentials, type CredentialVerifier } from '../platform/auth/credentials.js';
import type { IntegrationPrincipal, Principal } from '../platform/auth/principal.js';
import { newBearerSecret, sha256Hex } from '../platform/auth/secrets.js';
import { Clock } from '../platform/clock/clock.js';
import type { ApiKey } from './api-key.record.js';
import type { ApiKeyView, CreatedApiKey } from './api-key.view.js';
import { ApiKeysRepository } from './api-keys.repository.js';
import { assertShopAccess } from './shop-access.js';
import { ShopException } from './shop.problems.js';
import { ShopsService } from './shops.service.js';

function toView(key: ApiKey): ApiKeyView {
  return {
    id: key.id,
    shopId: key.shopId,
    name: key.name,
    prefix: key.prefix,
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
  };
}

/** Integration keys: shown once at creation, stored only as a sha256 hash, revocable. */
@Injectable()
export class ApiKeysService implements CredentialVerifier, OnModuleInit {
  readonly tag = API_KEY_TAG;

  constructor(
    private readonly credentials: Credentials,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly keys: ApiKeysRepository,
    private readonly shops: ShopsService,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.credentials.register(this);
  }

  async create(principal: Principal, shopId: string, name: string): Promise<CreatedApiKey> {
    assertShopAccess(principal, shopId, 'manage');
    await this.shops.require(shopId);
    const { token, prefix } = newBearerSecret(API_KEY_TAG);
    const key = await this.keys.insert(this.dataSource.manager, { shopId, name, prefix, keyHash: sha256Hex(token), createdAt: this.clock.now() });
    return { ...toView(key), key: token };
  }

  async list(principal: Principal, shopId: string): Promise<ApiKeyView[]> {
    assertShopAccess(principal, shopId, 'manage');
    await this.shops.require(shopId);
    const keys = await this.keys.list(this.dataSource.manager, shopId);
    return keys.map(toView);
  }

  async revoke(principal: Principal, shopId: string, keyId: string): Promise<void> {
    assertShopAccess(principal, shopId, 'manage');
    const key = await this.keys.find(this.dataSource.manager, shopId, keyId);
    if (!key) throw new ShopException('API_KEY_NOT_FOUND', `No API key ${keyId} in this shop.`);
    if (!key.revokedAt) await this.keys.revoke(this.dataSource.manager, key.id, this.clock.now());
  }

  /** The principal for a presented key, or undefined when unknown or revoked. */
  async authenticate(token: string): Promise<IntegrationPrincipal | undefined> {
    // Runs on every integration request: one indexed lookup.
    const key = await this.keys.findLiveByHash(this.dataSource.manager, sha256Hex(token));
    if (!key) return undefined;
    // Last use is informative only: record it at most once a minute per key to keep reads cheap.
    const now = this.clock.now();
    if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() > 60_000) {
      await this.keys.touch(this.dataSource.manager, key.id, now);
    }
    return { kind: 'integration', shopId: key.shopId, apiKeyId: key.id };
  }
}
