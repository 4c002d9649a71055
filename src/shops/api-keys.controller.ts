import { Body, Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { Allow, CurrentPrincipal } from '../platform/auth/access.decorator.js';
import type { Principal } from '../platform/auth/principal.js';
import { ApiProblems } from '../platform/openapi/api-problems.js';
import { ApiTag } from '../platform/openapi/api-tags.js';
import { UuidParam } from '../platform/uuid-param.js';
import { ApiKeyView, CreatedApiKey } from './api-key.view.js';
import { ApiKeysService } from './api-keys.service.js';
import { CreateApiKeyDto } from './dto/create-api-key.dto.js';
import { ShopException } from './shop.problems.js';

@ApiTag('Shops and API keys')
@Controller('v1/shops/:shopId/api-keys')
@Allow('admin', 'supervisor')
@ApiProblems(ShopException, 'SHOP_NOT_FOUND')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ operationId: 'createApiKey', summary: 'Create an integration API key; the key is in this response only' })
  @ApiBody({ type: CreateApiKeyDto, examples: { orderSystem: { summary: 'The order system’s production key', value: { name: 'order-system production' } } } })
  @ApiCreatedResponse({
    type: CreatedApiKey,
    example: {
      id: '2c9d4e1f-7a3b-4c5d-8e6f-9a0b1c2d3e4f',
      shopId: '5b1e7f3a-8c2d-4e9f-a1b0-c3d4e5f60718',
      name: 'order-system production',
      prefix: 'ak_1a2b3c4d',
      createdAt: '2026-11-01T08:00:00.000Z',
      lastUsedAt: null,
      revokedAt: null,
      key: 'ak_1a2b3c4d_Vx3kQ9mZpL2rT8wYb6nC4dF7gH1jK5sA0eU2iO9qWzE',
    },
  })
  create(@CurrentPrincipal() principal: Principal, @UuidParam('shopId') shopId: string, @Body() body: CreateApiKeyDto): Promise<CreatedApiKey> {
    return this.apiKeys.create(principal, shopId, body.name);
  }

  @Get()
  @ApiOperation({ operationId: 'listApiKeys', summary: 'List the shop’s API keys (prefixes only)' })
  @ApiOkResponse({ type: [ApiKeyView] })
  list(@CurrentPrincipal() principal: Principal, @UuidParam('shopId') shopId: string): Promise<ApiKeyView[]> {
    return this.apiKeys.list(principal, shopId);
  }

  @Delete(':keyId')
  @HttpCode(204)
  @ApiOperation({ operationId: 'revokeApiKey', summary: 'Revoke an API key' })
  @ApiNoContentResponse({ description: 'Revoked (also when it already was)' })
  @ApiProblems(ShopException, 'API_KEY_NOT_FOUND')
  async revoke(@CurrentPrincipal() principal: Principal, @UuidParam('shopId') shopId: string, @UuidParam('keyId') keyId: string): Promise<void> {
    await this.apiKeys.revoke(principal, shopId, keyId);
  }
}
