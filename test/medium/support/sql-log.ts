import type { Logger as TypeOrmLogger } from 'typeorm';

/** What a statement does: transaction control, a read (SELECT, also `FOR UPDATE`), or a write. */
export type StatementKind = 'transaction' | 'read' | 'write';

export interface Statement {
  sql: string;
  params: unknown[];
  kind: StatementKind;
  /** The tables the statement inserts into, updates or deletes from, in the order it names them. */
  writes: string[];
  /** Set when PostgreSQL refused the statement. */
  error?: Error;
}

const TRANSACTION_CONTROL = /^\s*(START TRANSACTION|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE SAVEPOINT|SET TRANSACTION)\b/i;
const WRITTEN_TABLE = /\b(?:INSERT\s+INTO|DELETE\s+FROM)\s+([a-z_][a-z0-9_]*)|\bUPDATE\s+([a-z_][a-z0-9_]*)(?:\s+(?:AS\s+)?[a-z_][a-z0-9_]*)?\s+SET\b/gi;

/** The tables a statement writes (a SELECT … FOR UPDATE writes none). */
export function tablesWrittenBy(sql: string): string[] {
  return [...sql.matchAll(WRITTEN_TABLE)].map((m) => (m[1] ?? m[2]).toLowerCase());
}

export function kindOf(sql: string): StatementKind {
  if (TRANSACTION_CONTROL.test(sql)) return 'transaction';
  return tablesWrittenBy(sql).length > 0 ? 'write' : 'read';
}

/**
 * Every statement the engine's DataSource sends, as TypeORM reports it to its logger (TypeORM calls
 * `logQuery` for each query, transaction control included, whatever `logging` says). Tests look at the
 * statements of one call with `capture`.
 */
export class SqlLog implements TypeOrmLogger {
  private recording: Statement[] | null = null;

  /** Runs `work` and returns what it resolved to or threw, with the statements sent meanwhile. */
  async capture<T>(work: () => Promise<T>): Promise<{ result?: T; error?: unknown; statements: Statement[] }> {
    if (this.recording) throw new Error('SqlLog.capture does not nest');
    const statements: Statement[] = [];
    this.recording = statements;
    try {
      return { result: await work(), statements };
    } catch (error) {
      return { error, statements };
    } finally {
      this.recording = null;
    }
  }

  logQuery(query: string, parameters?: unknown): void {
    this.recording?.push({ sql: query, params: Array.isArray(parameters) ? parameters : [], kind: kindOf(query), writes: tablesWrittenBy(query) });
  }

  logQueryError(error: string | Error, query: string): void {
    const statement = this.recording?.findLast((s) => s.sql === query && !s.error);
    if (statement) statement.error = typeof error === 'string' ? new Error(error) : error;
  }

  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

/** `START TRANSACTION`, `read`, `write`, `COMMIT`: a statement list in a form a failing test prints legibly. */
export function outline(statements: readonly Statement[]): string[] {
  return statements.map((s) => (s.kind === 'transaction' ? s.sql.match(TRANSACTION_CONTROL)![1].toUpperCase() : s.kind));
}

export const writesOf = (statements: readonly Statement[]) => statements.filter((s) => s.kind === 'write');
