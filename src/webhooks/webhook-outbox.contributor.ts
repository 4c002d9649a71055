import { Injectable, type OnModuleInit } from '@nestjs/common';
import { CaseChangeContributors, type CaseChangeContributor, type CaseStep, type CaseWrite } from '../cases/case-change.js';
import { webhookEventsOf, type OutboxEvent } from './webhook-events.js';

/**
 * Webhook events as outbox rows: each event fanned out to the shop's enabled endpoints subscribed to its
 * type, in delivery order, with the order system's own order id added to `data.orderId`.
 */
export function outboxWrite(events: readonly OutboxEvent[]): CaseWrite {
  return {
    rows: events.map((e, ord) => ({
      ord,
      event_id: e.eventId,
      shop_id: e.shopId,
      case_id: e.caseId,
      order_id: e.orderId,
      type: e.type,
      ts: e.timestamp,
      data: e.data,
    })),
    sql: (from) => `INSERT INTO webhook_messages (event_id, shop_id, endpoint_id, case_id, event_type, payload, created_at, retry_from, next_attempt_at)
        SELECT e.event_id, e.shop_id, w.id, e.case_id, e.type,
          json_build_object('type', e.type, 'timestamp', e.ts, 'data', e.data || jsonb_build_object('orderId', o.external_order_id)),
          e.ts::timestamptz, e.ts::timestamptz, e.ts::timestamptz
        FROM ${from('ord int, event_id uuid, shop_id uuid, case_id uuid, order_id uuid, type text, ts text, data jsonb')} e
        JOIN webhook_endpoints w ON w.shop_id = e.shop_id AND w.enabled AND e.type = ANY (w.event_types)
        JOIN orders o ON o.id = e.order_id
        ORDER BY e.ord, w.id
        RETURNING 1`,
  };
}

/** Writes the webhook events of every case change to the outbox, in the change's transaction. */
@Injectable()
export class WebhookOutboxContributor implements CaseChangeContributor, OnModuleInit {
  constructor(private readonly contributors: CaseChangeContributors) {}

  onModuleInit(): void {
    this.contributors.register(this);
  }

  contribute(steps: readonly CaseStep[]): CaseWrite[] {
    const events = steps.flatMap((s) => webhookEventsOf(s.fromState === null ? null : s.before, s.after, s.event, s.at));
    return [outboxWrite(events)];
  }
}
