import { readFileSync } from 'node:fs';
import { Environment } from './environment.js';

describe('docs/configuration.md', () => {
  const table = readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');
  const documented = new Set([...table.matchAll(/^\| ([^|]+) \|/gm)].flatMap((row) => [...row[1].matchAll(/`([A-Z0-9_]+)`/g)].map((m) => m[1])));

  it('should document every setting the service reads', () => {
    const settings = Object.keys(new Environment()).concat(['DATABASE_URL', 'ADMIN_TOKEN', 'CONSOLE_DIR', 'EVIDENCE_DIR']);
    expect(settings.filter((name) => !documented.has(name))).toEqual([]);
  });

  it('should document no setting the service does not read', () => {
    const known = new Set(
      Object.keys(new Environment()).concat([
        'DATABASE_URL',
        'ADMIN_TOKEN',
        'CONSOLE_DIR',
        'EVIDENCE_DIR',
        'EVIDENCE_S3_BUCKET',
        'EVIDENCE_S3_ENDPOINT',
        'EVIDENCE_S3_ACCESS_KEY_ID',
        'EVIDENCE_S3_SECRET_ACCESS_KEY',
      ]),
    );
    expect([...documented].filter((name) => !known.has(name))).toEqual([]);
  });
});
