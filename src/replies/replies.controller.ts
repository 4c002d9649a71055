import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { Allow, ANY_AGENT, ShopCaller, STAFF } from '../platform/auth/access.decorator.js';
import type { ShopPrincipal } from '../platform/auth/principal.js';
import { ApiProblems } from '../platform/openapi/api-problems.js';
import { ApiTag } from '../platform/openapi/api-tags.js';
import { CaseException } from '../cases/case.problems.js';
import { RepliesException } from './replies.problems.js';
import { GuardAssessment, RenderedCaseReply, ReplyRules } from './reply.view.js';
import { UuidParam } from '../platform/uuid-param.js';
import { CheckReplyDto } from './dto/check-reply.dto.js';
import { RenderReplyDto } from './dto/render-reply.dto.js';
import { ReplyRenderService } from './reply-render.service.js';

@ApiTag('Replies')
@Controller('v1')
export class RepliesController {
  constructor(private readonly replies: ReplyRenderService) {}

  @Post('replies/check')
  @HttpCode(200)
  @Allow(...STAFF)
  @ApiOperation({
    operationId: 'checkReply',
    summary: 'Check a reply against the platform’s rules before sending it',
    description: 'Judged for the case’s platform when `caseId` is given, else for the shop’s. Answers `{ platform, blocked, findings }`; never refuses.',
  })
  @ApiBody({
    type: CheckReplyDto,
    examples: {
      offPlatform: { summary: 'Moves the buyer to WeChat: blocked', value: { text: '亲，您可以加我微信 wx_kefu01 详细沟通' } },
      forCase: {
        summary: 'Judged for a case’s platform',
        value: { text: '您好，退款已提交，预计 1-3 个工作日原路退回。', caseId: '0b7c2f0e-3b8f-4a53-9d54-2f1f1e9b7a10' },
      },
    },
  })
  @ApiOkResponse({
    type: GuardAssessment,
    example: {
      platform: 'taobao',
      blocked: true,
      findings: [
        {
          rule: 'contact-details',
          category: 'off-platform-contact',
          severity: 'block',
          message: '不得引导买家添加站外联系方式 / Do not move the buyer to off-platform contact',
          match: '加我微信 wx_kefu01',
          start: 6,
          end: 19,
        },
      ],
    },
  })
  @ApiProblems(CaseException, 'CASE_NOT_FOUND')
  check(@ShopCaller() caller: ShopPrincipal, @Body() body: CheckReplyDto): Promise<GuardAssessment> {
    return this.replies.check(caller, body);
  }

  @Get('replies/rules')
  @Allow(...ANY_AGENT)
  @ApiOperation({ operationId: 'listReplyRules', summary: 'The reply guard’s rules for the shop’s platform' })
  @ApiOkResponse({ type: ReplyRules })
  rules(@ShopCaller() caller: ShopPrincipal): Promise<ReplyRules> {
    return this.replies.rules(caller);
  }

  @Post('cases/:caseId/replies/render')
  @HttpCode(200)
  @Allow(...STAFF)
  @ApiOperation({
    operationId: 'renderReply',
    summary: 'Fill a canned reply (or a draft body) with the case’s facts and check it',
    description:
      'Answers `{ text, unresolved, findings, blocked }`. Placeholders the case has no value for yet stay in the text as `{name}` and are listed in `unresolved`.',
  })
  @ApiBody({
    type: RenderReplyDto,
    examples: {
      canned: { summary: 'A canned reply of the shop', value: { cannedReplyId: '3c2b1a09-8f7e-4d6c-9b5a-4e3d2c1b0a98' } },
      draft: { summary: 'A draft written for this case', value: { body: '您好，{buyerName}，退款{amount}已提交，请留意到账通知。' } },
    },
  })
  @ApiOkResponse({
    type: RenderedCaseReply,
    example: { text: '您好，小明，退款¥299.00已提交，请留意到账通知。', unresolved: [], findings: [], blocked: false },
  })
  @ApiProblems(CaseException, 'CASE_NOT_FOUND')
  @ApiProblems(RepliesException, 'CANNED_REPLY_NOT_FOUND')
  render(@ShopCaller() caller: ShopPrincipal, @UuidParam('caseId') caseId: string, @Body() body: RenderReplyDto): Promise<RenderedCaseReply> {
    return this.replies.render(caller, caseId, body);
  }
}
