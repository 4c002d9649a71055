import { Body, Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { Allow, ANY_AGENT, CurrentPrincipal } from '../platform/auth/access.decorator.js';
import type { Principal } from '../platform/auth/principal.js';
import { ApiProblems } from '../platform/openapi/api-problems.js';
import { ApiTag } from '../platform/openapi/api-tags.js';
import { UuidParam } from '../platform/uuid-param.js';
import { ShopException } from '../shops/shop.problems.js';
import { AgentException } from './agent.problems.js';
import { AgentView } from './agent.view.js';
import { AgentsService } from './agents.service.js';
import { CreateAgentDto } from './dto/create-agent.dto.js';
import { UpdateAgentDto } from './dto/update-agent.dto.js';

@ApiTag('Agents and sign-in')
@Controller('v1/shops/:shopId/agents')
@ApiProblems(ShopException, 'SHOP_NOT_FOUND')
export class AgentsController {
  constructor(private readonly agents: AgentsService) {}

  @Post()
  @HttpCode(201)
  @Allow('admin', 'supervisor')
  @ApiOperation({ operationId: 'createAgent', summary: 'Create an agent account (agent, supervisor or auditor)' })
  @ApiBody({
    type: CreateAgentDto,
    examples: {
      agent: { summary: 'An agent', value: { email: 'xiaoli@example.com', displayName: '小李', role: 'agent', password: 'correct horse battery staple' } },
      auditor: {
        summary: 'An auditor (reads and exports only)',
        value: { email: 'shenji@example.com', displayName: '审计 王芳', role: 'auditor', password: 'auditor-2026-long-passphrase' },
      },
    },
  })
  @ApiCreatedResponse({ type: AgentView })
  @ApiProblems(AgentException, 'AGENT_EMAIL_TAKEN')
  create(@CurrentPrincipal() principal: Principal, @UuidParam('shopId') shopId: string, @Body() body: CreateAgentDto): Promise<AgentView> {
    return this.agents.create(principal, shopId, body);
  }

  @Get()
  @Allow('admin', ...ANY_AGENT)
  @ApiOperation({ operationId: 'listAgents', summary: 'List the shop’s agents' })
  @ApiOkResponse({ type: [AgentView] })
  list(@CurrentPrincipal() principal: Principal, @UuidParam('shopId') shopId: string): Promise<AgentView[]> {
    return this.agents.list(principal, shopId);
  }

  @Patch(':agentId')
  @Allow('admin', 'supervisor')
  @ApiOperation({ operationId: 'updateAgent', summary: 'Edit an agent: display name, maximum open cases (null: no limit)' })
  @ApiBody({
    type: UpdateAgentDto,
    examples: {
      maximum: { summary: 'At most 30 open cases', value: { maxOpenCases: 30 } },
      noLimit: { summary: 'No maximum', value: { maxOpenCases: null } },
      rename: { summary: 'A new display name', value: { displayName: '小李（晚班）' } },
    },
  })
  @ApiOkResponse({ type: AgentView })
  @ApiProblems(AgentException, 'AGENT_NOT_FOUND')
  update(
    @CurrentPrincipal() principal: Principal,
    @UuidParam('shopId') shopId: string,
    @UuidParam('agentId') agentId: string,
    @Body() body: UpdateAgentDto,
  ): Promise<AgentView> {
    return this.agents.update(principal, shopId, agentId, body);
  }

  @Delete(':agentId')
  @HttpCode(204)
  @Allow('admin', 'supervisor')
  @ApiOperation({ operationId: 'deactivateAgent', summary: 'Deactivate an agent and revoke their sessions' })
  @ApiNoContentResponse({ description: 'Deactivated' })
  @ApiProblems(AgentException, 'AGENT_NOT_FOUND')
  async deactivate(@CurrentPrincipal() principal: Principal, @UuidParam('shopId') shopId: string, @UuidParam('agentId') agentId: string): Promise<void> {
    await this.agents.deactivate(principal, shopId, agentId);
  }
}
