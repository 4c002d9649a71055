import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { isRetryableTransactionError } from './pg-errors.js';

export type Tx = EntityManager;

/** PostgreSQL's isolation levels (READ UNCOMMITTED behaves as READ COMMITTED there). */
export type IsolationLevel = 'READ COMMITTED' | 'REPEATABLE READ' | 'SERIALIZABLE';

export interface RunOptions {
  /** READ COMMITTED unless said otherwise (e.g. REPEATABLE READ for reads that must describe one moment). */
  isolation?: IsolationLevel;
  /** Tries in all, the first included. Default 5. */
  attempts?: number;
}

/**
 * The one transaction boundary: runs `work` in a transaction (READ COMMITTED, or `isolation`) and retries
 * it from the start when PostgreSQL reports a deadlock or serialization failure. `work` must therefore
 * only have effects inside the transaction. `options` may also be the number of attempts.
 */
@Injectable()
export class Transactions {
  private readonly logger = new Logger(Transactions.name);

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async run<T>(work: (tx: Tx) => Promise<T>, options: RunOptions | number = {}): Promise<T> {
    const { isolation, attempts = 5 } = typeof options === 'number' ? { attempts: options } : options;
    for (let attempt = 1; ; attempt++) {
      try {
        return await (isolation ? this.dataSource.transaction(isolation, work) : this.dataSource.transaction(work));
      } catch (error) {
        if (attempt >= attempts || !isRetryableTransactionError(error)) throw error;
        this.logger.warn({ attempt, err: error }, 'transaction conflict, retrying');
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
      }
    }
  }
}

/**
 * Runs `work` under a savepoint of the caller's transaction: a failure rolls back only what `work` did
 * and is returned (the transaction goes on); success releases the savepoint.
 */
export async function underSavepoint<T>(tx: Tx, work: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  await tx.query('SAVEPOINT work');
  try {
    const value = await work();
    await tx.query('RELEASE SAVEPOINT work');
    return { ok: true, value };
  } catch (error) {
    await tx.query('ROLLBACK TO SAVEPOINT work');
    return { ok: false, error };
  }
}

/**
 * One consistent view of the database for long reads (exports, chain verification): a REPEATABLE READ,
 * READ ONLY transaction on a connection of its own, read in batches through a server-side cursor so
 * memory stays flat however many rows there are. Close it (or let `batches` finish) to free the connection.
 */
export class Snapshot {
  private closed = false;

  private constructor(private readonly runner: QueryRunner) {}

  static async open(dataSource: DataSource): Promise<Snapshot> {
    const runner = dataSource.createQueryRunner('slave');
    await runner.connect();
    try {
      await runner.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    } catch (error) {
      await runner.release();
      throw error;
    }
    return new Snapshot(runner);
  }

  query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.runner.query(sql, params);
  }

  /**
   * The rows of `sql` in batches of `batchRows`, in the snapshot. The next batch is already being
   * fetched while the caller works on the current one, so PostgreSQL and this process work at once.
   */
  async *batches<T>(sql: string, params: unknown[], batchRows: number): AsyncGenerator<T[]> {
    await this.runner.query(`DECLARE snapshot_rows NO SCROLL CURSOR FOR ${sql}`, params);
    const fetch = (): Promise<T[]> => this.runner.query(`FETCH FORWARD ${Math.trunc(batchRows)} FROM snapshot_rows`);
    let next: Promise<T[]> | null = fetch();
    try {
      while (next) {
        const rows: T[] = await next;
        next = rows.length < batchRows ? null : fetch();
        // A caller that stops early leaves a fetch in flight; its outcome no longer matters.
        next?.catch(() => undefined);
        if (rows.length > 0) yield rows;
      }
    } finally {
      if (!this.closed) await this.runner.query('CLOSE snapshot_rows').catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.runner.query('ROLLBACK');
    } finally {
      await this.runner.release();
    }
  }
}
