import { Body, Controller, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { Allow, ANY_AGENT, CurrentPrincipal } from '../platform/auth/access.decorator.js';
import type { Principal } from '../platform/auth/principal.js';
import { ApiProblems } from '../platform/openapi/api-problems.js';
import { ApiTag } from '../platform/openapi/api-tags.js';
import { PageQueryDto } from '../platform/pagination.js';
import { UuidParam } from '../platform/uuid-param.js';
import { CreateShopDto } from './dto/create-shop.dto.js';
import { UpdateShopDto } from './dto/update-shop.dto.js';
import { ShopException } from './shop.problems.js';
import { ShopPage, ShopView } from './shop.view.js';
import { ShopsService } from './shops.service.js';

@ApiTag('Shops and API keys')
@Controller('v1/shops')
export class ShopsController {
  constructor(private readonly shops: ShopsService) {}

  @Post()
  @HttpCode(201)
  @Allow('admin')
  @ApiOperation({ operationId: 'createShop', summary: 'Create a shop (tenant) with its after-sales policy' })
  @ApiBody({
    type: CreateShopDto,
    examples: {
      tmall: {
        summary: 'A Tmall flagship store with the default windows',
        value: { slug: 'acme-tmall', name: 'ACME 官方旗舰店', platform: 'tmall', timezone: 'Asia/Shanghai' },
      },
      pinduoduo: {
        summary: 'A Pinduoduo shop with its own windows and distribution (分流) on',
        value: {
          slug: 'acme-pdd',
          name: 'ACME 拼多多店',
          platform: 'pinduoduo',
          policy: { merchantResponseHours: 48, buyerReturnShippingDays: 7, merchantReceiptDays: 10, disputeEvidenceHours: 72, buyerEscalationDays: 7 },
          distributionEnabled: true,
        },
      },
    },
  })
  @ApiCreatedResponse({ type: ShopView, description: 'The shop, with the default canned replies' })
  @ApiProblems(ShopException, 'SHOP_SLUG_TAKEN')
  create(@Body() body: CreateShopDto): Promise<ShopView> {
    return this.shops.create(body);
  }

  @Get()
  @Allow('admin', 'integration', ...ANY_AGENT)
  @ApiOperation({ operationId: 'listShops', summary: 'List shops: all of them for the admin, the own shop for everybody else' })
  @ApiOkResponse({ type: ShopPage })
  list(@CurrentPrincipal() principal: Principal, @Query() page: PageQueryDto): Promise<ShopPage> {
    return this.shops.list(principal, page);
  }

  @Get(':shopId')
  @Allow('admin', 'integration', ...ANY_AGENT)
  @ApiOperation({ operationId: 'getShop', summary: 'Get a shop and its policy' })
  @ApiOkResponse({ type: ShopView })
  @ApiProblems(ShopException, 'SHOP_NOT_FOUND')
  get(@CurrentPrincipal() principal: Principal, @UuidParam('shopId') shopId: string): Promise<ShopView> {
    return this.shops.get(principal, shopId);
  }

  @Patch(':shopId')
  @Allow('admin', 'supervisor')
  @ApiOperation({ operationId: 'updateShop', summary: 'Edit a shop: name, time zone, policy windows' })
  @ApiBody({
    type: UpdateShopDto,
    examples: {
      rename: { summary: 'A new name', value: { name: 'ACME 官方旗舰店（双十一）' } },
      windows: { summary: 'Longer evidence window, distribution on', value: { policy: { disputeEvidenceHours: 72 }, distributionEnabled: true } },
    },
  })
  @ApiOkResponse({ type: ShopView })
  @ApiProblems(ShopException, 'SHOP_NOT_FOUND')
  update(@CurrentPrincipal() principal: Principal, @UuidParam('shopId') shopId: string, @Body() body: UpdateShopDto): Promise<ShopView> {
    return this.shops.update(principal, shopId, body);
  }
}
