import { Injectable } from '@nestjs/common';
import { actorOf, type AgentPrincipal } from '../platform/auth/principal.js';
import { Clock } from '../platform/clock/clock.js';
import { Transactions, type Tx } from '../platform/database/transactions.js';
import { ASSIGNEE_CHANGED, CaseEngine, type Actor } from '../cases/case-engine.js';
import { CaseRepository } from '../cases/case.repository.js';
import { toCaseView, type CaseView } from '../cases/case.view.js';
import type { AssignCaseDto } from './dto/assign-case.dto.js';
import { QueueException } from './queue.problems.js';
import { QueueRepository, type AgentLoad } from './queue.repository.js';

/** A supervisor assigns any case of the shop to anyone who works cases; others only pass on their own. */
export function mayAssignAnyCase(principal: AgentPrincipal): boolean {
  return principal.role === 'supervisor';
}

/**
 * Who works a case: supervisors assign any case to anyone who works cases; agents transfer (转交) their own
 * cases to a teammate who is online and has room, or put them back in the queue. New cases are distributed
 * (分流) when the shop has it on. Every change appends ASSIGNEE_CHANGED to the case's audit trail.
 */
@Injectable()
export class AssignmentService {
  constructor(
    private readonly transactions: Transactions,
    private readonly queue: QueueRepository,
    private readonly cases: CaseRepository,
    private readonly engine: CaseEngine,
    private readonly clock: Clock,
  ) {}

  async assign(principal: AgentPrincipal, caseId: string, input: AssignCaseDto, expectedVersion?: number): Promise<CaseView> {
    const supervisor = mayAssignAnyCase(principal);
    return this.transactions.run(async (tx) => {
      // The case first, then the teammate: the same order as every other path that takes both locks.
      const loaded = await this.cases.requireWithContext(tx, principal.shopId, caseId, true);
      const current = loaded.record;
      if (current.archivedAt) throw new QueueException('CASE_ARCHIVED', `Case ${caseId} was archived at ${current.archivedAt.toISOString()}.`);
      if (!supervisor && current.assigneeId !== principal.agentId) {
        throw new QueueException('CASE_NOT_YOURS', current.assigneeId ? 'The case is assigned to a teammate.' : 'Claim the case before transferring it.');
      }
      if (current.assigneeId === input.agentId) return toCaseView(current, loaded.order, loaded.timers);
      if (input.agentId !== null) await this.assertMayReceive(tx, principal, input.agentId, supervisor);

      const via = supervisor ? 'assign' : input.agentId === null ? 'release' : 'transfer';
      const changed = await this.engine.recordIn(tx, {
        shopId: principal.shopId,
        caseId,
        event: { type: ASSIGNEE_CHANGED, from: current.assigneeId, to: input.agentId, via, ...(input.note ? { note: input.note } : {}) },
        actor: actorOf(principal) as Actor,
        expectedVersion,
        assigneeId: input.agentId,
      });
      return toCaseView(changed.record, changed.order, changed.timers);
    });
  }

  /**
   * Chooses, and locks, the online agent who should get a new case: fewest open cases first, never one
   * at their maximum (recounted under their lock, so parallel intakes cannot overrun it). Undefined when
   * nobody is eligible: the case waits unassigned in the queue.
   */
  async chooseForNewCase(tx: Tx, shopId: string): Promise<string | undefined> {
    for (const candidate of await this.queue.distributionCandidates(tx, shopId, this.clock.now())) {
      const agent = await this.queue.lockAgent(tx, shopId, candidate.id);
      if (!agent || !agent.active || agent.presence !== 'online') continue;
      if (agent.maxOpenCases !== null && (await this.queue.openCasesOf(tx, shopId, agent.id)) >= agent.maxOpenCases) continue;
      return agent.id;
    }
    return undefined;
  }

  private async assertMayReceive(tx: Tx, principal: AgentPrincipal, agentId: string, supervisor: boolean): Promise<AgentLoad> {
    const target = await this.queue.lockAgent(tx, principal.shopId, agentId);
    if (!target) throw new QueueException('ASSIGNEE_NOT_FOUND', `No agent ${agentId} in this shop.`, { field: 'agentId' });
    if (!target.active || target.role === 'auditor') {
      throw new QueueException('ASSIGNEE_CANNOT_WORK_CASES', `${target.displayName} is ${target.active ? 'an auditor' : 'deactivated'}.`, { field: 'agentId' });
    }
    // A supervisor's assignment is a decision about the team's load; a transfer needs the teammate's room.
    if (supervisor) return target;
    if (target.presence !== 'online') {
      throw new QueueException('ASSIGNEE_UNAVAILABLE', `${target.displayName} is ${target.presence}.`, { presence: target.presence });
    }
    if (target.maxOpenCases !== null) {
      const open = await this.queue.openCasesOf(tx, principal.shopId, target.id);
      if (open >= target.maxOpenCases) {
        throw new QueueException('AGENT_AT_CAPACITY', `${target.displayName} has ${open} open cases; their maximum is ${target.maxOpenCases}.`, {
          openCases: open,
          maxOpenCases: target.maxOpenCases,
        });
      }
    }
    return target;
  }
}
