import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { CaseChangeContributors } from '../../src/cases/case-change.js';
import { CaseChangeRepository } from '../../src/cases/case-change.repository.js';
import { MetricFactsContributor } from '../../src/metrics/metric-facts.contributor.js';
import { AgentOpenCasesContributor } from '../../src/queue/agent-open-cases.contributor.js';
import { WebhookOutboxContributor } from '../../src/webhooks/webhook-outbox.contributor.js';
import { CaseEngine } from '../../src/cases/case-engine.js';
import { CaseRepository } from '../../src/cases/case.repository.js';
import { ManualClock } from '../../src/platform/clock/clock.js';
import { loadEnvironment } from '../../src/platform/config/environment.js';
import { dataSourceOptions } from '../../src/platform/database/data-source-options.js';
import { Transactions } from '../../src/platform/database/transactions.js';
import { OrdersRepository } from '../../src/orders/orders.repository.js';
import { TimerSweeper } from '../../src/timers/timer-sweeper.js';
import { TimersRepository } from '../../src/timers/timers.repository.js';

/** The deadline sweeper as one service instance runs it, on its own connection pool. */
export async function createSweeper(url: string, now: Date, batch: number, poolSize = 2): Promise<{ sweeper: TimerSweeper; close(): Promise<void> }> {
  const env = loadEnvironment({ TIMER_SWEEP_BATCH: String(batch), TIMER_SWEEPER_ENABLED: 'false', LOG_LEVEL: 'error' });
  const dataSource = await new DataSource(dataSourceOptions({ url, poolSize })).initialize();
  const clock = new ManualClock(now);
  const transactions = new Transactions(dataSource);
  const timers = new TimersRepository();
  // The contributors the service registers: a deadline writes its webhook events, metric facts and counters too.
  const contributors = new CaseChangeContributors();
  for (const contributor of [new MetricFactsContributor(contributors), new AgentOpenCasesContributor(contributors), new WebhookOutboxContributor(contributors)])
    contributor.onModuleInit();
  const engine = new CaseEngine(transactions, new CaseRepository(), new OrdersRepository(), new CaseChangeRepository(), contributors, clock);
  return { sweeper: new TimerSweeper(transactions, timers, engine, clock, env), close: () => dataSource.destroy() };
}

/** Fires batches until none is claimable; returns how many deadlines this sweeper fired. */
export async function sweepUntilDone(sweeper: TimerSweeper, batch: number): Promise<number> {
  let total = 0;
  for (;;) {
    const result = await sweeper.runOnce(batch);
    if (result.failed > 0) throw new Error(`${result.failed} deadlines failed`);
    total += result.fired;
    if (result.claimed === 0) return total;
  }
}
