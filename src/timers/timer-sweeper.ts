import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CaseEngine } from '../cases/case-engine.js';
import { Clock } from '../platform/clock/clock.js';
import { Environment } from '../platform/config/environment.js';
import { Transactions } from '../platform/database/transactions.js';
import { TimersRepository } from './timers.repository.js';

export interface SweepResult {
  claimed: number;
  fired: number;
  stale: number;
  failed: number;
}

/**
 * Fires due deadlines. Every instance runs one; they share the work through `FOR UPDATE SKIP LOCKED`,
 * and each timer is deleted in the transaction that applies its event, so it fires exactly once.
 */
@Injectable()
export class TimerSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(TimerSweeper.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;

  constructor(
    private readonly transactions: Transactions,
    private readonly timers: TimersRepository,
    private readonly engine: CaseEngine,
    private readonly clock: Clock,
    private readonly env: Environment,
  ) {}

  onApplicationBootstrap(): void {
    if (this.env.TIMER_SWEEPER_ENABLED) this.schedule(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /**
   * Claims and fires one batch of due timers in one transaction. Should the batch fail as a whole
   * (say one auto-approval would over-refund its order), the timers are claimed again and fired one by
   * one, each under a savepoint, so one bad timer is postponed instead of blocking the others.
   */
  async runOnce(limit = this.env.TIMER_SWEEP_BATCH): Promise<SweepResult> {
    try {
      return await this.transactions.run(async (tx) => {
        const claimed = await this.timers.claimDue(tx, this.clock.now(), limit);
        const { fired, stale } = await this.engine.fireTimersIn(tx, claimed);
        return { claimed: claimed.length, fired, stale, failed: 0 };
      });
    } catch (error) {
      this.logger.warn({ err: error }, 'deadline batch failed; firing its timers one by one');
      return this.runOneByOne(limit);
    }
  }

  private async runOneByOne(limit: number): Promise<SweepResult> {
    return this.transactions.run(async (tx) => {
      const now = this.clock.now();
      const claimed = await this.timers.claimDue(tx, now, limit);
      const result: SweepResult = { claimed: claimed.length, fired: 0, stale: 0, failed: 0 };
      for (const item of claimed) {
        await tx.query('SAVEPOINT fire_timer');
        try {
          const { fired, stale } = await this.engine.fireTimersIn(tx, [item]);
          result.fired += fired;
          result.stale += stale;
          await tx.query('RELEASE SAVEPOINT fire_timer');
        } catch (error) {
          await tx.query('ROLLBACK TO SAVEPOINT fire_timer');
          result.failed++;
          const { timer } = item;
          const retryAt = new Date(now.getTime() + Math.min(60_000 * 2 ** timer.attempts, 3_600_000));
          await this.engine.postponeTimerIn(tx, timer, retryAt, error);
          this.logger.error({ err: error, caseId: timer.caseId, timerId: timer.timerId }, 'deadline event failed; retrying later');
        }
      }
      return result;
    });
  }

  /** Fires batches until nothing is due (tests and benchmarks). */
  async drain(limit = this.env.TIMER_SWEEP_BATCH): Promise<SweepResult> {
    const total: SweepResult = { claimed: 0, fired: 0, stale: 0, failed: 0 };
    for (;;) {
      const batch = await this.runOnce(limit);
      for (const key of Object.keys(total) as Array<keyof SweepResult>) total[key] += batch[key];
      if (batch.claimed < limit || batch.fired + batch.stale === 0) return total;
    }
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runOnce()
        .then((result) => this.schedule(result.claimed >= this.env.TIMER_SWEEP_BATCH ? 0 : this.env.TIMER_SWEEP_INTERVAL_MS))
        .catch((error: unknown) => {
          this.logger.error({ err: error }, 'deadline sweep failed');
          this.schedule(this.env.TIMER_SWEEP_INTERVAL_MS);
        });
    }, delay);
    this.timer.unref();
  }
}
