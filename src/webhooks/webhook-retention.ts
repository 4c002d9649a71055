import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Clock } from '../platform/clock/clock.js';
import { PeriodicTask } from '../platform/periodic-task.js';
import { Environment } from '../platform/config/environment.js';
import { DeadlineWarningsRepository } from './deadline-warnings.repository.js';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository.js';

export interface PurgeResult {
  delivered: number;
  failed: number;
}

const DAY_MS = 86_400_000;
const PURGE_INTERVAL_MS = 10 * 60_000;
/** Rows per statement: each batch is its own short transaction (messages' attempts go with them by cascade). */
export const PURGE_BATCH = 1000;

/**
 * Deletes delivered messages (with their attempts) WEBHOOK_RETENTION_DAYS after delivery, and failed ones
 * WEBHOOK_FAILED_RETENTION_DAYS after they were given up, in batches. Failed messages are kept longer:
 * they are the ones someone still has to look into and redeliver. The marks of deadline warnings go
 * WEBHOOK_RETENTION_DAYS after their deadline (only deadlines still ahead are ever warned about).
 *
 * Pending messages are never touched, and nothing else depends on finished ones: the dispatcher's
 * in-order rule only waits for earlier *pending* messages of a case, so removing delivered or failed
 * ones cannot let a later message overtake. Every instance whose dispatcher runs purges too; batches
 * are claimed with `SKIP LOCKED`, so instances share the work and a message being redelivered (locked
 * by that update) is skipped rather than waited for.
 */
@Injectable()
export class WebhookRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WebhookRetention.name);
  private readonly task = new PeriodicTask(
    'webhook purge',
    PURGE_INTERVAL_MS,
    async () => {
      const result = await this.purge();
      if (result.delivered + result.failed > 0) this.logger.log(result, 'purged webhook messages past retention');
      const warnings = await this.purgeWarnings();
      if (warnings > 0) this.logger.log({ warnings }, 'purged deadline warning marks past retention');
    },
    this.logger,
  );

  constructor(
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly warnings: DeadlineWarningsRepository,
    private readonly clock: Clock,
    private readonly env: Environment,
  ) {}

  onApplicationBootstrap(): void {
    if (this.env.WEBHOOK_DISPATCHER_ENABLED) this.task.start(PURGE_INTERVAL_MS / 10);
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  /** Purges everything past retention as of the clock's now, one batch at a time, until none is left. */
  async purge(batchSize = PURGE_BATCH): Promise<PurgeResult> {
    const now = this.clock.now().getTime();
    const result: PurgeResult = { delivered: 0, failed: 0 };
    for (const status of ['delivered', 'failed'] as const) {
      const days = status === 'delivered' ? this.env.WEBHOOK_RETENTION_DAYS : this.env.WEBHOOK_FAILED_RETENTION_DAYS;
      const cutoff = new Date(now - days * DAY_MS);
      for (;;) {
        const purged = await this.deliveries.purgeFinished(status, cutoff, batchSize);
        result[status] += purged;
        if (purged < batchSize || this.task.isStopped) break;
      }
    }
    return result;
  }

  /**
   * Deletes the marks of deadline warnings whose deadline passed more than WEBHOOK_RETENTION_DAYS ago, one
   * batch at a time; returns how many. Marks of deadlines still ahead stay: they keep a warning from going twice.
   */
  async purgeWarnings(batchSize = PURGE_BATCH): Promise<number> {
    const cutoff = new Date(this.clock.now().getTime() - this.env.WEBHOOK_RETENTION_DAYS * DAY_MS);
    let purged = 0;
    for (;;) {
      const batch = await this.warnings.purgeDueBefore(cutoff, batchSize);
      purged += batch;
      if (batch < batchSize || this.task.isStopped) return purged;
    }
  }
}
