import 'reflect-metadata';
import { cliDataSource, openServiceDatabase } from './cli-runtime.js';
import { runMigrationsUnderLock } from './migration-runner.js';

/** `npm run migration:run`: applies pending migrations (under the same advisory lock as start-up). */
async function main(): Promise<void> {
  const database = await openServiceDatabase((m) => console.log(m));
  const dataSource = await cliDataSource(database.url).initialize();
  try {
    const applied = await runMigrationsUnderLock(dataSource);
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'no pending migrations');
  } finally {
    await dataSource.destroy();
    await database.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
