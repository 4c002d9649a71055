import { Body, Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, ANY_AGENT, CurrentPrincipal } from '../common/auth/access.decorator.js';
import type { Principal } from '../common/auth/principal.js';
import { UuidParam } from '../common/uuid-param.js';
import { AgentsService } from './agents.service.js';
import { CreateAgentDto } from './dto/create-agent.dto.js';
import { UpdateAgentDto } from './dto/update-agent.dto.js';

@ApiTags('agents')
@Controller('v1/shops/:shopId/agents')
export class AgentsController {
  constructor(private readonly agents: AgentsService) {}

  @Post()
  @HttpCode(201)
  @Allow('admin', 'supervisor')
  @ApiOperation({ summary: 'Create an agent account (agent, supervisor or auditor)' })
  create(@CurrentPrincipal() principal: Principal, @UuidParam('shopId') shopId: string, @Body() body: CreateAgentDto) {
    return this.agents.create(principal, shopId, body);
  }

  @Get()
  @Allow('admin', ...ANY_AGENT)
  @ApiOperation({ summary: 'List the shop’s agents' })
  list(@CurrentPrincipal() principal: Principal, @UuidParam('shopId') shopId: string) {
    return this.agents.list(principal, shopId);
  }

  @Patch(':agentId')
  @Allow('admin', 'supervisor')
  @ApiOperation({ summary: 'Edit an agent: display name, maximum open cases (null: no limit)' })
  update(@CurrentPrincipal() principal: Principal, @UuidParam('shopId') shopId: string, @UuidParam('agentId') agentId: string, @Body() body: UpdateAgentDto) {
    return this.agents.update(principal, shopId, agentId, body);
  }

  @Delete(':agentId')
  @HttpCode(204)
  @Allow('admin', 'supervisor')
  @ApiOperation({ summary: 'Deactivate an agent and revoke their sessions' })
  async deactivate(@CurrentPrincipal() principal: Principal, @UuidParam('shopId') shopId: string, @UuidParam('agentId') agentId: string) {
    await this.agents.deactivate(principal, shopId, agentId);
  }
}
