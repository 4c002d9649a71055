import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import type { Principal } from '../platform/auth/principal.js';
import { decodeCursor, toPage, type Page, type PageQueryDto } from '../platform/pagination.js';
import { isUniqueViolation } from '../platform/database/pg-errors.js';
import { SEED_CANNED_REPLIES_SQL, defaultCannedReplyRows } from '../replies/canned-replies.seed.js';
import type { CreateShopDto } from './dto/create-shop.dto.js';
import { ShopPolicyDto } from './dto/shop-policy.dto.js';
import type { UpdateShopDto } from './dto/update-shop.dto.js';
import { assertShopAccess } from './shop-access.js';
import { Shop } from './shop.entity.js';
import { ShopException } from './shop.problems.js';
import { toShopView, type ShopView } from './shop.view.js';

@Injectable()
export class ShopsService {
  constructor(@InjectRepository(Shop) private readonly shops: Repository<Shop>) {}

  async create(input: CreateShopDto): Promise<ShopView> {
    const policy = Object.assign(new ShopPolicyDto(), input.policy ?? {});
    try {
      // A new shop starts with the default canned replies, in the same transaction.
      const shop = await this.shops.manager.transaction(async (manager) => {
        const saved = await manager.save(
          this.shops.create({
            slug: input.slug,
            name: input.name,
            platform: input.platform,
            timezone: input.timezone ?? 'Asia/Shanghai',
            distributionEnabled: input.distributionEnabled ?? false,
            ...policy,
          }),
        );
        await manager.query(SEED_CANNED_REPLIES_SQL('SELECT $2::uuid AS id'), [JSON.stringify(defaultCannedReplyRows()), saved.id]);
        return saved;
      });
      return toShopView(shop);
    } catch (error) {
      if (isUniqueViolation(error, 'shops_slug_key')) {
        throw new ShopException('SHOP_SLUG_TAKEN', `A shop with slug "${input.slug}" already exists.`);
      }
      throw error;
    }
  }

  /** The admin sees every shop; a shop's callers see only their own. */
  async list(principal: Principal, page: PageQueryDto): Promise<Page<ShopView>> {
    const after = decodeCursor(page.cursor);
    const query = this.shops.createQueryBuilder('shop').orderBy('shop.created_at', 'ASC').addOrderBy('shop.id', 'ASC').limit(page.limit + 1);
    if (principal.kind !== 'admin') query.andWhere('shop.id = :shopId', { shopId: principal.shopId });
    if (after) query.andWhere('(shop.created_at, shop.id) > (:at, :id)', { at: after.at, id: after.id });
    const rows = await query.getMany();
    return toPage(rows, page.limit, (s) => ({ at: s.createdAt.toISOString(), id: s.id }), toShopView);
  }

  async get(principal: Principal, shopId: string): Promise<ShopView> {
    assertShopAccess(principal, shopId, 'read');
    return toShopView(await this.require(shopId));
  }

  async update(principal: Principal, shopId: string, input: UpdateShopDto): Promise<ShopView> {
    assertShopAccess(principal, shopId, 'manage');
    const shop = await this.require(shopId);
    if (input.name !== undefined) shop.name = input.name;
    if (input.timezone !== undefined) shop.timezone = input.timezone;
    if (input.distributionEnabled !== undefined) shop.distributionEnabled = input.distributionEnabled;
    for (const [key, value] of Object.entries(input.policy ?? {})) {
      if (value !== undefined) (shop as unknown as Record<string, number>)[key] = value;
    }
    return toShopView(await this.shops.save(shop));
  }

  async require(shopId: string): Promise<Shop> {
    const shop = await this.shops.findOneBy({ id: shopId });
    if (!shop) throw new ShopException('SHOP_NOT_FOUND', `No shop ${shopId}.`);
    return shop;
  }
}
