import { Body, Controller, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, CurrentPrincipal } from '../common/auth/access.decorator.js';
import type { AgentPrincipal } from '../common/auth/principal.js';
import { AgentsService } from './agents.service.js';
import { PresenceDto } from './dto/presence.dto.js';

@ApiTags('agents')
@Controller('v1/agents/me')
export class PresenceController {
  constructor(private readonly agents: AgentsService) {}

  @Put('presence')
  @Allow('agent', 'supervisor')
  @ApiOperation({ summary: 'Set your presence: online, away or suspended (挂起: keep your cases, receive no new ones)' })
  setPresence(@CurrentPrincipal() principal: AgentPrincipal, @Body() body: PresenceDto) {
    return this.agents.setPresence(principal, body.presence);
  }
}
