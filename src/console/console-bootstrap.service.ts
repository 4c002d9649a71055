import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { AgentPrincipal } from '../platform/auth/principal.js';
import { Clock } from '../platform/clock/clock.js';
import { CommonException } from '../platform/problem/common.problems.js';
import { Environment } from '../platform/config/environment.js';
import { ShopsService } from '../shops/shops.service.js';
import { toShopView, type ShopView } from '../shops/shop.view.js';
import { capabilitiesOf } from './capabilities.js';
import { ConsoleBootstrapRepository } from './console-bootstrap.repository.js';
import type { BootstrapShop, ConsoleBootstrapView } from './console-bootstrap.view.js';

/** Everything the console needs before its first screen, in one call. */
@Injectable()
export class ConsoleBootstrapService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: ConsoleBootstrapRepository,
    private readonly shops: ShopsService,
    private readonly clock: Clock,
    private readonly env: Environment,
  ) {}

  async bootstrap(principal: AgentPrincipal): Promise<ConsoleBootstrapView> {
    const [me, shop] = await Promise.all([
      this.repository.signedIn(this.dataSource.manager, principal.shopId, principal.agentId, principal.sessionId),
      this.shops.require(principal.shopId),
    ]);
    // The guard found the session a moment ago; it can only be gone if the agent was removed in between.
    if (!me) throw new CommonException('INVALID_CREDENTIALS', 'The session has ended: sign in again.');
    return {
      me: { ...me, sessionExpiresAt: me.sessionExpiresAt.toISOString() },
      shop: shopForConsole(toShopView(shop)),
      serverTime: this.clock.now().toISOString(),
      deadlineWarningLeadMinutes: this.env.DEADLINE_WARNING_LEAD_MINUTES,
      capabilities: capabilitiesOf(principal),
    };
  }
}

/** The shop view without its timestamps. */
function shopForConsole({ createdAt: _createdAt, updatedAt: _updatedAt, ...shop }: ShopView): BootstrapShop {
  return shop;
}
