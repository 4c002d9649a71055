// One PostgreSQL for the whole run: the server named by DATABASE_URL, or an embedded one started in a
// temporary folder on a free port. Each test file then creates its own database on it.
//
// Jest loads global setup outside its transformed module graph, so this file is plain JavaScript and
// loads the TypeScript launcher through tsx.
import { chmod, mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tsImport } from 'tsx/esm/api';

export default async function globalSetup() {
  if (process.env.DATABASE_URL) {
    process.env.TEST_PG_ADMIN_URL = process.env.DATABASE_URL;
    return;
  }
  const { startEmbeddedPostgres } = await tsImport('../src/platform/database/embedded-postgres.launcher.ts', import.meta.url);
  const dataDir = await mkdtemp(join(tmpdir(), 'aftersales-test-pg-'));
  await chmod(dataDir, 0o755); // the unprivileged postgres user must reach the cluster folder
  const server = await startEmbeddedPostgres({ dataDir, port: await freePort(), ephemeral: true });
  process.env.TEST_PG_ADMIN_URL = server.adminUrl;
  globalThis.__testPostgres = { server, dataDir };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}
