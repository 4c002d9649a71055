import { Body, Controller, Get, Headers, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiExtraModels, ApiHeader, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AuditEventView } from '../audit/audit.repository.js';
import { Allow, ANY_AGENT, ShopCaller } from '../platform/auth/access.decorator.js';
import type { ShopPrincipal } from '../platform/auth/principal.js';
import { Idempotent } from '../platform/idempotency/idempotent.decorator.js';
import { ApiProblems } from '../platform/openapi/api-problems.js';
import { ApiTag } from '../platform/openapi/api-tags.js';
import { UuidParam } from '../platform/uuid-param.js';
import { EvidenceException } from '../evidence/evidence.problems.js';
import { RepliesException } from '../replies/replies.problems.js';
import { CASE_EVENT_EXAMPLES, CASE_VIEW_EXAMPLE } from '../cases/case.examples.js';
import { CaseEventPipe } from '../cases/case-event.pipe.js';
import { CaseException } from '../cases/case.problems.js';
import { CasePage, CaseView } from '../cases/case.view.js';
import { CaseDetail } from './case-detail.view.js';
import { parseIfMatch } from '../cases/if-match.js';
import { CasesService } from './cases.service.js';
import { ListCasesDto } from '../cases/dto/list-cases.dto.js';
import { CASE_EVENT_BODY } from '../cases/dto/case-event.dto.js';
import { OpenCaseDto } from '../cases/dto/open-case.dto.js';
import { CASE_RULE_KEYS } from '../cases/machine/case-rules.js';
import type { CaseEvent } from '../cases/machine/case.types.js';

/** The case version, also sent back as `If-Match`. */
const ETAG = { ETag: { description: 'The case version, quoted: send it back as `If-Match`', schema: { type: 'string', example: '"1"' } } };

/** Rules an event sent by a client can break; only the deadline sweeper's auto-approval meets AUTO_APPROVAL_NOT_APPLICABLE. */
const CLIENT_EVENT_REFUSALS = CASE_RULE_KEYS.filter((key) => key !== 'AUTO_APPROVAL_NOT_APPLICABLE');

@ApiTag('Cases')
@Controller('v1/cases')
export class CasesController {
  constructor(private readonly cases: CasesService) {}

  @Post()
  @Allow('integration', 'agent', 'supervisor')
  @Idempotent({ required: true })
  @ApiOperation({
    operationId: 'openCase',
    summary: 'Open a case from a platform request with its order snapshot; the same platform case id returns the existing case (200)',
  })
  @ApiBody({
    type: OpenCaseDto,
    examples: {
      refund: {
        summary: 'A refund for a quality problem (platform reason text)',
        value: {
          platformCaseId: 'TB-RF-20261120-0001',
          type: 'refund',
          reasonCode: '商品质量问题',
          buyerText: '鞋底开胶了',
          requestedAmount: 29900,
          requestedAt: '2026-11-20T09:00:00Z',
          buyer: { id: 'tb_buyer_8812', nickname: '小明', phone: '13800138000', address: '浙江省杭州市余杭区文一西路 969 号' },
          order: {
            orderId: '3921837712345678',
            status: 'shipped',
            paidTotal: 29900,
            currency: 'CNY',
            shippedAt: '2026-11-18T08:00:00Z',
            items: [{ sku: 'SKU-RED-42', title: '男士运动鞋 红色 42码', quantity: 1, unitPrice: 29900, goodsKind: 'standard' }],
          },
        },
      },
      return: {
        summary: 'A return, our reason code',
        value: {
          platformCaseId: 'PDD-RT-88120',
          platform: 'pinduoduo',
          type: 'return',
          reasonCode: 'not_as_described',
          requestedAmount: 5900,
          requestedAt: '2026-11-20T09:00:00Z',
          buyer: { id: 'pdd_7781' },
          order: {
            orderId: '261120-5519',
            status: 'delivered',
            paidTotal: 11800,
            shippedAt: '2026-11-16T02:00:00Z',
            items: [{ sku: 'MUG-BLUE', title: '陶瓷马克杯 蓝色', quantity: 2, unitPrice: 5900 }],
          },
        },
      },
    },
  })
  @ApiCreatedResponse({
    type: CaseView,
    description: 'The case was opened',
    headers: { ...ETAG, Location: { description: 'The case’s URL', schema: { type: 'string', example: '/v1/cases/0b7c2f0e-3b8f-4a53-9d54-2f1f1e9b7a10' } } },
    example: CASE_VIEW_EXAMPLE,
  })
  @ApiOkResponse({ type: CaseView, description: 'A case with this platform case id was open already: that case', headers: ETAG })
  @ApiProblems(CaseException, 'ORDER_NOT_SHIPPED', 'SPECIAL_GOODS_REFUND_ONLY', 'AMOUNT_EXCEEDS_REFUNDABLE', 'CURRENCY_MISMATCH')
  async open(@ShopCaller() caller: ShopPrincipal, @Body() body: OpenCaseDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<CaseView> {
    const { view, created } = await this.cases.open(caller, body);
    reply
      .status(created ? 201 : 200)
      .header('etag', `"${view.version}"`)
      .header('location', `/v1/cases/${view.id}`);
    return view;
  }

  @Get()
  @Allow('integration', ...ANY_AGENT)
  @ApiOperation({ operationId: 'listCases', summary: 'List cases by state, type, assignee, order or due deadline (cursor pages)' })
  @ApiOkResponse({ type: CasePage, example: { items: [CASE_VIEW_EXAMPLE], nextCursor: null } })
  list(@ShopCaller() caller: ShopPrincipal, @Query() query: ListCasesDto): Promise<CasePage> {
    return this.cases.list(caller, query);
  }

  @Get(':caseId')
  @Allow('integration', ...ANY_AGENT)
  @ApiOperation({ operationId: 'getCase', summary: 'A case: state, amounts, reasons, active deadlines, allowed events and version (also the ETag)' })
  @ApiOkResponse({
    type: CaseDetail,
    headers: ETAG,
    example: {
      ...CASE_VIEW_EXAMPLE,
      evidence: { count: 0, submittedAt: null, checklistReason: 'quality_problem', checklist: [{ kind: 'photo', provided: false, count: 0 }] },
    },
  })
  @ApiProblems(CaseException, 'CASE_NOT_FOUND')
  async get(@ShopCaller() caller: ShopPrincipal, @UuidParam('caseId') caseId: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<CaseDetail> {
    const view = await this.cases.get(caller, caseId);
    reply.header('etag', `"${view.version}"`);
    return view;
  }

  @Post(':caseId/events')
  @HttpCode(200)
  @Allow('integration', 'agent', 'supervisor')
  @Idempotent()
  @ApiHeader({ name: 'If-Match', required: false, description: 'The case version you saw; a stale one answers 412 with the current version' })
  @ApiOperation({
    operationId: 'sendCaseEvent',
    summary: 'Send an event `{ type, ...payload }` to the case machine',
    description:
      'One schema per event type, told apart by `type`. Agents send playbook events (CONTACT_BUYER … SUBMIT_EVIDENCE); the order system ' +
      'reports buyer, money and platform events with the shop’s API key. GET /v1/machine lists which states accept which events.',
  })
  @ApiExtraModels(...CASE_EVENT_BODY.models)
  @ApiBody({
    description: 'The event type and its payload (validated per type).',
    schema: CASE_EVENT_BODY.schema,
    examples: CASE_EVENT_EXAMPLES,
  })
  @ApiOkResponse({ type: CaseView, description: 'The case after the event', headers: ETAG })
  @ApiProblems(
    CaseException,
    'INVALID_IF_MATCH',
    'EVENT_SOURCE_FORBIDDEN',
    'CASE_NOT_FOUND',
    'EVENT_NOT_ALLOWED',
    'REFUNDABLE_AMOUNT_EXCEEDED',
    'VERSION_MISMATCH',
    ...CLIENT_EVENT_REFUSALS,
  )
  @ApiProblems(RepliesException, 'GUARD_OVERRIDE_FORBIDDEN', 'REPLY_BLOCKED')
  @ApiProblems(EvidenceException, 'EVIDENCE_PACKAGE_EMPTY')
  async send(
    @ShopCaller() caller: ShopPrincipal,
    @UuidParam('caseId') caseId: string,
    @Body(CaseEventPipe) event: CaseEvent,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CaseView> {
    const view = await this.cases.send(caller, caseId, event, parseIfMatch(ifMatch));
    reply.header('etag', `"${view.version}"`);
    return view;
  }

  @Get(':caseId/events')
  @Allow('integration', ...ANY_AGENT)
  @ApiOperation({ operationId: 'getCaseTimeline', summary: 'The case timeline: every accepted event with actor, states and hash chain' })
  @ApiOkResponse({ type: [AuditEventView] })
  @ApiProblems(CaseException, 'CASE_NOT_FOUND')
  timeline(@ShopCaller() caller: ShopPrincipal, @UuidParam('caseId') caseId: string): Promise<AuditEventView[]> {
    return this.cases.timeline(caller, caseId);
  }
}
