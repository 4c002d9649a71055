import { Body, Controller, Put } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { Allow, CurrentPrincipal } from '../platform/auth/access.decorator.js';
import type { AgentPrincipal } from '../platform/auth/principal.js';
import { ApiTag } from '../platform/openapi/api-tags.js';
import { AgentView } from './agent.view.js';
import { AgentsService } from './agents.service.js';
import { PresenceDto } from './dto/presence.dto.js';

@ApiTag('Agents and sign-in')
@Controller('v1/agents/me')
export class PresenceController {
  constructor(private readonly agents: AgentsService) {}

  @Put('presence')
  @Allow('agent', 'supervisor')
  @ApiOperation({ operationId: 'setPresence', summary: 'Set your presence: online, away or suspended (挂起: keep your cases, receive no new ones)' })
  @ApiBody({
    type: PresenceDto,
    examples: {
      online: { summary: 'Start taking distributed cases', value: { presence: 'online' } },
      suspended: { summary: '挂起: keep your cases, get no new ones', value: { presence: 'suspended' } },
    },
  })
  @ApiOkResponse({ type: AgentView })
  setPresence(@CurrentPrincipal() principal: AgentPrincipal, @Body() body: PresenceDto): Promise<AgentView> {
    return this.agents.setPresence(principal, body.presence);
  }
}
