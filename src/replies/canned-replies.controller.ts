import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, ANY_AGENT, ShopCaller } from '../common/auth/access.decorator.js';
import type { ShopPrincipal } from '../common/auth/principal.js';
import { UuidParam } from '../common/uuid-param.js';
import { CannedRepliesService } from './canned-replies.service.js';
import { CreateCannedReplyDto } from './dto/create-canned-reply.dto.js';
import { ListCannedRepliesDto } from './dto/list-canned-replies.dto.js';
import { UpdateCannedReplyDto } from './dto/update-canned-reply.dto.js';

const SAVE_CHECKS =
  'A `{placeholder}` that is not a reply variable answers 400 naming `body`; a body the reply guard blocks on the shop’s platform answers 422 `REPLY_BLOCKED` with the findings.';

@ApiTags('replies')
@Controller('v1/replies/canned')
export class CannedRepliesController {
  constructor(private readonly cannedReplies: CannedRepliesService) {}

  @Get()
  @Allow(...ANY_AGENT)
  @ApiOperation({ summary: 'The shop’s canned replies in playbook order, optionally for one step and one case type' })
  list(@ShopCaller() caller: ShopPrincipal, @Query() query: ListCannedRepliesDto) {
    return this.cannedReplies.list(caller, query);
  }

  @Post()
  @HttpCode(201)
  @Allow('supervisor')
  @ApiOperation({ summary: 'Add a canned reply', description: SAVE_CHECKS })
  create(@ShopCaller() caller: ShopPrincipal, @Body() body: CreateCannedReplyDto) {
    return this.cannedReplies.create(caller, body);
  }

  @Patch(':id')
  @Allow('supervisor')
  @ApiOperation({ summary: 'Change a canned reply', description: SAVE_CHECKS })
  update(@ShopCaller() caller: ShopPrincipal, @UuidParam('id') id: string, @Body() body: UpdateCannedReplyDto) {
    return this.cannedReplies.update(caller, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @Allow('supervisor')
  @ApiOperation({ summary: 'Delete a canned reply' })
  async delete(@ShopCaller() caller: ShopPrincipal, @UuidParam('id') id: string) {
    await this.cannedReplies.delete(caller, id);
  }
}
