import 'reflect-metadata';
import { createApp } from './app.factory.js';
import { consoleIsBuilt } from './console/console-static.js';
import { SystemClock } from './platform/clock/clock.js';
import { createRootLogger } from './platform/logging.js';
import { resolveAdminToken } from './platform/config/admin-token.loader.js';
import { ConfigValidationError, loadEnvironment, type Environment } from './platform/config/environment.js';
import { createDatabaseIfMissing } from './platform/database/database-admin.js';
import { EmbeddedPostgresError } from './platform/database/embedded-postgres.error.js';

import { EMBEDDED_DATABASE } from './platform/database/cli-runtime.js';

async function main(): Promise<void> {
  let env: Environment;
  try {
    env = loadEnvironment();
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      process.stderr.write(`${error.message}\nEvery setting is described in docs/configuration.md.\n`);
      process.exit(1);
    }
    throw error;
  }
  const root = createRootLogger(env.LOG_LEVEL);
  const log = root.child({ component: 'boot' });

  let databaseUrl = env.DATABASE_URL;
  let stopDatabase = async () => undefined as void;
  if (!databaseUrl) {
    // Loaded only for the embedded default: nothing of it is needed with DATABASE_URL.
    const { startEmbeddedPostgres } = await import('./platform/database/embedded-postgres.launcher.js');
    log.info({ dataDir: env.DATA_DIR, port: env.EMBEDDED_PG_PORT }, 'starting embedded PostgreSQL');
    let embedded;
    try {
      embedded = await startEmbeddedPostgres({
        dataDir: env.DATA_DIR,
        port: env.EMBEDDED_PG_PORT,
        onLog: (message) => log.debug({ postgres: message }),
        onNotice: (level, message) => log[level](message),
      });
    } catch (error) {
      // Something the operator can fix (folder held, port taken, folder out of reach): one line, no stack.
      if (error instanceof EmbeddedPostgresError) {
        process.stderr.write(`${error.message}\n`);
        process.exit(1);
      }
      throw error;
    }
    await createDatabaseIfMissing(embedded.adminUrl, EMBEDDED_DATABASE);
    databaseUrl = embedded.urlFor(EMBEDDED_DATABASE);
    stopDatabase = embedded.stop;
  }

  const admin = await resolveAdminToken(env.ADMIN_TOKEN, env.DATA_DIR);
  if (admin.origin === 'generated') {
    log.warn(`Generated an admin token for this data folder. It is stored in ${admin.file} — read it with: cat ${admin.file}`);
  }

  let app;
  try {
    app = await createApp({ env, databaseUrl, adminToken: admin.token, clock: new SystemClock(), logger: root });
    await app.listen({ port: env.PORT, host: env.HOST });
  } catch (error) {
    log.fatal({ err: error }, 'start-up failed');
    await app?.close().catch(() => undefined);
    await stopDatabase();
    process.exit(1);
  }
  log.info(`listening on http://${env.HOST}:${env.PORT} (API docs at /docs)`);
  if (consoleIsBuilt(env)) log.info(`agents' console at http://${env.HOST}:${env.PORT}/ (sample data: npm run demo)`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: closing HTTP server and database pool');
    const forced = setTimeout(() => {
      log.error('shutdown took longer than 20 s; exiting');
      process.exit(1);
    }, 20_000);
    forced.unref();
    await app.close().catch((error: unknown) => log.error({ err: error }, 'error while closing the application'));
    await stopDatabase().catch((error: unknown) => log.error({ err: error }, 'error while stopping PostgreSQL'));
    log.info('stopped');
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    // One owner of shutdown order: the application first, then the embedded database.
    process.removeAllListeners(signal);
    process.on(signal, () => void shutdown(signal));
  }
}

void main();
