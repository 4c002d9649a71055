import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { Tx } from '../platform/database/transactions.js';
import { ShopSetup, type ShopSetupStep } from '../shops/shop-setup.js';
import { SEED_CANNED_REPLIES_SQL, defaultCannedReplyRows } from './canned-replies.seed.js';

/** A new shop starts with the default canned replies, written in the transaction that inserts the shop. */
@Injectable()
export class DefaultCannedRepliesSetup implements ShopSetupStep, OnModuleInit {
  constructor(private readonly setup: ShopSetup) {}

  onModuleInit(): void {
    this.setup.register(this);
  }

  async setUp(tx: Tx, shopId: string): Promise<void> {
    await tx.query(SEED_CANNED_REPLIES_SQL('SELECT $2::uuid AS id'), [JSON.stringify(defaultCannedReplyRows()), shopId]);
  }
}
