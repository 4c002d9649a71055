import { ApiProperty } from '@nestjs/swagger';
import { ListOf } from '../platform/openapi/api-responses.js';
import { MESSAGE_STATUSES } from './dto/webhook-endpoint.dto.js';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from './webhook-events.js';

/** A webhook endpoint as listed: never its secrets. */
export class WebhookEndpointView {
  @ApiProperty({ format: 'uuid', example: '8e2f4a6c-1b3d-4f5e-9a7b-0c1d2e3f4a5b' })
  id!: string;

  @ApiProperty({ example: 'https://oms.example.com/hooks/aftersales' })
  url!: string;

  @ApiProperty({ type: String, nullable: true, example: 'order system (production)' })
  description!: string | null;

  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, isArray: true, description: 'The event types it receives' })
  eventTypes!: WebhookEventType[];

  @ApiProperty({ description: 'A disabled endpoint gets no new events; its pending ones wait' })
  enabled!: boolean;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Until then the secret replaced by the last rotation signs too' })
  previousSecretExpiresAt!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

/** An endpoint just created or rotated: the only answers that carry its signing secret. */
export class WebhookEndpointWithSecret extends WebhookEndpointView {
  @ApiProperty({
    description: 'The Standard Webhooks signing secret (HMAC-SHA256). Shown in this response only.',
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  })
  secret!: string;
}

export class WebhookEndpointList extends ListOf(WebhookEndpointView) {}

/** One event on its way to one endpoint. */
export class WebhookMessageView {
  @ApiProperty({ description: 'The message id (a number, as a string)', example: '1024' })
  id!: string;

  @ApiProperty({
    format: 'uuid',
    description: 'The `webhook-id` header the receiver got; the same for every endpoint of one event',
    example: '5f0c1c9e-8d43-4d0e-9a55-0d2f2b1f6a71',
  })
  eventId!: string;

  @ApiProperty({ format: 'uuid' })
  endpointId!: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  caseId!: string | null;

  @ApiProperty({ example: 'refund.approved' })
  eventType!: string;

  @ApiProperty({ enum: MESSAGE_STATUSES, example: 'delivered' })
  status!: (typeof MESSAGE_STATUSES)[number];

  @ApiProperty({ example: 1 })
  attempts!: number;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When pending: the next attempt' })
  nextAttemptAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lastAttemptAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  deliveredAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  failedAt!: string | null;

  @ApiProperty({ type: 'integer', nullable: true, example: 200 })
  lastStatusCode!: number | null;

  @ApiProperty({ type: String, nullable: true, example: null })
  lastError!: string | null;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The JSON body POSTed: `{ type, timestamp, data }`',
    example: { type: 'refund.approved', timestamp: '2026-11-20T09:30:00.000Z', data: { caseId: '0b7c2f0e-3b8f-4a53-9d54-2f1f1e9b7a10', amount: 29900 } },
  })
  payload!: unknown;
}

export class WebhookAttemptView {
  @ApiProperty({ example: 1 })
  attempt!: number;

  @ApiProperty({ format: 'date-time' })
  startedAt!: string;

  @ApiProperty({ example: 84 })
  durationMs!: number;

  @ApiProperty({ type: 'integer', nullable: true, description: 'null when no response came', example: 200 })
  statusCode!: number | null;

  @ApiProperty({ type: String, nullable: true, example: null })
  error!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'The start of the receiver’s answer', example: 'ok' })
  responseBody!: string | null;
}

export class WebhookMessageDetail extends WebhookMessageView {
  @ApiProperty({ type: [WebhookAttemptView] })
  attemptLog!: WebhookAttemptView[];
}

export class WebhookMessagePage extends ListOf(WebhookMessageView) {
  @ApiProperty({ type: String, nullable: true, description: 'Pass back as `cursor` for older messages; null on the last page', example: null })
  nextCursor!: string | null;
}
