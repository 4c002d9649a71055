import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, ANY_AGENT, ShopCaller, STAFF } from '../common/auth/access.decorator.js';
import type { ShopPrincipal } from '../common/auth/principal.js';
import { UuidParam } from '../common/uuid-param.js';
import { CheckReplyDto } from './dto/check-reply.dto.js';
import { RenderReplyDto } from './dto/render-reply.dto.js';
import { ReplyRenderService } from './reply-render.service.js';

@ApiTags('replies')
@Controller('v1')
export class RepliesController {
  constructor(private readonly replies: ReplyRenderService) {}

  @Post('replies/check')
  @HttpCode(200)
  @Allow(...STAFF)
  @ApiOperation({
    summary: 'Check a reply against the platform’s rules before sending it',
    description: 'Judged for the case’s platform when `caseId` is given, else for the shop’s. Answers `{ platform, blocked, findings }`; never refuses.',
  })
  check(@ShopCaller() caller: ShopPrincipal, @Body() body: CheckReplyDto) {
    return this.replies.check(caller, body);
  }

  @Get('replies/rules')
  @Allow(...ANY_AGENT)
  @ApiOperation({ summary: 'The reply guard’s rules for the shop’s platform' })
  rules(@ShopCaller() caller: ShopPrincipal) {
    return this.replies.rules(caller);
  }

  @Post('cases/:caseId/replies/render')
  @HttpCode(200)
  @Allow(...STAFF)
  @ApiOperation({
    summary: 'Fill a canned reply (or a draft body) with the case’s facts and check it',
    description:
      'Answers `{ text, unresolved, findings, blocked }`. Placeholders the case has no value for yet stay in the text as `{name}` and are listed in `unresolved`.',
  })
  render(@ShopCaller() caller: ShopPrincipal, @UuidParam('caseId') caseId: string, @Body() body: RenderReplyDto) {
    return this.replies.render(caller, caseId, body);
  }
}
