import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { Tx } from '../platform/database/transactions.js';
import { ShopSetup, type ShopSetupStep } from '../shops/shop-setup.js';
import { CannedRepliesRepository } from './canned-replies.repository.js';

/** A new shop starts with the default canned replies, written in the transaction that inserts the shop. */
@Injectable()
export class DefaultCannedRepliesSetup implements ShopSetupStep, OnModuleInit {
  constructor(
    private readonly setup: ShopSetup,
    private readonly replies: CannedRepliesRepository,
  ) {}

  onModuleInit(): void {
    this.setup.register(this);
  }

  async setUp(tx: Tx, shopId: string): Promise<void> {
    await this.replies.seedDefaults(tx, shopId);
  }
}
