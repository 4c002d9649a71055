import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Allow, ShopCaller } from '../common/auth/access.decorator.js';
import type { ShopPrincipal } from '../common/auth/principal.js';
import { Idempotent } from '../common/idempotency/idempotent.decorator.js';
import { UuidParam } from '../common/uuid-param.js';
import { MessageLookupDto } from './dto/message-lookup.dto.js';
import { RotateSecretDto } from './dto/rotate-secret.dto.js';
import { CreateWebhookEndpointDto, ListMessagesDto, UpdateWebhookEndpointDto } from './dto/webhook-endpoint.dto.js';
import { WebhooksService } from './webhooks.service.js';

const MESSAGE_EXAMPLE = {
  type: 'refund.approved',
  timestamp: '2026-11-20T09:30:00.000Z',
  data: {
    caseId: '0b7c2f0e-3b8f-4a53-9d54-2f1f1e9b7a10',
    platform: 'tmall',
    platformCaseId: 'TB-RF-20261120-0001',
    caseType: 'refund',
    state: 'followUp.refunding',
    version: 3,
    currency: 'CNY',
    requestedAmount: 29900,
    reservedAmount: 29900,
    refundedAmount: 0,
    outcome: null,
    event: 'PROPOSE',
    previousState: 'open.verify',
    amount: 29900,
    approvedVia: 'merchant',
    orderId: '3921837712345678',
  },
};

@ApiTags('webhooks')
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post('endpoints')
  @HttpCode(201)
  @Allow('integration', 'supervisor')
  @Idempotent()
  @ApiOperation({
    summary: 'Add a webhook endpoint; the answer carries its signing secret',
    description:
      'Events are POSTed as JSON `{ type, timestamp, data }` signed per the Standard Webhooks spec (`webhook-id`, `webhook-timestamp`, ' +
      '`webhook-signature`: HMAC-SHA256 with the `whsec_` secret). Any 2xx within the timeout is a delivery; anything else is retried with ' +
      'exponential backoff for 24 h, then the message is failed. Events of one case arrive in order. The URL may not point at private, ' +
      'loopback, link-local or cloud metadata addresses unless the operator allowed them (WEBHOOK_ALLOWED_TARGETS): such a URL is ' +
      'refused with 422 here, and a host name that resolves to one is refused at every delivery. Example body:\n\n```json\n' +
      JSON.stringify(MESSAGE_EXAMPLE, null, 2) +
      '\n```',
  })
  @ApiBody({
    type: CreateWebhookEndpointDto,
    examples: {
      all: { value: { url: 'https://oms.example.com/hooks/aftersales', description: 'order system' } },
      money: { value: { url: 'https://pay.example.com/hooks/refunds', eventTypes: ['refund.approved', 'refund.auto_approved'] } },
    },
  })
  create(@ShopCaller() caller: ShopPrincipal, @Body() body: CreateWebhookEndpointDto) {
    return this.webhooks.create(caller.shopId, body);
  }

  @Get('endpoints')
  @Allow('integration', 'supervisor', 'auditor')
  @ApiOperation({ summary: 'The shop’s webhook endpoints (without secrets)' })
  list(@ShopCaller() caller: ShopPrincipal) {
    return this.webhooks.list(caller.shopId);
  }

  @Get('endpoints/:endpointId')
  @Allow('integration', 'supervisor', 'auditor')
  @ApiOperation({ summary: 'One webhook endpoint' })
  get(@ShopCaller() caller: ShopPrincipal, @UuidParam('endpointId') endpointId: string) {
    return this.webhooks.get(caller.shopId, endpointId);
  }

  @Patch('endpoints/:endpointId')
  @Allow('integration', 'supervisor')
  @Idempotent()
  @ApiOperation({ summary: 'Change an endpoint’s URL, event filter or description, or disable it (pending messages wait)' })
  update(@ShopCaller() caller: ShopPrincipal, @UuidParam('endpointId') endpointId: string, @Body() body: UpdateWebhookEndpointDto) {
    return this.webhooks.update(caller.shopId, endpointId, body);
  }

  @Post('endpoints/:endpointId/rotate-secret')
  @HttpCode(200)
  @Allow('integration', 'supervisor')
  @Idempotent()
  @ApiOperation({
    summary: 'Replace the signing secret; the answer carries the new one',
    description:
      'The replaced secret keeps signing beside the new one until `previousSecretExpiresAt` (WEBHOOK_SECRET_OVERLAP_HOURS, 24 h by ' +
      'default, or `overlapHours`): `webhook-signature` then holds two space-separated signatures and a receiver verifies with either ' +
      'secret, so it can switch any time within the overlap. Rotating again ends an earlier overlap at once. The body is optional.',
  })
  @ApiBody({ type: RotateSecretDto, required: false, examples: { default: { value: {} }, twoDays: { value: { overlapHours: 48 } }, now: { value: { overlapHours: 0 } } } })
  rotate(@ShopCaller() caller: ShopPrincipal, @UuidParam('endpointId') endpointId: string, @Body() body: RotateSecretDto) {
    return this.webhooks.rotateSecret(caller.shopId, endpointId, body);
  }

  @Delete('endpoints/:endpointId')
  @HttpCode(204)
  @Allow('integration', 'supervisor')
  @ApiOperation({ summary: 'Remove an endpoint with its messages and delivery log' })
  async remove(@ShopCaller() caller: ShopPrincipal, @UuidParam('endpointId') endpointId: string) {
    await this.webhooks.remove(caller.shopId, endpointId);
  }

  @Get('endpoints/:endpointId/messages')
  @Allow('integration', 'supervisor', 'auditor')
  @ApiOperation({ summary: 'Delivery log of an endpoint, newest first: status, attempts, last status code and error' })
  messages(@ShopCaller() caller: ShopPrincipal, @UuidParam('endpointId') endpointId: string, @Query() query: ListMessagesDto) {
    return this.webhooks.messages(caller.shopId, endpointId, query);
  }

  @Get('messages/:messageId')
  @Allow('integration', 'supervisor', 'auditor')
  @ApiOperation({ summary: 'One message with its payload and every attempt (time, duration, status code, error, start of the response)' })
  @ApiOkResponse({ description: 'The message and its attempts' })
  message(@ShopCaller() caller: ShopPrincipal, @Param('messageId') messageId: string) {
    return this.webhooks.message(caller.shopId, messageId);
  }

  @Get('messages/by-webhook-id/:webhookId')
  @Allow('integration', 'supervisor', 'auditor')
  @ApiOperation({
    summary: 'The message a receiver got with this `webhook-id` header, with every attempt',
    description:
      'One event goes to every endpoint of the shop subscribed to its type under the same `webhook-id`; when it went to more than one, ' +
      'pass `endpointId` (otherwise 409 `WEBHOOK_ID_AMBIGUOUS` lists them). Messages purged after their retention answer 404.',
  })
  @ApiParam({ name: 'webhookId', description: 'The `webhook-id` header value', example: '5f0c1c9e-8d43-4d0e-9a55-0d2f2b1f6a71' })
  @ApiOkResponse({ description: 'The message and its attempts' })
  messageByWebhookId(@ShopCaller() caller: ShopPrincipal, @Param('webhookId') webhookId: string, @Query() query: MessageLookupDto) {
    return this.webhooks.messageByWebhookId(caller.shopId, webhookId, query.endpointId);
  }

  @Post('messages/:messageId/redeliver')
  @HttpCode(202)
  @Allow('integration', 'supervisor')
  @Idempotent()
  @ApiOperation({ summary: 'Send a message again (delivered or failed): due now, with a new 24 h retry window' })
  redeliver(@ShopCaller() caller: ShopPrincipal, @Param('messageId') messageId: string) {
    return this.webhooks.redeliver(caller.shopId, messageId);
  }
}
