import { Injectable } from '@nestjs/common';
import { actorOf, type AgentPrincipal } from '../platform/auth/principal.js';
import { Clock } from '../platform/clock/clock.js';
import { Environment } from '../platform/config/environment.js';
import { Transactions } from '../platform/database/transactions.js';
import { ASSIGNEE_CHANGED, CaseEngine, type Actor } from '../cases/case-engine.js';
import { toCaseView, type CaseView } from '../cases/case.view.js';
import type { Page } from '../platform/pagination.js';
import type { QueueQueryDto } from './dto/queue-query.dto.js';
import { decodeQueueCursor, encodeQueueCursor } from './queue-cursor.js';
import { toQueueItem, type QueueItem } from './queue-item.view.js';
import { QueueException } from './queue.problems.js';
import { QueueRepository, type AssigneeScope } from './queue.repository.js';

/** The agent queue: what to work next, and taking it. */
@Injectable()
export class QueueService {
  constructor(
    private readonly transactions: Transactions,
    private readonly queue: QueueRepository,
    private readonly engine: CaseEngine,
    private readonly clock: Clock,
    private readonly env: Environment,
  ) {}

  async list(principal: AgentPrincipal, query: QueueQueryDto): Promise<Page<QueueItem>> {
    const scope: AssigneeScope =
      query.assignee === undefined
        ? { kind: 'mineAndUnassigned', agentId: principal.agentId }
        : query.assignee === 'unassigned'
          ? { kind: 'unassigned' }
          : { kind: 'agent', agentId: query.assignee === 'me' ? principal.agentId : query.assignee.toLowerCase() };
    const rows = await this.transactions.run((tx) =>
      this.queue.page(tx, principal.shopId, {
        scope,
        type: query.type,
        step: query.step,
        intervened: query.intervened,
        after: decodeQueueCursor(query.cursor),
        limit: query.limit,
      }),
    );
    const now = this.clock.now();
    const dueSoonMs = this.env.DEADLINE_WARNING_LEAD_MINUTES * 60_000;
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((row) => toQueueItem(row, now, dueSoonMs)),
      nextCursor:
        rows.length > query.limit && last
          ? encodeQueueCursor({ dueAt: last.dueAt?.toISOString() ?? null, requestedAmount: last.requestedAmount, id: last.id })
          : null,
    };
  }

  /**
   * Assigns the next unassigned case in queue order to the caller; null when none is left. Concurrent
   * claims skip each other's rows instead of waiting, so no case goes to two agents and none is skipped
   * for good. The caller's own row is locked first, so their maximum holds against parallel claims.
   */
  async claim(principal: AgentPrincipal): Promise<CaseView | null> {
    return this.transactions.run(async (tx) => {
      const me = await this.queue.lockAgent(tx, principal.shopId, principal.agentId);
      if (me?.maxOpenCases != null) {
        const open = await this.queue.openCasesOf(tx, principal.shopId, principal.agentId);
        if (open >= me.maxOpenCases) {
          throw new QueueException('AGENT_AT_CAPACITY', `You have ${open} open cases; your maximum is ${me.maxOpenCases}.`, {
            openCases: open,
            maxOpenCases: me.maxOpenCases,
          });
        }
      }
      const caseId = await this.queue.lockNextUnassigned(tx, principal.shopId);
      if (!caseId) return null;
      const claimed = await this.engine.recordIn(tx, {
        shopId: principal.shopId,
        caseId,
        event: { type: ASSIGNEE_CHANGED, from: null, to: principal.agentId, via: 'claim' },
        actor: actorOf(principal) as Actor,
        assigneeId: principal.agentId,
      });
      return toCaseView(claimed.record, claimed.order, claimed.timers);
    });
  }
}
