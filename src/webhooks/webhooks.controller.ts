import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam } from '@nestjs/swagger';
import { Allow, ShopCaller } from '../platform/auth/access.decorator.js';
import type { ShopPrincipal } from '../platform/auth/principal.js';
import { Idempotent } from '../platform/idempotency/idempotent.decorator.js';
import { ApiProblems } from '../platform/openapi/api-problems.js';
import { ApiTag } from '../platform/openapi/api-tags.js';
import { UuidParam } from '../platform/uuid-param.js';
import { MessageLookupDto } from './dto/message-lookup.dto.js';
import { RotateSecretDto } from './dto/rotate-secret.dto.js';
import { CreateWebhookEndpointDto, ListMessagesDto, UpdateWebhookEndpointDto } from './dto/webhook-endpoint.dto.js';
import { WebhooksService } from './webhooks.service.js';
import { WebhookException, WebhookTargetProblem } from './webhook.problems.js';
import {
  WebhookEndpointList,
  WebhookEndpointView,
  WebhookEndpointWithSecret,
  WebhookMessageDetail,
  WebhookMessagePage,
  WebhookMessageView,
} from './webhook.view.js';

const MESSAGE_ID = ApiParam({ name: 'messageId', description: 'The message id from the delivery log', example: '1024' });

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

/** `deadline.approaching`: the same case fields as every case event (no `event`: none caused it), plus the deadline. */
const DEADLINE_EXAMPLE = {
  type: 'deadline.approaching',
  timestamp: '2026-11-22T03:30:00.000Z',
  data: {
    caseId: '0b7c2f0e-3b8f-4a53-9d54-2f1f1e9b7a10',
    platform: 'tmall',
    platformCaseId: 'TB-RF-20261120-0001',
    caseType: 'refund',
    state: 'open.contact',
    version: 1,
    currency: 'CNY',
    requestedAmount: 29900,
    reservedAmount: 0,
    refundedAmount: 0,
    outcome: null,
    deadline: 'merchant-response',
    dueAt: '2026-11-22T09:30:00.000Z',
    orderId: '3921837712345678',
  },
};

@ApiTag('Webhooks')
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post('endpoints')
  @HttpCode(201)
  @Allow('integration', 'supervisor')
  @Idempotent()
  @ApiOperation({
    operationId: 'createWebhookEndpoint',
    summary: 'Add a webhook endpoint; the answer carries its signing secret',
    description:
      'Events are POSTed as JSON `{ type, timestamp, data }` signed per the Standard Webhooks spec (`webhook-id`, `webhook-timestamp`, ' +
      '`webhook-signature`: HMAC-SHA256 with the `whsec_` secret). Any 2xx within the timeout is a delivery; anything else is retried with ' +
      'exponential backoff for 24 h, then the message is failed. Events of one case arrive in order. The URL may not point at private, ' +
      'loopback, link-local or cloud metadata addresses unless the operator allowed them (WEBHOOK_ALLOWED_TARGETS): such a URL is ' +
      'refused with 422 here, and a host name that resolves to one is refused at every delivery. Example body:\n\n```json\n' +
      JSON.stringify(MESSAGE_EXAMPLE, null, 2) +
      '\n```\n\n`deadline.approaching` goes DEADLINE_WARNING_LEAD_MINUTES before the merchant-response and dispute-evidence ' +
      'deadlines, once per deadline and due time. Its `data` is the case as in every event (without `event`, as no event caused it) ' +
      'plus `deadline` (the timer) and `dueAt`:\n\n```json\n' +
      JSON.stringify(DEADLINE_EXAMPLE, null, 2) +
      '\n```',
  })
  @ApiBody({
    type: CreateWebhookEndpointDto,
    examples: {
      all: { value: { url: 'https://oms.example.com/hooks/aftersales', description: 'order system' } },
      money: { value: { url: 'https://pay.example.com/hooks/refunds', eventTypes: ['refund.approved', 'refund.auto_approved'] } },
    },
  })
  @ApiCreatedResponse({ type: WebhookEndpointWithSecret })
  @ApiProblems(WebhookTargetProblem, 'WEBHOOK_TARGET_NOT_ALLOWED')
  create(@ShopCaller() caller: ShopPrincipal, @Body() body: CreateWebhookEndpointDto): Promise<WebhookEndpointWithSecret> {
    return this.webhooks.create(caller.shopId, body);
  }

  @Get('endpoints')
  @Allow('integration', 'supervisor', 'auditor')
  @ApiOperation({ operationId: 'listWebhookEndpoints', summary: 'The shop’s webhook endpoints (without secrets)' })
  @ApiOkResponse({ type: WebhookEndpointList })
  list(@ShopCaller() caller: ShopPrincipal): Promise<WebhookEndpointList> {
    return this.webhooks.list(caller.shopId);
  }

  @Get('endpoints/:endpointId')
  @Allow('integration', 'supervisor', 'auditor')
  @ApiOperation({ operationId: 'getWebhookEndpoint', summary: 'One webhook endpoint' })
  @ApiOkResponse({ type: WebhookEndpointView })
  @ApiProblems(WebhookException, 'WEBHOOK_ENDPOINT_NOT_FOUND')
  get(@ShopCaller() caller: ShopPrincipal, @UuidParam('endpointId') endpointId: string): Promise<WebhookEndpointView> {
    return this.webhooks.get(caller.shopId, endpointId);
  }

  @Patch('endpoints/:endpointId')
  @Allow('integration', 'supervisor')
  @Idempotent()
  @ApiOperation({
    operationId: 'updateWebhookEndpoint',
    summary: 'Change an endpoint’s URL, event filter or description, or disable it (pending messages wait)',
  })
  @ApiBody({
    type: UpdateWebhookEndpointDto,
    examples: {
      disable: { summary: 'Stop deliveries for now (pending messages wait)', value: { enabled: false } },
      moneyOnly: { summary: 'Only money events', value: { eventTypes: ['refund.approved', 'refund.auto_approved'] } },
      move: { summary: 'A new URL', value: { url: 'https://oms.example.com/hooks/aftersales/v2', description: 'order system (new cluster)' } },
    },
  })
  @ApiOkResponse({ type: WebhookEndpointView })
  @ApiProblems(WebhookException, 'WEBHOOK_ENDPOINT_NOT_FOUND')
  @ApiProblems(WebhookTargetProblem, 'WEBHOOK_TARGET_NOT_ALLOWED')
  update(
    @ShopCaller() caller: ShopPrincipal,
    @UuidParam('endpointId') endpointId: string,
    @Body() body: UpdateWebhookEndpointDto,
  ): Promise<WebhookEndpointView> {
    return this.webhooks.update(caller.shopId, endpointId, body);
  }

  @Post('endpoints/:endpointId/rotate-secret')
  @HttpCode(200)
  @Allow('integration', 'supervisor')
  @Idempotent()
  @ApiOperation({
    operationId: 'rotateWebhookSecret',
    summary: 'Replace the signing secret; the answer carries the new one',
    description:
      'The replaced secret keeps signing beside the new one until `previousSecretExpiresAt` (WEBHOOK_SECRET_OVERLAP_HOURS, 24 h by ' +
      'default, or `overlapHours`): `webhook-signature` then holds two space-separated signatures and a receiver verifies with either ' +
      'secret, so it can switch any time within the overlap. Rotating again ends an earlier overlap at once. The body is optional.',
  })
  @ApiBody({
    type: RotateSecretDto,
    required: false,
    examples: { default: { value: {} }, twoDays: { value: { overlapHours: 48 } }, now: { value: { overlapHours: 0 } } },
  })
  @ApiOkResponse({ type: WebhookEndpointWithSecret })
  @ApiProblems(WebhookException, 'WEBHOOK_ENDPOINT_NOT_FOUND')
  rotate(@ShopCaller() caller: ShopPrincipal, @UuidParam('endpointId') endpointId: string, @Body() body: RotateSecretDto): Promise<WebhookEndpointWithSecret> {
    return this.webhooks.rotateSecret(caller.shopId, endpointId, body);
  }

  @Delete('endpoints/:endpointId')
  @HttpCode(204)
  @Allow('integration', 'supervisor')
  @ApiOperation({ operationId: 'deleteWebhookEndpoint', summary: 'Remove an endpoint with its messages and delivery log' })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiProblems(WebhookException, 'WEBHOOK_ENDPOINT_NOT_FOUND')
  async remove(@ShopCaller() caller: ShopPrincipal, @UuidParam('endpointId') endpointId: string): Promise<void> {
    await this.webhooks.remove(caller.shopId, endpointId);
  }

  @Get('endpoints/:endpointId/messages')
  @Allow('integration', 'supervisor', 'auditor')
  @ApiOperation({ operationId: 'listWebhookMessages', summary: 'Delivery log of an endpoint, newest first: status, attempts, last status code and error' })
  @ApiOkResponse({ type: WebhookMessagePage })
  @ApiProblems(WebhookException, 'WEBHOOK_ENDPOINT_NOT_FOUND')
  messages(@ShopCaller() caller: ShopPrincipal, @UuidParam('endpointId') endpointId: string, @Query() query: ListMessagesDto): Promise<WebhookMessagePage> {
    return this.webhooks.messages(caller.shopId, endpointId, query);
  }

  @Get('messages/:messageId')
  @Allow('integration', 'supervisor', 'auditor')
  @ApiOperation({
    operationId: 'getWebhookMessage',
    summary: 'One message with its payload and every attempt (time, duration, status code, error, start of the response)',
  })
  @MESSAGE_ID
  @ApiOkResponse({ type: WebhookMessageDetail, description: 'The message and its attempts' })
  @ApiProblems(WebhookException, 'WEBHOOK_MESSAGE_NOT_FOUND')
  message(@ShopCaller() caller: ShopPrincipal, @Param('messageId') messageId: string): Promise<WebhookMessageDetail> {
    return this.webhooks.message(caller.shopId, messageId);
  }

  @Get('messages/by-webhook-id/:webhookId')
  @Allow('integration', 'supervisor', 'auditor')
  @ApiOperation({
    operationId: 'findWebhookMessageByWebhookId',
    summary: 'The message a receiver got with this `webhook-id` header, with every attempt',
    description:
      'One event goes to every endpoint of the shop subscribed to its type under the same `webhook-id`; when it went to more than one, ' +
      'pass `endpointId` (otherwise 409 `WEBHOOK_ID_AMBIGUOUS` lists them). Messages purged after their retention answer 404.',
  })
  @ApiParam({ name: 'webhookId', description: 'The `webhook-id` header value', example: '5f0c1c9e-8d43-4d0e-9a55-0d2f2b1f6a71' })
  @ApiOkResponse({ type: WebhookMessageDetail, description: 'The message and its attempts' })
  @ApiProblems(WebhookException, 'WEBHOOK_MESSAGE_NOT_FOUND', 'WEBHOOK_ID_AMBIGUOUS')
  messageByWebhookId(
    @ShopCaller() caller: ShopPrincipal,
    @Param('webhookId') webhookId: string,
    @Query() query: MessageLookupDto,
  ): Promise<WebhookMessageDetail> {
    return this.webhooks.messageByWebhookId(caller.shopId, webhookId, query.endpointId);
  }

  @Post('messages/:messageId/redeliver')
  @HttpCode(202)
  @Allow('integration', 'supervisor')
  @Idempotent()
  @ApiOperation({ operationId: 'redeliverWebhookMessage', summary: 'Send a message again (delivered or failed): due now, with a new 24 h retry window' })
  @MESSAGE_ID
  @ApiAcceptedResponse({ type: WebhookMessageView, description: 'Queued: the message as it now stands (pending, due now)' })
  @ApiProblems(WebhookException, 'WEBHOOK_MESSAGE_NOT_FOUND')
  redeliver(@ShopCaller() caller: ShopPrincipal, @Param('messageId') messageId: string): Promise<WebhookMessageView> {
    return this.webhooks.redeliver(caller.shopId, messageId);
  }
}
