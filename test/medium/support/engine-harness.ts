import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { Global, Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import pg from 'pg';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { CaseChangeContributors, type CaseChangeContributor } from '../../../src/cases/case-change.js';
import { CaseChangeRepository } from '../../../src/cases/case-change.repository.js';
import { CaseEngine } from '../../../src/cases/case-engine.js';
import { CaseEngineModule } from '../../../src/cases/case-engine.module.js';
import { CaseRepository } from '../../../src/cases/case.repository.js';
import { MetricFactsContributor } from '../../../src/metrics/metric-facts.contributor.js';
import { OrdersRepository } from '../../../src/orders/orders.repository.js';
import { Clock, ManualClock } from '../../../src/platform/clock/clock.js';
import { Environment, loadEnvironment } from '../../../src/platform/config/environment.js';
import { createDatabaseIfMissing, dropDatabase, withDatabase } from '../../../src/platform/database/database-admin.js';
import { dataSourceOptions } from '../../../src/platform/database/data-source-options.js';
import { DatabaseModule } from '../../../src/platform/database/database.module.js';
import { runMigrationsUnderLock } from '../../../src/platform/database/migration-runner.js';
import { Transactions } from '../../../src/platform/database/transactions.js';
import { AgentOpenCasesContributor } from '../../../src/queue/agent-open-cases.contributor.js';
import { TimersRepository } from '../../../src/timers/timers.repository.js';
import { WebhookOutboxContributor } from '../../../src/webhooks/webhook-outbox.contributor.js';
import { SqlLog } from './sql-log.js';

/**
 * The case engine as the service wires it, minus HTTP and every other feature: a Nest application
 * context of `CaseEngineModule`, the platform's `DatabaseModule` (Transactions) on a TypeORM DataSource
 * built by the app's own `dataSourceOptions` and migrated by `runMigrationsUnderLock`, the three
 * contributors as providers (they register themselves in `onModuleInit`, as in their feature modules),
 * a `ManualClock` and an `Environment`. Every statement the DataSource sends goes to `sql` (a TypeORM
 * logger), so a test can count the statements of one engine call.
 */
export interface EngineHarness {
  engine: CaseEngine;
  clock: ManualClock;
  transactions: Transactions;
  timers: TimersRepository;
  /** The engine's statements (see SqlLog.capture). */
  sql: SqlLog;
  /** The test's own connections to the same database: fixtures and checks, not logged, outside the engine's pool. */
  db: pg.Pool;
  databaseUrl: string;
  /**
   * Another engine on the same DataSource and repositories with a registry of its own: the real
   * contributors plus `extra` (a registry cannot unregister, so a test contributor never reaches `engine`).
   */
  engineWith(...extra: CaseChangeContributor[]): CaseEngine;
  close(): Promise<void>;
}

interface HarnessOptions {
  url: string;
  sql: SqlLog;
  clock: ManualClock;
  env: Environment;
}

@Global()
@Module({})
class MediumRuntimeModule {
  static register({ clock, env }: HarnessOptions): DynamicModule {
    return {
      module: MediumRuntimeModule,
      providers: [
        { provide: Environment, useValue: env },
        { provide: Clock, useValue: clock },
      ],
      exports: [Environment, Clock],
    };
  }
}

@Module({})
class MediumEngineModule {
  static register(options: HarnessOptions): DynamicModule {
    return {
      module: MediumEngineModule,
      imports: [
        MediumRuntimeModule.register(options),
        TypeOrmModule.forRootAsync({
          // The pool must hold two transactions at once (concurrent changes) plus migrations' lock holder.
          useFactory: () => ({ ...dataSourceOptions({ url: options.url, poolSize: 4 }), logger: options.sql, retryAttempts: 0 }),
          dataSourceFactory: async (dsOptions) => {
            const dataSource = await new DataSource(dsOptions as DataSourceOptions).initialize();
            await runMigrationsUnderLock(dataSource);
            return dataSource;
          },
        }),
        DatabaseModule,
        CaseEngineModule,
      ],
      providers: [WebhookOutboxContributor, MetricFactsContributor, AgentOpenCasesContributor, TimersRepository],
    };
  }
}

function adminUrl(): string {
  const url = process.env.TEST_PG_ADMIN_URL;
  if (!url) throw new Error('TEST_PG_ADMIN_URL is not set: run the medium specs through jest (its global setup starts PostgreSQL)');
  return url;
}

/** A fresh, migrated database and the engine on it; one per test file. `close()` drops the database. */
export async function createEngineHarness(): Promise<EngineHarness> {
  const name = `medium_${randomBytes(6).toString('hex')}`;
  await createDatabaseIfMissing(adminUrl(), name);
  const url = withDatabase(adminUrl(), name);
  const sql = new SqlLog();
  const clock = new ManualClock();
  const env = loadEnvironment({ LOG_LEVEL: 'silent', TIMER_SWEEPER_ENABLED: 'false', WEBHOOK_DISPATCHER_ENABLED: 'false' });
  let app: INestApplicationContext | undefined;
  let db: pg.Pool | undefined;
  try {
    app = await NestFactory.createApplicationContext(MediumEngineModule.register({ url, sql, clock, env }), { logger: false, abortOnError: false });
    await app.init();
    db = new pg.Pool({ connectionString: url, max: 2 });
  } catch (error) {
    await app?.close().catch(() => undefined);
    await dropDatabase(adminUrl(), name);
    throw error;
  }
  const context = app;
  const pool = db;
  const transactions = context.get(Transactions);
  const real = [context.get(WebhookOutboxContributor), context.get(MetricFactsContributor), context.get(AgentOpenCasesContributor)];
  return {
    engine: context.get(CaseEngine),
    clock,
    transactions,
    timers: context.get(TimersRepository),
    sql,
    db: pool,
    databaseUrl: url,
    engineWith: (...extra) => {
      const registry = new CaseChangeContributors();
      for (const contributor of [...real, ...extra]) registry.register(contributor);
      return new CaseEngine(transactions, context.get(CaseRepository), context.get(OrdersRepository), context.get(CaseChangeRepository), registry, clock);
    },
    close: async () => {
      try {
        await pool.end();
        await context.close();
      } finally {
        await dropDatabase(adminUrl(), name);
      }
    },
  };
}
