import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { Allow, ANY_AGENT, CurrentPrincipal } from '../platform/auth/access.decorator.js';
import type { AgentPrincipal } from '../platform/auth/principal.js';
import { ApiTag } from '../platform/openapi/api-tags.js';
import { ConsoleBootstrapService } from './console-bootstrap.service.js';
import { ConsoleBootstrapView } from './console-bootstrap.view.js';

const EXAMPLE: ConsoleBootstrapView = {
  me: {
    id: '6f1c2a9e-5b7d-4e8f-9a10-7c6b5d4e3f21',
    email: 'xiaoli@example.com',
    displayName: '小李',
    role: 'agent',
    presence: 'online',
    maxOpenCases: 10,
    openCases: 7,
    sessionExpiresAt: '2026-11-20T21:30:00.000Z',
  },
  shop: {
    id: '5b1e7f3a-8c2d-4e9f-a1b0-c3d4e5f60718',
    slug: 'acme-tmall',
    name: 'ACME 官方旗舰店',
    platform: 'tmall',
    timezone: 'Asia/Shanghai',
    policy: { merchantResponseHours: 48, buyerReturnShippingDays: 7, merchantReceiptDays: 10, disputeEvidenceHours: 48, buyerEscalationDays: 7 },
    distributionEnabled: true,
  },
  serverTime: '2026-11-20T09:30:00.000Z',
  deadlineWarningLeadMinutes: 360,
  capabilities: {
    claim: true,
    assign: false,
    transfer: true,
    workCases: true,
    uploadEvidence: true,
    overrideGuard: false,
    readAudit: false,
    exportAudit: false,
    exportPersonalData: false,
    manageReplies: false,
    manageShop: false,
    manageAgents: false,
    manageApiKeys: false,
    manageWebhooks: false,
    readMetrics: true,
  },
};

@ApiTag('Agents and sign-in')
@Controller('v1/console')
export class ConsoleBootstrapController {
  constructor(private readonly bootstrap: ConsoleBootstrapService) {}

  @Get('bootstrap')
  @Allow(...ANY_AGENT)
  @ApiOperation({
    operationId: 'getConsoleBootstrap',
    summary: 'What the console needs first: who I am (with my open cases), my shop, the server time, the due-soon lead and what my role may do',
    description:
      '`capabilities` come from the same rules the API enforces (each route’s roles and the service checks), so the console can hide ' +
      'what would be refused; the API refuses it all the same.',
  })
  @ApiOkResponse({ type: ConsoleBootstrapView, example: EXAMPLE })
  get(@CurrentPrincipal() principal: AgentPrincipal): Promise<ConsoleBootstrapView> {
    return this.bootstrap.bootstrap(principal);
  }
}
