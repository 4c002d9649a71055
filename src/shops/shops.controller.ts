import { Body, Controller, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, ANY_AGENT, CurrentPrincipal } from '../common/auth/access.decorator.js';
import type { Principal } from '../common/auth/principal.js';
import { PageQueryDto } from '../common/pagination.js';
import { UuidParam } from '../common/uuid-param.js';
import { CreateShopDto } from './dto/create-shop.dto.js';
import { UpdateShopDto } from './dto/update-shop.dto.js';
import { ShopsService } from './shops.service.js';

@ApiTags('shops')
@Controller('v1/shops')
export class ShopsController {
  constructor(private readonly shops: ShopsService) {}

  @Post()
  @HttpCode(201)
  @Allow('admin')
  @ApiOperation({ summary: 'Create a shop (tenant) with its after-sales policy' })
  create(@Body() body: CreateShopDto) {
    return this.shops.create(body);
  }

  @Get()
  @Allow('admin', 'integration', ...ANY_AGENT)
  @ApiOperation({ summary: 'List shops: all of them for the admin, the own shop for everybody else' })
  list(@CurrentPrincipal() principal: Principal, @Query() page: PageQueryDto) {
    return this.shops.list(principal, page);
  }

  @Get(':shopId')
  @Allow('admin', 'integration', ...ANY_AGENT)
  @ApiOperation({ summary: 'Get a shop and its policy' })
  get(@CurrentPrincipal() principal: Principal, @UuidParam('shopId') shopId: string) {
    return this.shops.get(principal, shopId);
  }

  @Patch(':shopId')
  @Allow('admin', 'supervisor')
  @ApiOperation({ summary: 'Edit a shop: name, time zone, policy windows' })
  update(@CurrentPrincipal() principal: Principal, @UuidParam('shopId') shopId: string, @Body() body: UpdateShopDto) {
    return this.shops.update(principal, shopId, body);
  }
}
