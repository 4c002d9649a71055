import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DEMO_SLUG, seedDemo } from './demo-seed.js';

/**
 * `npm run demo`: fills a running service with a demo shop, its team and about fifty cases, then says
 * where the console is and how to sign in. API (default http://127.0.0.1:3000) names the service; the
 * admin token comes from ADMIN_TOKEN or, as `npm start` keeps it, `${DATA_DIR:-.data}/admin-token`.
 */
async function main(): Promise<void> {
  const api = process.env.API ?? 'http://127.0.0.1:3000';
  const adminToken = process.env.ADMIN_TOKEN?.trim() || (await readAdminTokenFile(process.env.DATA_DIR ?? '.data'));
  const slug = process.env.DEMO_SLUG ?? DEMO_SLUG;
  const log = (line: string) => console.log(`  ${line}`);

  console.log(`Seeding the demo shop ${slug} through ${api} …`);
  const result = await seedDemo({ api, adminToken, slug, log });
  const { spread } = result;
  const steps = Object.entries(spread.byStep)
    .map(([step, n]) => `${step} ${n}`)
    .join(', ');
  console.log(`
Cases: ${spread.total} (${Object.entries(spread.byType)
    .map(([type, n]) => `${type} ${n}`)
    .join(', ')})
  by step: ${steps}
  open, by deadline: overdue ${spread.bySla.overdue}, due soon ${spread.bySla.dueSoon}, ok ${spread.bySla.ok}; intervened ${spread.intervened}; unassigned ${spread.unassigned}
  Some 48 h deadlines end within the hour: watch them turn overdue and get auto-approved.

Console: ${result.consoleUrl}
Shop: ${result.shop.slug} (${result.shop.name})
Sign in with:
${result.logins.map((login) => `  ${login.role.padEnd(10)} ${login.displayName.padEnd(4, '　')} ${login.email.padEnd(24)} ${login.password}`).join('\n')}
Order-system API key (shown once): ${result.apiKey}`);
}

async function readAdminTokenFile(dataDir: string): Promise<string> {
  const file = join(resolve(dataDir), 'admin-token');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    throw new Error(`No ADMIN_TOKEN, and no ${file}: start the service once with \`npm start\` (it writes the file), or set ADMIN_TOKEN.`);
  }
}

main().catch((error: unknown) => {
  console.error(`demo: ${error instanceof Error ? error.message : String(error)}`);
  if (error instanceof TypeError && /fetch failed/.test(error.message)) console.error('Is the service running? Start it with `npm start`, or set API.');
  process.exit(1);
});
