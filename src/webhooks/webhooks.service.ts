import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { Clock } from '../platform/clock/clock.js';
import { isCursorField, PaginationException } from '../platform/cursor.js';
import { Environment } from '../platform/config/environment.js';
import type { RotateSecretDto } from './dto/rotate-secret.dto.js';
import type { CreateWebhookEndpointDto, ListMessagesDto, UpdateWebhookEndpointDto } from './dto/webhook-endpoint.dto.js';
import { WEBHOOK_EVENT_TYPES } from './webhook-events.js';
import { WebhookTargetPolicy } from './webhook-targets.js';
import { WebhookException, WebhookTargetProblem } from './webhook.problems.js';
import type {
  WebhookAttemptView,
  WebhookEndpointList,
  WebhookEndpointView,
  WebhookEndpointWithSecret,
  WebhookMessageDetail,
  WebhookMessagePage,
  WebhookMessageView,
} from './webhook.view.js';
import { WebhooksRepository, type WebhookAttemptRow, type WebhookEndpointRow, type WebhookMessageRow } from './webhooks.repository.js';

/** A Standard Webhooks secret: `whsec_` and 24 random bytes in base64. */
function newSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function endpointView(row: WebhookEndpointRow, now: Date): WebhookEndpointView {
  const overlapEnds = row.previous_secret_expires_at;
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: row.event_types,
    enabled: row.enabled,
    /** Until then the secret replaced by the last rotation signs too; null when it no longer does. */
    previousSecretExpiresAt: overlapEnds && overlapEnds > now ? overlapEnds.toISOString() : null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function messageView(row: WebhookMessageRow): WebhookMessageView {
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

function attemptView(row: WebhookAttemptRow): WebhookAttemptView {
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
    private readonly env: Environment,
    private readonly targets: WebhookTargetPolicy,
  ) {}

  private get db() {
    return this.dataSource.manager;
  }

  async create(shopId: string, input: CreateWebhookEndpointDto): Promise<WebhookEndpointWithSecret> {
    this.checkTarget(input.url);
    const row = await this.webhooks.insertEndpoint(this.db, {
      shop_id: shopId,
      url: input.url,
      description: input.description ?? null,
      secret: newSecret(),
      event_types: input.eventTypes ?? [...WEBHOOK_EVENT_TYPES],
      created_at: this.clock.now(),
    });
    return { ...endpointView(row, this.clock.now()), secret: row.secret };
  }

  async list(shopId: string): Promise<WebhookEndpointList> {
    const now = this.clock.now();
    return { items: (await this.webhooks.listEndpoints(this.db, shopId)).map((row) => endpointView(row, now)) };
  }

  async get(shopId: string, id: string): Promise<WebhookEndpointView> {
    return endpointView(await this.requireEndpoint(shopId, id), this.clock.now());
  }

  async update(shopId: string, id: string, input: UpdateWebhookEndpointDto): Promise<WebhookEndpointView> {
    if (input.url !== undefined) this.checkTarget(input.url);
    const row = await this.webhooks.updateEndpoint(
      this.db,
      shopId,
      id,
      { url: input.url, description: input.description, event_types: input.eventTypes, enabled: input.enabled },
      this.clock.now(),
    );
    if (!row) throw new WebhookException('WEBHOOK_ENDPOINT_NOT_FOUND', `No webhook endpoint ${id}.`);
    return endpointView(row, this.clock.now());
  }

  /**
   * A new secret signs the next attempt of every message, pending retries included. The replaced one keeps
   * signing beside it for the overlap (WEBHOOK_SECRET_OVERLAP_HOURS, or `overlapHours`), so receivers can
   * switch to the new secret any time within it without rejecting a single delivery.
   */
  async rotateSecret(shopId: string, id: string, input: RotateSecretDto = {}): Promise<WebhookEndpointWithSecret> {
    const now = this.clock.now();
    const overlapHours = input.overlapHours ?? this.env.WEBHOOK_SECRET_OVERLAP_HOURS;
    const previousUntil = overlapHours > 0 ? new Date(now.getTime() + overlapHours * 3_600_000) : null;
    const row = await this.webhooks.rotateSecret(this.db, shopId, id, newSecret(), now, previousUntil);
    if (!row) throw new WebhookException('WEBHOOK_ENDPOINT_NOT_FOUND', `No webhook endpoint ${id}.`);
    return { ...endpointView(row, now), secret: row.secret };
  }

  async remove(shopId: string, id: string): Promise<void> {
    if (!(await this.webhooks.deleteEndpoint(this.db, shopId, id))) {
      throw new WebhookException('WEBHOOK_ENDPOINT_NOT_FOUND', `No webhook endpoint ${id}.`);
    }
  }

  async messages(shopId: string, endpointId: string, query: ListMessagesDto): Promise<WebhookMessagePage> {
    await this.requireEndpoint(shopId, endpointId);
    if (query.cursor !== undefined && !isCursorField('bigint', query.cursor)) {
      throw new PaginationException('INVALID_CURSOR', 'Pass back the nextCursor of a previous page unchanged.');
    }
    const rows = await this.webhooks.listMessages(this.db, shopId, endpointId, { status: query.status, before: query.cursor, limit: query.limit + 1 });
    const page = rows.slice(0, query.limit);
    return { items: page.map(messageView), nextCursor: rows.length > query.limit ? page[page.length - 1].id : null };
  }

  async message(shopId: string, id: string): Promise<WebhookMessageDetail> {
    const row = await this.requireMessage(shopId, id);
    return { ...messageView(row), attemptLog: (await this.webhooks.attempts(this.db, shopId, id)).map(attemptView) };
  }

  /**
   * The message a receiver got with this `webhook-id`, with its attempts. One event goes to every endpoint
   * of the shop that subscribed to its type, all under the same id: then `endpointId` picks one.
   */
  async messageByWebhookId(shopId: string, webhookId: string, endpointId?: string): Promise<WebhookMessageDetail> {
    const rows = UUID.test(webhookId) ? await this.webhooks.findMessagesByEventId(this.db, shopId, webhookId, endpointId) : [];
    if (rows.length === 0) {
      throw new WebhookException(
        'WEBHOOK_MESSAGE_NOT_FOUND',
        `No webhook message with webhook-id ${webhookId}${endpointId ? ` for endpoint ${endpointId}` : ''}.`,
      );
    }
    if (rows.length > 1) {
      const endpointIds = rows.map((row) => row.endpoint_id);
      throw new WebhookException(
        'WEBHOOK_ID_AMBIGUOUS',
        `webhook-id ${webhookId} went to ${rows.length} endpoints; pass endpointId (one of ${endpointIds.join(', ')}).`,
        { endpointIds },
      );
    }
    return { ...messageView(rows[0]), attemptLog: (await this.webhooks.attempts(this.db, shopId, rows[0].id)).map(attemptView) };
  }

  async redeliver(shopId: string, id: string): Promise<WebhookMessageView> {
    await this.requireMessage(shopId, id);
    // The retention purge may have removed it since; then it is gone like any other.
    if (!(await this.webhooks.redeliver(this.db, shopId, id, this.clock.now()))) {
      throw new WebhookException('WEBHOOK_MESSAGE_NOT_FOUND', `No webhook message ${id}.`);
    }
    return messageView((await this.webhooks.findMessage(this.db, shopId, id))!);
  }

  private checkTarget(url: string): void {
    const problem = this.targets.registrationProblem(url);
    if (problem) throw new WebhookTargetProblem(problem);
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
