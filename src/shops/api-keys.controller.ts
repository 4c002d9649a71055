import { Body, Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, CurrentPrincipal } from '../common/auth/access.decorator.js';
import type { Principal } from '../common/auth/principal.js';
import { UuidParam } from '../common/uuid-param.js';
import { ApiKeysService } from './api-keys.service.js';
import { CreateApiKeyDto } from './dto/create-api-key.dto.js';

@ApiTags('api keys')
@Controller('v1/shops/:shopId/api-keys')
@Allow('admin', 'supervisor')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create an integration API key; the key is in this response only' })
  create(@CurrentPrincipal() principal: Principal, @UuidParam('shopId') shopId: string, @Body() body: CreateApiKeyDto) {
    return this.apiKeys.create(principal, shopId, body.name);
  }

  @Get()
  @ApiOperation({ summary: 'List the shop’s API keys (prefixes only)' })
  list(@CurrentPrincipal() principal: Principal, @UuidParam('shopId') shopId: string) {
    return this.apiKeys.list(principal, shopId);
  }

  @Delete(':keyId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key' })
  async revoke(@CurrentPrincipal() principal: Principal, @UuidParam('shopId') shopId: string, @UuidParam('keyId') keyId: string) {
    await this.apiKeys.revoke(principal, shopId, keyId);
  }
}
