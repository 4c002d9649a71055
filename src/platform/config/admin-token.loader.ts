import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

export interface AdminTokenSource {
  token: string;
  /** Where the token came from; `generated` only on the start that created the file. */
  origin: 'environment' | 'file' | 'generated';
  file?: string;
}

/**
 * ADMIN_TOKEN wins. Without it (embedded default only: config validation requires it with
 * DATABASE_URL), the token is generated once, kept in `<DATA_DIR>/admin-token` (mode 0600) and reused.
 */
export async function resolveAdminToken(adminToken: string | undefined, dataDir: string): Promise<AdminTokenSource> {
  if (adminToken) return { token: adminToken, origin: 'environment' };
  const file = join(resolve(dataDir), 'admin-token');
  if (existsSync(file)) return { token: (await readFile(file, 'utf8')).trim(), origin: 'file', file };
  await mkdir(resolve(dataDir), { recursive: true });
  const token = `adm_${randomBytes(32).toString('base64url')}`;
  await writeFile(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
  return { token, origin: 'generated', file };
}
