import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { AgentsModule } from './agents/agents.module.js';
import { AuditModule } from './audit/audit.module.js';
import { FlowsModule } from './flows/flows.module.js';
import { CaseEngineModule } from './cases/case-engine.module.js';
import { TimersModule } from './timers/timers.module.js';
import { QueueModule } from './queue/queue.module.js';
import { EvidenceModule } from './evidence/evidence.module.js';
import { RepliesModule } from './replies/replies.module.js';
import { ChangesModule } from './changes/changes.module.js';
import { DatabaseModule } from './platform/database/database.module.js';
import { ReasonsModule } from './reasons/reasons.module.js';
import { AdminToken } from './platform/auth/admin-token.js';
import { AuthGuard } from './platform/auth/auth.guard.js';
import { AuthModule } from './platform/auth/auth.module.js';
import { Clock } from './platform/clock/clock.js';
import { IdempotencyModule } from './platform/idempotency/idempotency.module.js';
import { ProblemDetailsFilter } from './platform/problem/problem-details.filter.js';
import type { Logger as PinoLogger } from 'pino';
import { Environment } from './platform/config/environment.js';
import { dataSourceOptions } from './platform/database/data-source-options.js';
import { runMigrationsUnderLock } from './platform/database/migration-runner.js';
import { serverVersion } from './platform/database/database-admin.js';
import { HealthModule } from './platform/health/health.module.js';
import { ShopsModule } from './shops/shops.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { StreamModule } from './stream/stream.module.js';
import { ConsoleModule } from './console/console.module.js';

export interface AppOptions {
  env: Environment;
  /** The database to use: DATABASE_URL or the embedded server's. */
  databaseUrl: string;
  adminToken: string | undefined;
  clock: Clock;
  /** The process's root logger (see createRootLogger). */
  logger: PinoLogger;
}

@Global()
@Module({})
class RuntimeModule {
  static register(options: AppOptions): DynamicModule {
    return {
      module: RuntimeModule,
      providers: [
        { provide: Environment, useValue: options.env },
        { provide: Clock, useValue: options.clock },
        { provide: AdminToken, useValue: new AdminToken(options.adminToken) },
      ],
      exports: [Environment, Clock, AdminToken],
    };
  }
}

@Module({})
export class AppModule {
  static register(options: AppOptions): DynamicModule {
    const { env } = options;
    return {
      module: AppModule,
      imports: [
        RuntimeModule.register(options),
        TypeOrmModule.forRootAsync({
          useFactory: () => ({
            ...dataSourceOptions({ url: options.databaseUrl, poolSize: env.DB_POOL_SIZE }),
            retryAttempts: env.DB_CONNECT_RETRIES,
            retryDelay: 2000,
          }),
          dataSourceFactory: async (dsOptions) => {
            const dataSource = await new DataSource(dsOptions as DataSourceOptions).initialize();
            const log = options.logger.child({ component: 'database' });
            log.info(`database ready: PostgreSQL ${await serverVersion(dataSource)}, database ${dataSource.driver.database}`);
            if (env.MIGRATIONS_RUN) {
              const applied = await runMigrationsUnderLock(dataSource);
              log.info(
                applied.length > 0 ? `migrations applied: ${applied.join(', ')}` : `migrations: none pending (${dataSource.migrations.length} already applied)`,
              );
            } else {
              log.info('migrations: not run (MIGRATIONS_RUN=false)');
            }
            return dataSource;
          },
        }),
        DatabaseModule,
        AuthModule,
        IdempotencyModule,
        HealthModule,
        ShopsModule,
        AgentsModule,
        ReasonsModule,
        CaseEngineModule,
        TimersModule,
        QueueModule,
        EvidenceModule,
        RepliesModule,
        FlowsModule,
        ChangesModule,
        WebhooksModule,
        AuditModule,
        MetricsModule,
        StreamModule,
        ConsoleModule,
      ],
      providers: [
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
    };
  }
}
