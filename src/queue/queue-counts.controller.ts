import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { Allow, CurrentPrincipal } from '../platform/auth/access.decorator.js';
import type { AgentPrincipal } from '../platform/auth/principal.js';
import { ApiTag } from '../platform/openapi/api-tags.js';
import { QueueCountsService } from './queue-counts.service.js';
import { QueueCountsView } from './queue-counts.view.js';

@ApiTag('Queue')
@Controller('v1/queue')
export class QueueCountsController {
  constructor(private readonly queueCounts: QueueCountsService) {}

  @Get('counts')
  @Allow('agent', 'supervisor')
  @ApiOperation({
    operationId: 'getQueueCounts',
    summary: 'Badge counts: my open cases and the unassigned ones by SLA state, and the money auto-approval will move soon',
    description:
      'SLA states are the queue’s own (`sla` of GET /v1/queue): `overdue` past the merchant deadline, `dueSoon` within ' +
      'DEADLINE_WARNING_LEAD_MINUTES, `ok` otherwise or without a running deadline. `autoApprove` counts open refund and return ' +
      'cases whose 48 h merchant-response deadline falls within that lead (past ones the service has not fired yet included) ' +
      'and sums what they ask for: an agent’s own cases, or the whole shop’s for a supervisor (`scope`).',
  })
  @ApiOkResponse({
    type: QueueCountsView,
    example: {
      mine: { overdue: 1, dueSoon: 3, ok: 5, total: 9 },
      unassigned: { overdue: 0, dueSoon: 2, ok: 14, total: 16 },
      autoApprove: { scope: 'mine', withinMinutes: 360, count: 2, amount: 59800, currency: 'CNY', byCurrency: [{ currency: 'CNY', count: 2, amount: 59800 }] },
      at: '2026-11-20T09:30:00.000Z',
    },
  })
  get(@CurrentPrincipal() principal: AgentPrincipal): Promise<QueueCountsView> {
    return this.queueCounts.counts(principal);
  }
}
