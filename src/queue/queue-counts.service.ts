import { Injectable } from '@nestjs/common';
import type { AgentPrincipal } from '../platform/auth/principal.js';
import { Clock } from '../platform/clock/clock.js';
import { Environment } from '../platform/config/environment.js';
import { Transactions } from '../platform/database/transactions.js';
import { mayAssignAnyCase } from './assignment.service.js';
import { QueueCountsRepository } from './queue-counts.repository.js';
import type { QueueCountsView } from './queue-counts.view.js';

/** When nothing is at stake there is no currency to report; every platform served here settles in yuan. */
const DEFAULT_CURRENCY = 'CNY';

/** The numbers behind the console's badges: the queue's SLA states counted, and the money auto-approval would move. */
@Injectable()
export class QueueCountsService {
  constructor(
    private readonly transactions: Transactions,
    private readonly repository: QueueCountsRepository,
    private readonly clock: Clock,
    private readonly env: Environment,
  ) {}

  async counts(principal: AgentPrincipal): Promise<QueueCountsView> {
    const now = this.clock.now();
    const dueSoonUntil = new Date(now.getTime() + this.env.DEADLINE_WARNING_LEAD_MINUTES * 60_000);
    // A supervisor answers for the whole shop's money; an agent for their own cases.
    const scope = mayAssignAnyCase(principal) ? 'shop' : 'mine';
    const { mine, unassigned, atStake } = await this.transactions.run(async (tx) => ({
      mine: await this.repository.slaCounts(tx, principal.shopId, principal.agentId, now, dueSoonUntil),
      unassigned: await this.repository.slaCounts(tx, principal.shopId, null, now, dueSoonUntil),
      atStake: await this.repository.autoApprovalsDue(tx, principal.shopId, dueSoonUntil, scope === 'mine' ? principal.agentId : undefined),
    }));
    return {
      mine,
      unassigned,
      autoApprove: {
        scope,
        withinMinutes: this.env.DEADLINE_WARNING_LEAD_MINUTES,
        count: atStake.reduce((sum, group) => sum + group.count, 0),
        amount: atStake[0]?.amount ?? 0,
        currency: atStake[0]?.currency ?? DEFAULT_CURRENCY,
        byCurrency: atStake,
      },
      at: now.toISOString(),
    };
  }
}
