import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Webhook } from 'standardwebhooks';
import type { DataSource } from 'typeorm';
import { Clock } from '../platform/clock/clock.js';
import { Environment } from '../platform/config/environment.js';
import { nextAttemptAt } from './webhook-retry.js';
import { WebhookSender, type AttemptOutcome } from './webhook-sender.js';
import { WebhookTargetPolicy } from './webhook-targets.js';

export interface DispatchResult {
  /** deadline.approaching events written (one per deadline, fanned out to endpoints). */
  warned: number;
  claimed: number;
  delivered: number;
  retrying: number;
  failed: number;
}

interface ClaimedMessage {
  id: string;
  event_id: string;
  payload: string;
  attempts: number;
  retry_from: Date;
  url: string;
  secret: string;
  /** Still inside its rotation overlap (see WebhooksService.rotateSecret); null otherwise. */
  previous_secret: string | null;
}

/** The deadlines the order system is warned about before they pass. */
export const WARNED_TIMERS = ['merchant-response', 'dispute-evidence'];

/**
 * Delivers the webhook outbox. Every instance runs one; they share the work through `SKIP LOCKED`.
 *
 * A message is claimed in a short statement that counts the attempt and leases it (pushes its next
 * attempt past the request timeout), then sent with no transaction open, then its result is recorded.
 * A process that dies mid-request leaves the message to be retried when the lease ends: delivery is at
 * least once, and receivers deduplicate on `webhook-id`. Only the oldest pending message of a case
 * and endpoint is ever claimed, so each endpoint gets a case's events in order; a message that keeps
 * failing holds back the later ones of its case (not of other cases) until it is delivered or failed.
 *
 * A target the address policy refuses (see WebhookTargetPolicy) is an attempt that failed before any
 * byte was sent, retried on the usual schedule: the usual fix is an allow-list entry or a new URL, and
 * then the waiting messages go out by themselves, in order, with nothing to redeliver by hand. The
 * retry window still bounds it, after which the message is failed with the refusal as its last error.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WebhookDispatcher.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;
  private readonly sender: WebhookSender;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly env: Environment,
    targets: WebhookTargetPolicy,
  ) {
    this.sender = new WebhookSender(targets, env.WEBHOOK_TIMEOUT_MS);
  }

  onApplicationBootstrap(): void {
    if (this.env.WEBHOOK_DISPATCHER_ENABLED) this.schedule(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    this.sender.close();
  }

  /** Writes due deadline warnings, then claims and delivers one batch. */
  async runOnce(): Promise<DispatchResult> {
    const warned = await this.warnDeadlines();
    const claimed = await this.claim();
    const outcomes = await Promise.all(claimed.map((message) => this.deliver(message)));
    const result: DispatchResult = { warned, claimed: claimed.length, delivered: 0, retrying: 0, failed: 0 };
    for (const outcome of outcomes) result[outcome]++;
    return result;
  }

  /** Runs until nothing is due (tests): one message per case and endpoint goes per round. */
  async drain(): Promise<DispatchResult> {
    const total: DispatchResult = { warned: 0, claimed: 0, delivered: 0, retrying: 0, failed: 0 };
    for (;;) {
      const round = await this.runOnce();
      for (const key of Object.keys(total) as Array<keyof DispatchResult>) total[key] += round[key];
      if (round.claimed === 0 && round.warned === 0) return total;
    }
  }

  /**
   * Marks deadlines that pass within the lead time as warned and writes a `deadline.approaching` event for
   * each to the endpoints that want it, in one statement. A deadline already past is the sweeper's.
   */
  private async warnDeadlines(): Promise<number> {
    const now = this.clock.now();
    const horizon = new Date(now.getTime() + this.env.DEADLINE_WARNING_LEAD_MINUTES * 60_000);
    const rows: Array<{ n: number }> = await this.dataSource.query(
      `WITH due AS (
         SELECT t.case_id, t.timer_id FROM case_timers t
         WHERE t.warned_at IS NULL AND t.timer_id = ANY ($4) AND t.due_at <= $2 AND t.due_at > $1
         ORDER BY t.due_at LIMIT $3
         FOR UPDATE SKIP LOCKED),
       marked AS (
         UPDATE case_timers t SET warned_at = $1 FROM due
         WHERE t.case_id = due.case_id AND t.timer_id = due.timer_id
         RETURNING t.case_id, t.timer_id, t.due_at),
       warning AS MATERIALIZED (
         SELECT m.*, gen_random_uuid() AS event_id FROM marked m),
       sent AS (
         INSERT INTO webhook_messages (event_id, shop_id, endpoint_id, case_id, event_type, payload, created_at, retry_from, next_attempt_at)
         SELECT g.event_id, c.shop_id, w.id, c.id, 'deadline.approaching',
           json_build_object('type', 'deadline.approaching', 'timestamp', $5::text, 'data', json_build_object(
             'caseId', c.id, 'platform', c.platform, 'platformCaseId', c.platform_case_id, 'caseType', c.type, 'state', c.state,
             'version', c.version, 'currency', c.currency, 'requestedAmount', c.requested_amount, 'orderId', o.external_order_id,
             'deadline', g.timer_id, 'dueAt', to_char(g.due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))),
           $1, $1, $1
         FROM warning g
         JOIN cases c ON c.id = g.case_id
         JOIN orders o ON o.id = c.order_id
         JOIN webhook_endpoints w ON w.shop_id = c.shop_id AND w.enabled AND 'deadline.approaching' = ANY (w.event_types)
         ORDER BY g.due_at, g.case_id, w.id
         RETURNING 1)
       SELECT count(*)::int AS n FROM warning`,
      [now, horizon, 500, WARNED_TIMERS, now.toISOString()],
    );
    return rows[0].n;
  }

  private async claim(): Promise<ClaimedMessage[]> {
    const now = this.clock.now();
    const leaseUntil = new Date(now.getTime() + this.env.WEBHOOK_TIMEOUT_MS + 30_000);
    // An UPDATE answers [rows, count].
    const [rows]: [ClaimedMessage[], number] = await this.dataSource.query(
      `WITH due AS (
         SELECT m.id FROM webhook_messages m
         JOIN webhook_endpoints w ON w.id = m.endpoint_id AND w.enabled
         WHERE m.status = 'pending' AND m.next_attempt_at <= $1
           AND NOT EXISTS (
             SELECT 1 FROM webhook_messages p
             WHERE p.endpoint_id = m.endpoint_id AND p.case_id = m.case_id AND p.status = 'pending' AND p.id < m.id)
         ORDER BY m.next_attempt_at, m.id
         LIMIT $2
         FOR UPDATE OF m SKIP LOCKED)
       UPDATE webhook_messages m SET attempts = m.attempts + 1, last_attempt_at = $1, next_attempt_at = $3,
         retry_from = CASE WHEN m.attempts = 0 THEN $1 ELSE m.retry_from END
       FROM due, webhook_endpoints w
       WHERE m.id = due.id AND w.id = m.endpoint_id
       RETURNING m.id::text AS id, m.event_id, m.payload::text AS payload, m.attempts, m.retry_from, w.url, w.secret,
         CASE WHEN w.previous_secret_expires_at > $1 THEN w.previous_secret END AS previous_secret`,
      [now, this.env.WEBHOOK_BATCH, leaseUntil],
    );
    return rows;
  }

  private async deliver(message: ClaimedMessage): Promise<'delivered' | 'retrying' | 'failed'> {
    const startedAt = this.clock.now();
    const outcome = await this.send(message);
    const now = this.clock.now();
    const ok = outcome.statusCode !== null && outcome.statusCode >= 200 && outcome.statusCode < 300;
    const retryAt = ok
      ? null
      : nextAttemptAt({
          now,
          retryFrom: new Date(message.retry_from),
          attempts: message.attempts,
          baseMs: this.env.WEBHOOK_RETRY_BASE_SECONDS * 1000,
          windowMs: this.env.WEBHOOK_RETRY_HOURS * 3_600_000,
        });
    const status = ok ? 'delivered' : retryAt ? 'pending' : 'failed';
    const error = ok ? null : (outcome.error ?? `HTTP ${outcome.statusCode}`);
    await this.dataSource.query(
      `WITH m AS (
         UPDATE webhook_messages SET status = $2, next_attempt_at = COALESCE($3, next_attempt_at),
           delivered_at = CASE WHEN $2 = 'delivered' THEN $4::timestamptz END,
           failed_at = CASE WHEN $2 = 'failed' THEN $4::timestamptz END,
           last_status_code = $5, last_error = $6
         WHERE id = $1 RETURNING id, shop_id)
       INSERT INTO webhook_attempts (message_id, shop_id, attempt, started_at, duration_ms, status_code, error, response_body)
       SELECT m.id, m.shop_id, $7, $8, $9, $5, $6, $10 FROM m`,
      [message.id, status, retryAt, now, outcome.statusCode, error, message.attempts, startedAt, outcome.durationMs, outcome.responseBody],
    );
    if (outcome.refused) this.logger.warn({ messageId: message.id, url: message.url, error }, 'webhook target refused');
    if (status === 'failed') this.logger.warn({ messageId: message.id, url: message.url, error }, 'webhook message failed for good');
    return status === 'pending' ? 'retrying' : status;
  }

  /**
   * One signed POST. During a rotation overlap both secrets sign: Standard Webhooks receivers accept a
   * message when any of the space-separated signatures matches, so one still holding the old secret and
   * one already on the new both verify.
   */
  private async send(message: ClaimedMessage): Promise<AttemptOutcome> {
    const timestamp = new Date();
    const secrets = message.previous_secret ? [message.secret, message.previous_secret] : [message.secret];
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'aftersales-case-manager-webhooks/1',
      'webhook-id': message.event_id,
      'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
      'webhook-signature': secrets.map((secret) => new Webhook(secret).sign(message.event_id, timestamp, message.payload)).join(' '),
    };
    return this.sender.post(message.url, headers, message.payload);
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runOnce()
        .then((result) => this.schedule(result.claimed > 0 || result.warned > 0 ? 0 : this.env.WEBHOOK_POLL_INTERVAL_MS))
        .catch((error: unknown) => {
          this.logger.error({ err: error }, 'webhook dispatch failed');
          this.schedule(this.env.WEBHOOK_POLL_INTERVAL_MS);
        });
    }, delay);
    this.timer.unref();
  }
}
