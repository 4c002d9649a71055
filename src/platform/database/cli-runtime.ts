import { DataSource } from 'typeorm';
import { loadEnvironment } from '../config/environment.js';
import { createDatabaseIfMissing, withDatabase } from './database-admin.js';
import { dataSourceOptions } from './data-source-options.js';

export const EMBEDDED_DATABASE = 'aftersales';

/** The database the service would use: DATABASE_URL, or the embedded server started on DATA_DIR. */
export async function openServiceDatabase(log: (message: string) => void = () => undefined): Promise<{
  url: string;
  adminUrl: string;
  stop(): Promise<void>;
}> {
  const env = loadEnvironment({ ...process.env, ADMIN_TOKEN: process.env.ADMIN_TOKEN ?? 'x'.repeat(32) });
  if (env.DATABASE_URL) return { url: env.DATABASE_URL, adminUrl: withDatabase(env.DATABASE_URL, 'postgres'), stop: async () => undefined };
  const { startEmbeddedPostgres } = await import('./embedded-postgres.launcher.js');
  const server = await startEmbeddedPostgres({ dataDir: env.DATA_DIR, port: env.EMBEDDED_PG_PORT, onLog: () => undefined });
  await createDatabaseIfMissing(server.adminUrl, EMBEDDED_DATABASE);
  log(`embedded PostgreSQL on port ${env.EMBEDDED_PG_PORT}, data in ${env.DATA_DIR}`);
  return { url: server.urlFor(EMBEDDED_DATABASE), adminUrl: server.adminUrl, stop: server.stop };
}

/** A data source with the migrations, for the command-line tools. */
export function cliDataSource(url: string): DataSource {
  return new DataSource(dataSourceOptions({ url, poolSize: 3 }));
}
