import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { createDatabaseIfMissing, dropDatabase, withDatabase } from '../../src/platform/database/database-admin.js';
import { dataSourceOptions } from '../../src/platform/database/data-source-options.js';
import { startEmbeddedPostgres } from '../../src/platform/database/embedded-postgres.launcher.js';

export interface BenchServer {
  adminUrl: string;
  urlFor(database: string): string;
  /** A new database with every migration applied. */
  createMigrated(name: string): Promise<string>;
  /** A byte-for-byte copy of `template` (CREATE DATABASE … TEMPLATE), so runs start from equal states. */
  copy(template: string, name: string): Promise<string>;
  drop(name: string): Promise<void>;
  stop(): Promise<void>;
}

/** DATABASE_URL's server, or an embedded PostgreSQL in a temporary folder for the length of the run. */
export async function startBenchServer(): Promise<BenchServer> {
  let adminUrl: string;
  let stopServer = async () => undefined as void;
  if (process.env.DATABASE_URL) {
    adminUrl = process.env.DATABASE_URL;
  } else {
    const dataDir = await mkdtemp(join(tmpdir(), 'aftersales-bench-pg-'));
    await chmod(dataDir, 0o755);
    const server = await startEmbeddedPostgres({
      dataDir,
      port: await freePort(),
      ephemeral: true,
      settings: Object.fromEntries(
        (process.env.BENCH_PG_SETTINGS ?? '')
          .split(',')
          .filter(Boolean)
          .map((kv) => kv.split('=') as [string, string]),
      ),
      onLog: process.env.BENCH_PG_LOG ? (m) => console.error('[pg]', m) : undefined,
    });
    adminUrl = server.adminUrl;
    stopServer = async () => {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    };
  }
  const urlFor = (database: string) => withDatabase(adminUrl, database);
  return {
    adminUrl,
    urlFor,
    async createMigrated(name) {
      await dropDatabase(adminUrl, name);
      await createDatabaseIfMissing(adminUrl, name);
      const dataSource = await new DataSource(dataSourceOptions({ url: urlFor(name), poolSize: 2 })).initialize();
      await dataSource.runMigrations({ transaction: 'each' });
      await dataSource.destroy();
      return urlFor(name);
    },
    async copy(template, name) {
      await dropDatabase(adminUrl, name);
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)} TEMPLATE ${client.escapeIdentifier(template)}`);
      await client.end();
      return urlFor(name);
    },
    drop: (name) => dropDatabase(adminUrl, name),
    stop: stopServer,
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** A connection of its own on `url` for `work`, closed afterwards whatever happens. */
export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Fresh statistics and visibility map after a bulk load, so plans and index-only scans are as in a settled database. */
export async function vacuumAnalyze(url: string): Promise<void> {
  await withClient(url, (client) => client.query('VACUUM (ANALYZE)'));
}

export function formatRate(count: number, ms: number): string {
  return `${Math.round((count / ms) * 1000).toLocaleString('en-US')}/s`;
}
