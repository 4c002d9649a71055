import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { Allow, ANY_AGENT, ShopCaller } from '../platform/auth/access.decorator.js';
import type { ShopPrincipal } from '../platform/auth/principal.js';
import { ApiProblems } from '../platform/openapi/api-problems.js';
import { ApiTag } from '../platform/openapi/api-tags.js';
import { RepliesException } from './replies.problems.js';
import { CannedReplyList, CannedReplyView } from './reply.view.js';
import { UuidParam } from '../platform/uuid-param.js';
import { CannedRepliesService } from './canned-replies.service.js';
import { CreateCannedReplyDto } from './dto/create-canned-reply.dto.js';
import { ListCannedRepliesDto } from './dto/list-canned-replies.dto.js';
import { UpdateCannedReplyDto } from './dto/update-canned-reply.dto.js';

const SAVE_CHECKS =
  'A `{placeholder}` that is not a reply variable answers 400 naming `body`; a body the reply guard blocks on the shop’s platform answers 422 `REPLY_BLOCKED` with the findings.';

@ApiTag('Replies')
@Controller('v1/replies/canned')
export class CannedRepliesController {
  constructor(private readonly cannedReplies: CannedRepliesService) {}

  @Get()
  @Allow(...ANY_AGENT)
  @ApiOperation({ operationId: 'listCannedReplies', summary: 'The shop’s canned replies in playbook order, optionally for one step and one case type' })
  @ApiOkResponse({ type: CannedReplyList })
  list(@ShopCaller() caller: ShopPrincipal, @Query() query: ListCannedRepliesDto): Promise<CannedReplyList> {
    return this.cannedReplies.list(caller, query);
  }

  @Post()
  @HttpCode(201)
  @Allow('supervisor')
  @ApiOperation({ operationId: 'createCannedReply', summary: 'Add a canned reply', description: SAVE_CHECKS })
  @ApiBody({
    type: CreateCannedReplyDto,
    examples: {
      returnReminder: {
        summary: 'Remind the buyer to ship the return',
        value: {
          step: 'followUp',
          caseType: 'return',
          title: '提醒寄回商品',
          body: '您好，{buyerName}，退货申请已同意，请在{deadline}前寄回商品，寄出后在订单里填写快递单号即可。',
        },
      },
      anyType: {
        summary: 'A greeting for every case type',
        value: { step: 'contact', title: '首次联系', body: '您好，我是{shopName}的售后客服{agentName}，您的售后申请我们已收到。' },
      },
    },
  })
  @ApiCreatedResponse({ type: CannedReplyView })
  @ApiProblems(RepliesException, 'REPLY_BLOCKED')
  create(@ShopCaller() caller: ShopPrincipal, @Body() body: CreateCannedReplyDto): Promise<CannedReplyView> {
    return this.cannedReplies.create(caller, body);
  }

  @Patch(':id')
  @Allow('supervisor')
  @ApiOperation({ operationId: 'updateCannedReply', summary: 'Change a canned reply', description: SAVE_CHECKS })
  @ApiBody({
    type: UpdateCannedReplyDto,
    examples: {
      retitle: { summary: 'A new title', value: { title: '提醒寄回商品（7 天内）' } },
      anyType: { summary: 'Make it fit every case type', value: { caseType: null } },
    },
  })
  @ApiOkResponse({ type: CannedReplyView })
  @ApiProblems(RepliesException, 'CANNED_REPLY_NOT_FOUND', 'REPLY_BLOCKED')
  update(@ShopCaller() caller: ShopPrincipal, @UuidParam('id') id: string, @Body() body: UpdateCannedReplyDto): Promise<CannedReplyView> {
    return this.cannedReplies.update(caller, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @Allow('supervisor')
  @ApiOperation({ operationId: 'deleteCannedReply', summary: 'Delete a canned reply' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(RepliesException, 'CANNED_REPLY_NOT_FOUND')
  async delete(@ShopCaller() caller: ShopPrincipal, @UuidParam('id') id: string): Promise<void> {
    await this.cannedReplies.delete(caller, id);
  }
}
