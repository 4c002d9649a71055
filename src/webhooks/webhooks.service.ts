import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { Clock } from '../common/clock/clock.js';
import { PaginationException } from '../common/pagination.js';
import type { CreateWebhookEndpointDto, ListMessagesDto, UpdateWebhookEndpointDto } from './dto/webhook-endpoint.dto.js';
import { WEBHOOK_EVENT_TYPES } from './webhook-events.js';
import { WebhookException } from './webhook.problems.js';
import { WebhooksRepository, type WebhookAttemptRow, type WebhookEndpointRow, type WebhookMessageRow } from './webhooks.repository.js';

/** A Standard Webhooks secret: `whsec_` and 24 random bytes in base64. */
function newSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

function endpointView(row: WebhookEndpointRow) {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: row.event_types,
    enabled: row.enabled,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function messageView(row: WebhookMessageRow) {
  return {
    id: row.id,
    eventId: row.event_id,
    endpointId: row.endpoint_id,
    caseId: row.case_id,
    eventType: row.event_type,
    status: row.status,
    attempts: row.attempts,
    createdAt: row.created_at.toISOString(),
    nextAttemptAt: row.status === 'pending' ? row.next_attempt_at.toISOString() : null,
    lastAttemptAt: row.last_attempt_at?.toISOString() ?? null,
    deliveredAt: row.delivered_at?.toISOString() ?? null,
    failedAt: row.failed_at?.toISOString() ?? null,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    payload: row.payload,
  };
}

function attemptView(row: WebhookAttemptRow) {
  return {
    attempt: row.attempt,
    startedAt: row.started_at.toISOString(),
    durationMs: row.duration_ms,
    statusCode: row.status_code,
    error: row.error,
    responseBody: row.response_body,
  };
}

/** Webhook endpoints of the caller's shop, their delivery log and redelivery. */
@Injectable()
export class WebhooksService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly webhooks: WebhooksRepository,
    private readonly clock: Clock,
  ) {}

  private get db() {
    return this.dataSource.manager;
  }

  async create(shopId: string, input: CreateWebhookEndpointDto) {
    const row = await this.webhooks.insertEndpoint(this.db, {
      shop_id: shopId,
      url: input.url,
      description: input.description ?? null,
      secret: newSecret(),
      event_types: input.eventTypes ?? [...WEBHOOK_EVENT_TYPES],
      created_at: this.clock.now(),
    });
    return { ...endpointView(row), secret: row.secret };
  }

  async list(shopId: string) {
    return { items: (await this.webhooks.listEndpoints(this.db, shopId)).map(endpointView) };
  }

  async get(shopId: string, id: string) {
    return endpointView(await this.requireEndpoint(shopId, id));
  }

  async update(shopId: string, id: string, input: UpdateWebhookEndpointDto) {
    const row = await this.webhooks.updateEndpoint(
      this.db,
      shopId,
      id,
      { url: input.url, description: input.description, event_types: input.eventTypes, enabled: input.enabled },
      this.clock.now(),
    );
    if (!row) throw new WebhookException('WEBHOOK_ENDPOINT_NOT_FOUND', `No webhook endpoint ${id}.`);
    return endpointView(row);
  }

  /** A new secret takes effect for the next attempt of every message, pending retries included. */
  async rotateSecret(shopId: string, id: string) {
    const row = await this.webhooks.updateEndpoint(this.db, shopId, id, { secret: newSecret() }, this.clock.now());
    if (!row) throw new WebhookException('WEBHOOK_ENDPOINT_NOT_FOUND', `No webhook endpoint ${id}.`);
    return { ...endpointView(row), secret: row.secret };
  }

  async remove(shopId: string, id: string): Promise<void> {
    if (!(await this.webhooks.deleteEndpoint(this.db, shopId, id))) {
      throw new WebhookException('WEBHOOK_ENDPOINT_NOT_FOUND', `No webhook endpoint ${id}.`);
    }
  }

  async messages(shopId: string, endpointId: string, query: ListMessagesDto) {
    await this.requireEndpoint(shopId, endpointId);
    if (query.cursor !== undefined && !/^\d{1,19}$/.test(query.cursor)) {
      throw new PaginationException('INVALID_CURSOR', 'Pass back the nextCursor of a previous page unchanged.');
    }
    const rows = await this.webhooks.listMessages(this.db, shopId, endpointId, { status: query.status, before: query.cursor, limit: query.limit + 1 });
    const page = rows.slice(0, query.limit);
    return { items: page.map(messageView), nextCursor: rows.length > query.limit ? page[page.length - 1].id : null };
  }

  async message(shopId: string, id: string) {
    const row = await this.requireMessage(shopId, id);
    return { ...messageView(row), attemptLog: (await this.webhooks.attempts(this.db, shopId, id)).map(attemptView) };
  }

  async redeliver(shopId: string, id: string) {
    await this.requireMessage(shopId, id);
    await this.webhooks.redeliver(this.db, shopId, id, this.clock.now());
    return messageView((await this.webhooks.findMessage(this.db, shopId, id))!);
  }

  private async requireEndpoint(shopId: string, id: string): Promise<WebhookEndpointRow> {
    const row = await this.webhooks.findEndpoint(this.db, shopId, id);
    if (!row) throw new WebhookException('WEBHOOK_ENDPOINT_NOT_FOUND', `No webhook endpoint ${id}.`);
    return row;
  }

  private async requireMessage(shopId: string, id: string): Promise<WebhookMessageRow> {
    const row = /^\d{1,18}$/.test(id) ? await this.webhooks.findMessage(this.db, shopId, id) : undefined;
    if (!row) throw new WebhookException('WEBHOOK_MESSAGE_NOT_FOUND', `No webhook message ${id}.`);
    return row;
  }
}
