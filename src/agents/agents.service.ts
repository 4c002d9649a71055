import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { AgentPrincipal, Principal } from '../platform/auth/principal.js';
import { Clock } from '../platform/clock/clock.js';
import { isUniqueViolation } from '../platform/database/pg-errors.js';
import { Transactions } from '../platform/database/transactions.js';
import { assertShopAccess } from '../shops/shop-access.js';
import { ShopsService } from '../shops/shops.service.js';
import type { Presence } from './agent.record.js';
import { AgentException } from './agent.problems.js';
import { toAgentView, type AgentView } from './agent.view.js';
import { AgentsRepository } from './agents.repository.js';
import type { CreateAgentDto } from './dto/create-agent.dto.js';
import type { UpdateAgentDto } from './dto/update-agent.dto.js';
import { hashPassword } from './password-hasher.js';
import { SessionsRepository } from './sessions.repository.js';

@Injectable()
export class AgentsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
    private readonly agents: AgentsRepository,
    private readonly sessions: SessionsRepository,
    private readonly shops: ShopsService,
    private readonly clock: Clock,
  ) {}

  async create(principal: Principal, shopId: string, input: CreateAgentDto): Promise<AgentView> {
    assertShopAccess(principal, shopId, 'manage');
    await this.shops.require(shopId);
    const passwordHash = await hashPassword(input.password);
    try {
      const agent = await this.agents.insert(this.dataSource.manager, {
        shopId,
        email: input.email,
        displayName: input.displayName,
        role: input.role,
        passwordHash,
      });
      return toAgentView(agent);
    } catch (error) {
      if (isUniqueViolation(error, 'agents_shop_email_key')) {
        throw new AgentException('AGENT_EMAIL_TAKEN', `${input.email} already has an account in this shop.`);
      }
      throw error;
    }
  }

  async list(principal: Principal, shopId: string): Promise<AgentView[]> {
    assertShopAccess(principal, shopId, 'read');
    await this.shops.require(shopId);
    const agents = await this.agents.list(this.dataSource.manager, shopId);
    return agents.map(toAgentView);
  }

  async update(principal: Principal, shopId: string, agentId: string, input: UpdateAgentDto): Promise<AgentView> {
    assertShopAccess(principal, shopId, 'manage');
    // Lowering a maximum below what an agent holds keeps their cases; it only stops new ones reaching them.
    const agent = await this.agents.update(this.dataSource.manager, shopId, agentId, { displayName: input.displayName, maxOpenCases: input.maxOpenCases });
    if (!agent) throw new AgentException('AGENT_NOT_FOUND', `No agent ${agentId} in this shop.`);
    return toAgentView(agent);
  }

  /** online takes distributed cases; away and suspended (挂起) keep their cases and receive no new ones. */
  async setPresence(principal: AgentPrincipal, presence: Presence): Promise<AgentView> {
    const agent = await this.agents.setPresence(this.dataSource.manager, principal.shopId, principal.agentId, presence, this.clock.now());
    if (!agent) throw new Error(`agent ${principal.agentId} of a live session not found`);
    return toAgentView(agent);
  }

  /** Deactivates an agent and revokes every session of theirs in the same transaction. */
  async deactivate(principal: Principal, shopId: string, agentId: string): Promise<void> {
    assertShopAccess(principal, shopId, 'manage');
    await this.transactions.run(async (tx) => {
      if (!(await this.agents.deactivate(tx, shopId, agentId))) throw new AgentException('AGENT_NOT_FOUND', `No agent ${agentId} in this shop.`);
      await this.sessions.revokeAllOfAgent(tx, agentId, this.clock.now());
    });
  }
}
