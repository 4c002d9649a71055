import type { DataSource } from 'typeorm';

/** Arbitrary but fixed: every instance of the service contends for the same advisory lock. */
export const MIGRATION_LOCK_KEY = 7_243_019_551;

/**
 * Runs pending migrations while holding a session-level PostgreSQL advisory lock, so that several
 * instances starting at once run each migration exactly once: the first applies them, the others wait
 * and then find nothing pending. Each migration runs in its own transaction.
 */
export async function runMigrationsUnderLock(dataSource: DataSource): Promise<string[]> {
  const lockHolder = dataSource.createQueryRunner();
  await lockHolder.connect();
  try {
    await lockHolder.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await lockHolder.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lockHolder.release();
  }
}
