import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Webhook } from 'standardwebhooks';
import { Clock } from '../platform/clock/clock.js';
import { Environment } from '../platform/config/environment.js';
import { Transactions } from '../platform/database/transactions.js';
import { PeriodicTask } from '../platform/periodic-task.js';
import { DeadlineWarningsRepository } from './deadline-warnings.repository.js';
import { WebhookDeliveriesRepository, type ClaimedMessage } from './webhook-deliveries.repository.js';
import { deadlineWarningEvent } from './webhook-events.js';
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

/** Deadline warnings claimed per round. */
const WARNING_BATCH = 500;

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
  private readonly sender: WebhookSender;
  /** A round right after one that did work, the poll interval after an idle or failed one. */
  private readonly task: PeriodicTask<DispatchResult>;

  constructor(
    private readonly transactions: Transactions,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly warnings: DeadlineWarningsRepository,
    private readonly clock: Clock,
    private readonly env: Environment,
    targets: WebhookTargetPolicy,
  ) {
    this.sender = new WebhookSender(targets, env.WEBHOOK_TIMEOUT_MS);
    this.task = new PeriodicTask('webhook dispatch', env.WEBHOOK_POLL_INTERVAL_MS, () => this.runOnce(), this.logger, {
      again: (result) => result.claimed > 0 || result.warned > 0,
    });
  }

  onApplicationBootstrap(): void {
    if (this.env.WEBHOOK_DISPATCHER_ENABLED) this.task.start(0);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
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
   * each to the endpoints that want it, in one transaction: the same outbox write and the same case
   * fields as every case event, plus the deadline and its due time. A deadline already past is the sweeper's.
   */
  private async warnDeadlines(): Promise<number> {
    const now = this.clock.now();
    const horizon = new Date(now.getTime() + this.env.DEADLINE_WARNING_LEAD_MINUTES * 60_000);
    return this.transactions.run(async (tx) => {
      const due = await this.warnings.claimDue(tx, now, horizon, WARNING_BATCH);
      await this.deliveries.enqueue(
        tx,
        due.map((warning) => deadlineWarningEvent(warning.record, warning.timerId, warning.dueAt, now)),
      );
      return due.length;
    });
  }

  /** Claims a batch of due messages, each leased past the request timeout. */
  private claim(): Promise<ClaimedMessage[]> {
    const now = this.clock.now();
    const leaseUntil = new Date(now.getTime() + this.env.WEBHOOK_TIMEOUT_MS + 30_000);
    return this.deliveries.claim(now, leaseUntil, this.env.WEBHOOK_BATCH);
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
          retryFrom: message.retryFrom,
          attempts: message.attempts,
          baseMs: this.env.WEBHOOK_RETRY_BASE_SECONDS * 1000,
          windowMs: this.env.WEBHOOK_RETRY_HOURS * 3_600_000,
        });
    const status = ok ? 'delivered' : retryAt ? 'pending' : 'failed';
    const error = ok ? null : (outcome.error ?? `HTTP ${outcome.statusCode}`);
    await this.deliveries.recordAttempt({
      messageId: message.id,
      status,
      retryAt,
      at: now,
      attempt: message.attempts,
      startedAt,
      durationMs: outcome.durationMs,
      statusCode: outcome.statusCode,
      error,
      responseBody: outcome.responseBody,
    });
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
    const secrets = message.previousSecret ? [message.secret, message.previousSecret] : [message.secret];
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'aftersales-case-manager-webhooks/1',
      'webhook-id': message.eventId,
      'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
      'webhook-signature': secrets.map((secret) => new Webhook(secret).sign(message.eventId, timestamp, message.payload)).join(' '),
    };
    return this.sender.post(message.url, headers, message.payload);
  }
}
