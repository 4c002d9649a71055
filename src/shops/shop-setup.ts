import { Injectable } from '@nestjs/common';
import type { Tx } from '../platform/database/transactions.js';

/**
 * Something a new shop starts with, written by the feature that owns it (canned replies, for one) in the
 * transaction that inserts the shop. Steps must only have effects inside that transaction: it may be
 * retried from the start.
 */
export interface ShopSetupStep {
  setUp(tx: Tx, shopId: string): Promise<void>;
}

/** The set-up steps features register (in their `onModuleInit`), run for every new shop. */
@Injectable()
export class ShopSetup {
  private readonly steps: ShopSetupStep[] = [];

  register(step: ShopSetupStep): void {
    if (!this.steps.includes(step)) this.steps.push(step);
  }

  /** Runs every registered step, in registration order, in the shop's own transaction. */
  async runIn(tx: Tx, shopId: string): Promise<void> {
    for (const step of this.steps) await step.setUp(tx, shopId);
  }
}
