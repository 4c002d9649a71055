import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CaseEngine } from '../cases/case-engine.js';
import { Clock } from '../platform/clock/clock.js';
import { Environment } from '../platform/config/environment.js';
import { Transactions, underSavepoint } from '../platform/database/transactions.js';
import { PeriodicTask } from '../platform/periodic-task.js';
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
  private readonly task: PeriodicTask<SweepResult>;

  constructor(
    private readonly transactions: Transactions,
    private readonly timers: TimersRepository,
    private readonly engine: CaseEngine,
    private readonly clock: Clock,
    private readonly env: Environment,
  ) {
    // A full batch means more may be due: go on at once.
    this.task = new PeriodicTask('deadline sweep', env.TIMER_SWEEP_INTERVAL_MS, () => this.runOnce(), this.logger, {
      again: (result) => result.claimed >= env.TIMER_SWEEP_BATCH,
    });
  }

  onApplicationBootstrap(): void {
    if (this.env.TIMER_SWEEPER_ENABLED) this.task.start(0);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
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
        const outcome = await underSavepoint(tx, () => this.engine.fireTimersIn(tx, [item]));
        if (outcome.ok) {
          result.fired += outcome.value.fired;
          result.stale += outcome.value.stale;
          continue;
        }
        result.failed++;
        const { timer } = item;
        const retryAt = new Date(now.getTime() + Math.min(60_000 * 2 ** timer.attempts, 3_600_000));
        await this.engine.postponeTimerIn(tx, timer, retryAt, outcome.error);
        this.logger.error({ err: outcome.error, caseId: timer.caseId, timerId: timer.timerId }, 'deadline event failed; retrying later');
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
}
