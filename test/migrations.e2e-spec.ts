import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { migrations } from '../migrations/index.js';
import { createTestDatabase, startTestInstance } from './support/test-app.js';

/** A service instance on `databaseUrl` (its pool kept small: several run at once). */
async function startInstance(databaseUrl: string, extra: Record<string, string> = {}) {
  return (await startTestInstance(databaseUrl, `admin-${randomBytes(24).toString('hex')}`, { DB_POOL_SIZE: '3', ...extra })).app;
}

describe('migrations', () => {
  it('should bring up two instances started at once on one database, running each migration once', async () => {
    const database = await createTestDatabase();
    const [first, second] = await Promise.all([startInstance(database.url), startInstance(database.url)]);
    try {
      for (const app of [first, second]) {
        const res = await request(app.getHttpServer()).get('/health/ready');
        expect(res.status).toBe(200);
      }
      const rows: Array<{ name: string; runs: string }> = await first
        .get(DataSource)
        .query('SELECT name, count(*) AS runs FROM schema_migrations GROUP BY name ORDER BY name');
      expect(rows.map((r) => [r.name, Number(r.runs)])).toEqual(migrations.map((m) => [m.name, 1]).sort());
    } finally {
      await Promise.all([first.close(), second.close()]);
      await database.drop();
    }
  });

  it('should leave the schema alone when MIGRATIONS_RUN=false', async () => {
    const database = await createTestDatabase();
    const app = await startInstance(database.url, { MIGRATIONS_RUN: 'false' });
    try {
      const [{ exists }] = await app.get(DataSource).query(`SELECT to_regclass('public.shops') IS NOT NULL AS exists`);
      expect(exists).toBe(false);
    } finally {
      await app.close();
      await database.drop();
    }
  });

  it('should revert every migration cleanly and apply them again', async () => {
    const database = await createTestDatabase();
    const app = await startInstance(database.url);
    try {
      const dataSource = app.get(DataSource);
      for (let i = 0; i < migrations.length; i++) await dataSource.undoLastMigration({ transaction: 'each' });
      const tables: Array<{ tablename: string }> = await dataSource.query(
        `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations'`,
      );
      expect(tables).toEqual([]);
      expect(await dataSource.runMigrations({ transaction: 'each' })).toHaveLength(migrations.length);
    } finally {
      await app.close();
      await database.drop();
    }
  });
});
