import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDatabaseIfMissing, dropDatabase, withDatabase } from './database-admin.js';
import { cliDataSource, openServiceDatabase } from './cli-runtime.js';

/**
 * `npm run migration:generate -- <name>`: applies every migration to a scratch database, compares it
 * with the compiled entities and writes the difference as a new timestamped migration in `migrations/`.
 * Review the file and add it to `migrations/index.ts`.
 */
async function main(): Promise<void> {
  const name = process.argv[2];
  if (!name || !/^[a-z][a-z0-9-]*$/.test(name)) {
    console.error('usage: npm run migration:generate -- <kebab-case-name>');
    process.exit(2);
  }
  const database = await openServiceDatabase();
  const scratch = `migration_scratch_${randomBytes(4).toString('hex')}`;
  await createDatabaseIfMissing(database.adminUrl, scratch);
  const dataSource = await cliDataSource(withDatabase(database.url, scratch)).initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
    const diff = await dataSource.driver.createSchemaBuilder().log();
    if (diff.upQueries.length === 0) {
      console.log('the entities match the migrations: nothing to generate');
      return;
    }
    const timestamp = Date.now();
    const className = `${name.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase())}${timestamp}`;
    const escape = (sql: string) => sql.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${');
    const up = diff.upQueries.map((q) => `    await q.query(\`${escape(q.query)}\`);`).join('\n');
    const down = diff.downQueries.reverse().map((q) => `    await q.query(\`${escape(q.query)}\`);`).join('\n');
    const file = join(process.cwd(), 'migrations', `${timestamp}-${name}.ts`);
    writeFileSync(
      file,
      `import type { MigrationInterface, QueryRunner } from 'typeorm';\n\nexport class ${className} implements MigrationInterface {\n  name = '${className}';\n\n  async up(q: QueryRunner): Promise<void> {\n${up}\n  }\n\n  async down(q: QueryRunner): Promise<void> {\n${down}\n  }\n}\n`,
    );
    console.log(`wrote ${file}: add ${className} to migrations/index.ts`);
  } finally {
    await dataSource.destroy();
    await dropDatabase(database.adminUrl, scratch);
    await database.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
