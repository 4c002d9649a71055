import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { AgentsModule } from './agents/agents.module.js';
import { AuditModule } from './audit/audit.module.js';
import { CasesModule } from './cases/cases.module.js';
import { ChangesModule } from './changes/changes.module.js';
import { DatabaseModule } from './database/database.module.js';
import { ReasonsModule } from './reasons/reasons.module.js';
import { AdminToken } from './common/auth/admin-token.js';
import { AuthGuard } from './common/auth/auth.guard.js';
import { Clock } from './common/clock/clock.js';
import { IdempotencyModule } from './common/idempotency/idempotency.module.js';
import { ProblemDetailsFilter } from './common/problem/problem-details.filter.js';
import type { Logger as PinoLogger } from 'pino';
import { Environment } from './config/environment.js';
import { dataSourceOptions } from './database/data-source-options.js';
import { runMigrationsUnderLock } from './database/migration-runner.js';
import { HealthModule } from './health/health.module.js';
import { OrdersModule } from './orders/orders.module.js';
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
            autoLoadEntities: true,
            retryAttempts: env.DB_CONNECT_RETRIES,
            retryDelay: 2000,
          }),
          dataSourceFactory: async (dsOptions) => {
            const dataSource = await new DataSource(dsOptions as DataSourceOptions).initialize();
            const log = options.logger.child({ component: 'database' });
            const [{ version }] = await dataSource.query(`SELECT current_setting('server_version') AS version`);
            log.info(`database ready: PostgreSQL ${version}, database ${dataSource.driver.database}`);
            if (env.MIGRATIONS_RUN) {
              const applied = await runMigrationsUnderLock(dataSource);
              log.info(
                applied.length > 0
                  ? `migrations applied: ${applied.join(', ')}`
                  : `migrations: none pending (${dataSource.migrations.length} already applied)`,
              );
            } else {
              log.info('migrations: not run (MIGRATIONS_RUN=false)');
            }
            return dataSource;
          },
        }),
        DatabaseModule,
        IdempotencyModule,
        HealthModule,
        ShopsModule,
        AgentsModule,
        ReasonsModule,
        CasesModule,
        OrdersModule,
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
