import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { createApp } from '../../src/app.factory.js';
import { ManualClock } from '../../src/platform/clock/clock.js';
import { loadEnvironment } from '../../src/platform/config/environment.js';
import { createDatabaseIfMissing, dropDatabase, withDatabase } from '../../src/platform/database/database-admin.js';

export interface TestApp {
  app: NestFastifyApplication;
  http: TestAgent;
  clock: ManualClock;
  adminToken: string;
  databaseUrl: string;
  close(): Promise<void>;
}

export function testAdminUrl(): string {
  const url = process.env.TEST_PG_ADMIN_URL;
  if (!url) throw new Error('TEST_PG_ADMIN_URL is not set: run the e2e specs through jest (global setup starts PostgreSQL)');
  return url;
}

/** A fresh, uniquely named database on the run's server; dropped by the caller. */
export async function createTestDatabase(): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `test_${randomBytes(6).toString('hex')}`;
  await createDatabaseIfMissing(testAdminUrl(), name);
  return { url: withDatabase(testAdminUrl(), name), name, drop: () => dropDatabase(testAdminUrl(), name) };
}

/**
 * One instance of the real application (same factory as production, real migrations) on an existing
 * database, with its own manual clock. Several may share a database, as service instances do.
 */
export async function startTestInstance(
  databaseUrl: string,
  adminToken: string,
  envOverrides: Record<string, string> = {},
  logger?: Logger,
): Promise<{ app: NestFastifyApplication; http: TestAgent; clock: ManualClock }> {
  const env = loadEnvironment({
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_URL: databaseUrl,
    ADMIN_TOKEN: adminToken,
    DB_POOL_SIZE: '5',
    DB_CONNECT_RETRIES: '0',
    TIMER_SWEEPER_ENABLED: 'false',
    WEBHOOK_DISPATCHER_ENABLED: 'false',
    ...envOverrides,
  });
  const clock = new ManualClock();
  const app = await createApp({ env, databaseUrl, adminToken, clock, logger });
  return { app, http: request(app.getHttpServer()), clock };
}

/** The application on a database of its own. One per test file, so files run in parallel and in any order. */
export async function createTestApp(envOverrides: Record<string, string> = {}, logger?: Logger): Promise<TestApp> {
  const database = await createTestDatabase();
  const adminToken = `test-admin-${randomBytes(24).toString('hex')}`;
  const instance = await startTestInstance(database.url, adminToken, envOverrides, logger);
  return {
    ...instance,
    adminToken,
    databaseUrl: database.url,
    close: async () => {
      await instance.app.close();
      await database.drop();
    },
  };
}
