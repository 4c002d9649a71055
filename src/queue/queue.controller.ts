import { Body, Controller, Get, Headers, HttpCode, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Allow, CurrentPrincipal } from '../platform/auth/access.decorator.js';
import type { AgentPrincipal } from '../platform/auth/principal.js';
import { ApiProblems } from '../platform/openapi/api-problems.js';
import { ApiTag } from '../platform/openapi/api-tags.js';
import { CaseException } from '../cases/case.problems.js';
import { CaseView } from '../cases/case.view.js';
import { UuidParam } from '../platform/uuid-param.js';
import { parseIfMatch } from '../cases/if-match.js';
import { AssignmentService } from './assignment.service.js';
import { AssignCaseDto } from './dto/assign-case.dto.js';
import { QueueQueryDto } from './dto/queue-query.dto.js';
import { QueueService } from './queue.service.js';
import { QueuePage } from './queue-item.view.js';
import { QueueException } from './queue.problems.js';

@ApiTag('Queue')
@Controller('v1')
export class QueueController {
  constructor(
    private readonly queue: QueueService,
    private readonly assignments: AssignmentService,
  ) {}

  @Get('queue')
  @Allow('agent', 'supervisor')
  @ApiOperation({ operationId: 'listQueue', summary: 'Your cases and the unassigned ones, most urgent merchant deadline first, then most money at stake' })
  @ApiOkResponse({ type: QueuePage })
  list(@CurrentPrincipal() caller: AgentPrincipal, @Query() query: QueueQueryDto): Promise<QueuePage> {
    return this.queue.list(caller, query);
  }

  @Post('queue/claim')
  @HttpCode(200)
  @Allow('agent', 'supervisor')
  @ApiOperation({ operationId: 'claimNextCase', summary: 'Take the next unassigned case in queue order (204 when none is left)' })
  @ApiOkResponse({ type: CaseView, description: 'The case, now yours' })
  @ApiNoContentResponse({ description: 'No unassigned case is left' })
  @ApiProblems(QueueException, 'AGENT_AT_CAPACITY')
  async claim(@CurrentPrincipal() caller: AgentPrincipal, @Res({ passthrough: true }) reply: FastifyReply): Promise<CaseView | undefined> {
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
  @ApiOperation({
    operationId: 'assignCase',
    summary: 'Assign (supervisor), transfer 转交 (your own case, to an online teammate) or release a case (agentId null)',
  })
  @ApiBody({
    type: AssignCaseDto,
    examples: {
      transfer: {
        summary: 'Transfer (转交) to an online teammate',
        value: { agentId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', note: '买家要求换人跟进，转交给小王' },
      },
      release: { summary: 'Put the case back in the queue', value: { agentId: null } },
    },
  })
  @ApiOkResponse({ type: CaseView, description: 'The case with its new assignee' })
  @ApiProblems(CaseException, 'INVALID_IF_MATCH', 'CASE_NOT_FOUND', 'VERSION_MISMATCH')
  @ApiProblems(
    QueueException,
    'CASE_NOT_YOURS',
    'CASE_ARCHIVED',
    'AGENT_AT_CAPACITY',
    'ASSIGNEE_UNAVAILABLE',
    'ASSIGNEE_NOT_FOUND',
    'ASSIGNEE_CANNOT_WORK_CASES',
  )
  async assign(
    @CurrentPrincipal() caller: AgentPrincipal,
    @UuidParam('caseId') caseId: string,
    @Body() body: AssignCaseDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CaseView> {
    const view = await this.assignments.assign(caller, caseId, body, parseIfMatch(ifMatch));
    reply.header('etag', `"${view.version}"`);
    return view;
  }
}
