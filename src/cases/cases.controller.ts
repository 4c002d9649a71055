import { Body, Controller, Get, Headers, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Allow, ANY_AGENT, ShopCaller } from '../common/auth/access.decorator.js';
import type { ShopPrincipal } from '../common/auth/principal.js';
import { Idempotent } from '../common/idempotency/idempotent.decorator.js';
import { UuidParam } from '../common/uuid-param.js';
import { CaseEventPipe } from './case-event.pipe.js';
import { parseIfMatch } from './if-match.js';
import { CasesService } from './cases.service.js';
import { ListCasesDto } from './dto/list-cases.dto.js';
import { CLIENT_EVENT_TYPES } from './dto/case-event.dto.js';
import { OpenCaseDto } from './dto/open-case.dto.js';
import type { CaseEvent } from './machine/case.types.js';

@ApiTags('cases')
@Controller('v1/cases')
export class CasesController {
  constructor(private readonly cases: CasesService) {}

  @Post()
  @Allow('integration', 'agent', 'supervisor')
  @Idempotent({ required: true })
  @ApiOperation({ summary: 'Open a case from a platform request with its order snapshot; the same platform case id returns the existing case (200)' })
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
  async open(@ShopCaller() caller: ShopPrincipal, @Body() body: OpenCaseDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const { view, created } = await this.cases.open(caller, body);
    reply.status(created ? 201 : 200).header('etag', `"${view.version}"`).header('location', `/v1/cases/${view.id}`);
    return view;
  }

  @Get()
  @Allow('integration', ...ANY_AGENT)
  @ApiOperation({ summary: 'List cases by state, type, assignee, order or due deadline (cursor pages)' })
  list(@ShopCaller() caller: ShopPrincipal, @Query() query: ListCasesDto) {
    return this.cases.list(caller, query);
  }

  @Get(':caseId')
  @Allow('integration', ...ANY_AGENT)
  @ApiOperation({ summary: 'A case: state, amounts, reasons, active deadlines, allowed events and version (also the ETag)' })
  async get(@ShopCaller() caller: ShopPrincipal, @UuidParam('caseId') caseId: string, @Res({ passthrough: true }) reply: FastifyReply) {
    const view = await this.cases.get(caller, caseId);
    reply.header('etag', `"${view.version}"`);
    return view;
  }

  @Post(':caseId/events')
  @HttpCode(200)
  @Allow('integration', 'agent', 'supervisor')
  @Idempotent()
  @ApiHeader({ name: 'If-Match', required: false, description: 'The case version you saw; a stale one answers 412 with the current version' })
  @ApiOperation({ summary: 'Send an event `{ type, ...payload }` to the case machine' })
  @ApiBody({
    description: 'The event type and its payload (validated per type). Agents send playbook events; the API key sends buyer, money and platform events.',
    schema: { type: 'object', required: ['type'], properties: { type: { type: 'string', enum: CLIENT_EVENT_TYPES } }, additionalProperties: true },
    examples: {
      contact: { value: { type: 'CONTACT_BUYER', note: '已电话联系买家，确认鞋底开胶' } },
      verify: { value: { type: 'VERIFY', verifiedReasonCode: 'quality_problem', findings: '买家照片显示鞋底开胶' } },
      fullRefund: { value: { type: 'PROPOSE', resolution: 'full_refund', note: '同意全额退款' } },
      partialRefund: { value: { type: 'PROPOSE', resolution: 'partial_refund', amount: 10000, note: '补偿 100 元' } },
      returnShipped: { value: { type: 'RETURN_SHIPPED', carrier: '顺丰速运', trackingNo: 'SF1234567890' } },
      refundExecuted: { value: { type: 'REFUND_EXECUTED', amount: 29900, refundId: 'RF-20261102-88' } },
    },
  })
  async send(
    @ShopCaller() caller: ShopPrincipal,
    @UuidParam('caseId') caseId: string,
    @Body(CaseEventPipe) event: CaseEvent,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const view = await this.cases.send(caller, caseId, event, parseIfMatch(ifMatch));
    reply.header('etag', `"${view.version}"`);
    return view;
  }

  @Get(':caseId/events')
  @Allow('integration', ...ANY_AGENT)
  @ApiOperation({ summary: 'The case timeline: every accepted event with actor, states and hash chain' })
  timeline(@ShopCaller() caller: ShopPrincipal, @UuidParam('caseId') caseId: string) {
    return this.cases.timeline(caller, caseId);
  }
}
