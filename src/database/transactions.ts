import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { isRetryableTransactionError } from './pg-errors.js';

export type Tx = EntityManager;

/**
 * The one transaction boundary: runs `work` in a READ COMMITTED transaction and retries it from the
 * start when PostgreSQL reports a deadlock or serialization failure. `work` must therefore only have
 * effects inside the transaction.
 */
@Injectable()
export class Transactions {
  private readonly logger = new Logger(Transactions.name);

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async run<T>(work: (tx: Tx) => Promise<T>, attempts = 5): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.dataSource.transaction(work);
      } catch (error) {
        if (attempt >= attempts || !isRetryableTransactionError(error)) throw error;
        this.logger.warn({ attempt, err: error }, 'transaction conflict, retrying');
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
      }
    }
  }
}
