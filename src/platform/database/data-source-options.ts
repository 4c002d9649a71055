import type { DataSourceOptions } from 'typeorm';
import { migrations } from '../../../migrations/index.js';

export interface DatabaseSettings {
  url: string;
  poolSize: number;
}

/**
 * The one description of how we talk to PostgreSQL. Schema changes only ever come from the
 * migrations in `migrations/` (never `synchronize`).
 */
export function dataSourceOptions(settings: DatabaseSettings): DataSourceOptions {
  return {
    type: 'postgres',
    url: settings.url,
    synchronize: false,
    migrationsRun: false,
    migrations,
    migrationsTableName: 'schema_migrations',
    poolSize: settings.poolSize,
    applicationName: 'aftersales',
    extra: { connectionTimeoutMillis: 10_000 },
    // Failed queries surface as errors we log ourselves; TypeORM's logger would print parameters (secrets).
    logging: false,
  };
}
