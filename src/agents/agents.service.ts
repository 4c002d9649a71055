import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { IsNull, type DataSource, type Repository } from 'typeorm';
import type { Principal } from '../platform/auth/principal.js';
import { Clock } from '../platform/clock/clock.js';
import { isUniqueViolation } from '../platform/database/pg-errors.js';
import { assertShopAccess } from '../shops/shop-access.js';
import { ShopsService } from '../shops/shops.service.js';
import { AgentSession } from './agent-session.entity.js';
import { Agent } from './agent.entity.js';
import { AgentException } from './agent.problems.js';
import { toAgentView, type AgentView } from './agent.view.js';
import type { CreateAgentDto } from './dto/create-agent.dto.js';
import type { UpdateAgentDto } from './dto/update-agent.dto.js';
import type { AgentPrincipal } from '../platform/auth/principal.js';
import type { Presence } from './agent.entity.js';
import { hashPassword } from './password-hasher.js';

@Injectable()
export class AgentsService {
  constructor(
    @InjectRepository(Agent) private readonly agents: Repository<Agent>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly shops: ShopsService,
    private readonly clock: Clock,
  ) {}

  async create(principal: Principal, shopId: string, input: CreateAgentDto): Promise<AgentView> {
    assertShopAccess(principal, shopId, 'manage');
    await this.shops.require(shopId);
    const passwordHash = await hashPassword(input.password);
    try {
      const agent = await this.agents.save(
        this.agents.create({ shopId, email: input.email, displayName: input.displayName, role: input.role, passwordHash }),
      );
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
    const agents = await this.agents.find({ where: { shopId }, order: { createdAt: 'ASC', id: 'ASC' } });
    return agents.map(toAgentView);
  }

  async update(principal: Principal, shopId: string, agentId: string, input: UpdateAgentDto): Promise<AgentView> {
    assertShopAccess(principal, shopId, 'manage');
    const agent = await this.agents.findOneBy({ id: agentId, shopId });
    if (!agent) throw new AgentException('AGENT_NOT_FOUND', `No agent ${agentId} in this shop.`);
    if (input.displayName !== undefined) agent.displayName = input.displayName;
    // Lowering a maximum below what an agent holds keeps their cases; it only stops new ones reaching them.
    if (input.maxOpenCases !== undefined) agent.maxOpenCases = input.maxOpenCases;
    return toAgentView(await this.agents.save(agent));
  }

  /** online takes distributed cases; away and suspended (挂起) keep their cases and receive no new ones. */
  async setPresence(principal: AgentPrincipal, presence: Presence): Promise<AgentView> {
    const agent = await this.agents.findOneByOrFail({ id: principal.agentId, shopId: principal.shopId });
    if (agent.presence !== presence) {
      agent.presence = presence;
      agent.presenceChangedAt = this.clock.now();
      await this.agents.save(agent);
    }
    return toAgentView(agent);
  }

  /** Deactivates an agent and revokes every session of theirs in the same transaction. */
  async deactivate(principal: Principal, shopId: string, agentId: string): Promise<void> {
    assertShopAccess(principal, shopId, 'manage');
    await this.dataSource.transaction(async (manager) => {
      const result = await manager.update(Agent, { id: agentId, shopId }, { active: false });
      if (!result.affected) throw new AgentException('AGENT_NOT_FOUND', `No agent ${agentId} in this shop.`);
      await manager.update(AgentSession, { agentId, revokedAt: IsNull() }, { revokedAt: this.clock.now() });
    });
  }
}
