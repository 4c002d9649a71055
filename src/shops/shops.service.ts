import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Principal } from '../platform/auth/principal.js';
import { decodeCursor, toPage, type Page, type PageQueryDto } from '../platform/pagination.js';
import { isUniqueViolation } from '../platform/database/pg-errors.js';
import { Transactions } from '../platform/database/transactions.js';
import type { CreateShopDto } from './dto/create-shop.dto.js';
import { ShopPolicyDto } from './dto/shop-policy.dto.js';
import type { UpdateShopDto } from './dto/update-shop.dto.js';
import { assertShopAccess } from './shop-access.js';
import type { Shop } from './shop.record.js';
import { ShopSetup } from './shop-setup.js';
import { ShopException } from './shop.problems.js';
import { toShopView, type ShopView } from './shop.view.js';
import { ShopsRepository } from './shops.repository.js';

@Injectable()
export class ShopsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
    private readonly shops: ShopsRepository,
    private readonly setup: ShopSetup,
  ) {}

  async create(input: CreateShopDto): Promise<ShopView> {
    const policy = Object.assign(new ShopPolicyDto(), input.policy ?? {});
    try {
      // A new shop starts with what the features set up for it (the default canned replies), in the same transaction.
      const shop = await this.transactions.run(async (tx) => {
        const inserted = await this.shops.insert(tx, {
          slug: input.slug,
          name: input.name,
          platform: input.platform,
          timezone: input.timezone ?? 'Asia/Shanghai',
          distributionEnabled: input.distributionEnabled ?? false,
          merchantResponseHours: policy.merchantResponseHours,
          buyerReturnShippingDays: policy.buyerReturnShippingDays,
          merchantReceiptDays: policy.merchantReceiptDays,
          disputeEvidenceHours: policy.disputeEvidenceHours,
          buyerEscalationDays: policy.buyerEscalationDays,
        });
        await this.setup.runIn(tx, inserted.id);
        return inserted;
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
    const rows = await this.shops.list(this.dataSource.manager, {
      onlyShopId: principal.kind === 'admin' ? undefined : principal.shopId,
      after: decodeCursor(page.cursor),
      limit: page.limit + 1,
    });
    return toPage(rows, page.limit, (s) => ({ at: s.createdAt.toISOString(), id: s.id }), toShopView);
  }

  async get(principal: Principal, shopId: string): Promise<ShopView> {
    assertShopAccess(principal, shopId, 'read');
    return toShopView(await this.require(shopId));
  }

  async update(principal: Principal, shopId: string, input: UpdateShopDto): Promise<ShopView> {
    assertShopAccess(principal, shopId, 'manage');
    const shop = await this.shops.update(this.dataSource.manager, shopId, {
      name: input.name,
      timezone: input.timezone,
      distributionEnabled: input.distributionEnabled,
      merchantResponseHours: input.policy?.merchantResponseHours,
      buyerReturnShippingDays: input.policy?.buyerReturnShippingDays,
      merchantReceiptDays: input.policy?.merchantReceiptDays,
      disputeEvidenceHours: input.policy?.disputeEvidenceHours,
      buyerEscalationDays: input.policy?.buyerEscalationDays,
    });
    if (!shop) throw new ShopException('SHOP_NOT_FOUND', `No shop ${shopId}.`);
    return toShopView(shop);
  }

  async require(shopId: string): Promise<Shop> {
    const shop = await this.shops.find(this.dataSource.manager, shopId);
    if (!shop) throw new ShopException('SHOP_NOT_FOUND', `No shop ${shopId}.`);
    return shop;
  }
}
