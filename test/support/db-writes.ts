import pg from 'pg';

/**
 * Tables that a refused request may still touch by design: the idempotency record stores a refusal so
 * that a retry gets the same answer, an API key notes when it was last used, and the audit access log
 * records who asked for an export. Everything else must be as it was.
 */
const WRITTEN_BY_DESIGN = new Set(['idempotency_keys', 'api_keys', 'audit_access_log', 'migrations', 'typeorm_metadata']);

/**
 * A fingerprint of every table's rows: its row count and the newest transaction that inserted or updated
 * one of them (`xmin`). An insert or update raises the second, a delete lowers the first.
 */
export class WriteProbe {
  private constructor(
    private readonly client: pg.Client,
    private readonly tables: string[],
  ) {}

  static async open(databaseUrl: string): Promise<WriteProbe> {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    const { rows } = await client.query<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`);
    return new WriteProbe(
      client,
      rows.map((row) => row.name).filter((name) => !WRITTEN_BY_DESIGN.has(name)),
    );
  }

  async snapshot(): Promise<Record<string, string>> {
    const sql = this.tables
      .map((table) => `SELECT '${table}' AS name, count(*)::text || '/' || coalesce(max(xmin::text::bigint), 0)::text AS mark FROM "${table}"`)
      .join(' UNION ALL ');
    const { rows } = await this.client.query<{ name: string; mark: string }>(sql);
    return Object.fromEntries(rows.map((row) => [row.name, row.mark]));
  }

  close(): Promise<void> {
    return this.client.end();
  }
}

/** A one-off snapshot (see WriteProbe). */
export async function countWrites(databaseUrl: string): Promise<Record<string, string>> {
  const probe = await WriteProbe.open(databaseUrl);
  try {
    return await probe.snapshot();
  } finally {
    await probe.close();
  }
}
