import { Body, Controller, Get, Headers, HttpCode, Post, Put, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Allow, CurrentPrincipal } from '../common/auth/access.decorator.js';
import type { AgentPrincipal } from '../common/auth/principal.js';
import { UuidParam } from '../common/uuid-param.js';
import { parseIfMatch } from '../cases/if-match.js';
import { AssignmentService } from './assignment.service.js';
import { AssignCaseDto } from './dto/assign-case.dto.js';
import { QueueQueryDto } from './dto/queue-query.dto.js';
import { QueueService } from './queue.service.js';

@ApiTags('queue')
@Controller('v1')
export class QueueController {
  constructor(
    private readonly queue: QueueService,
    private readonly assignments: AssignmentService,
  ) {}

  @Get('queue')
  @Allow('agent', 'supervisor')
  @ApiOperation({ summary: 'Your cases and the unassigned ones, most urgent merchant deadline first, then most money at stake' })
  list(@CurrentPrincipal() caller: AgentPrincipal, @Query() query: QueueQueryDto) {
    return this.queue.list(caller, query);
  }

  @Post('queue/claim')
  @HttpCode(200)
  @Allow('agent', 'supervisor')
  @ApiOperation({ summary: 'Take the next unassigned case in queue order (204 when none is left)' })
  async claim(@CurrentPrincipal() caller: AgentPrincipal, @Res({ passthrough: true }) reply: FastifyReply) {
    const claimed = await this.queue.claim(caller);
    if (!claimed) {
      reply.status(204);
      return undefined;
    }
    reply.header('etag', `"${claimed.version}"`).header('location', `/v1/cases/${claimed.id}`);
    return claimed;
  }

  @Put('cases/:caseId/assignee')
  @Allow('agent', 'supervisor')
  @ApiHeader({ name: 'If-Match', required: false, description: 'The case version you saw' })
  @ApiOperation({ summary: 'Assign (supervisor), transfer 转交 (your own case, to an online teammate) or release a case (agentId null)' })
  async assign(
    @CurrentPrincipal() caller: AgentPrincipal,
    @UuidParam('caseId') caseId: string,
    @Body() body: AssignCaseDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const view = await this.assignments.assign(caller, caseId, body, parseIfMatch(ifMatch));
    reply.header('etag', `"${view.version}"`);
    return view;
  }
}
