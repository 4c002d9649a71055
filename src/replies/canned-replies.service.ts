import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { ShopPrincipal } from '../platform/auth/principal.js';
import { ValidationProblem } from '../platform/problem/validation.js';
import { ShopsService } from '../shops/shops.service.js';
import { REPLY_VARIABLES, templateVariables, unknownVariables } from './canned/reply-template.js';
import { CannedRepliesRepository, type CannedReply, type CannedReplyChanges } from './canned-replies.repository.js';
import type { CreateCannedReplyDto } from './dto/create-canned-reply.dto.js';
import type { ListCannedRepliesDto } from './dto/list-canned-replies.dto.js';
import type { UpdateCannedReplyDto } from './dto/update-canned-reply.dto.js';
import { ReplyGuardService } from './reply-guard.service.js';
import { RepliesException } from './replies.problems.js';
import type { CannedReplyList, CannedReplyView } from './reply.view.js';

function toCannedReplyView(reply: CannedReply): CannedReplyView {
  const { id, defaultKey, step, caseType, title, body } = reply;
  return { id, defaultKey, step, caseType, title, body, variables: templateVariables(body) };
}

/** A shop's canned replies: agents read them, supervisors keep them sendable. */
@Injectable()
export class CannedRepliesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly replies: CannedRepliesRepository,
    private readonly shops: ShopsService,
    private readonly guard: ReplyGuardService,
  ) {}

  async list(principal: ShopPrincipal, query: ListCannedRepliesDto): Promise<CannedReplyList> {
    const replies = await this.replies.list(this.dataSource.manager, principal.shopId, { step: query.step, caseType: query.caseType });
    return { items: replies.map(toCannedReplyView) };
  }

  async create(principal: ShopPrincipal, input: CreateCannedReplyDto): Promise<CannedReplyView> {
    await this.assertUsableBody(principal.shopId, input.body);
    const reply = await this.replies.insert(this.dataSource.manager, principal.shopId, {
      step: input.step,
      caseType: input.caseType ?? null,
      title: input.title,
      body: input.body,
    });
    return toCannedReplyView(reply);
  }

  async update(principal: ShopPrincipal, id: string, input: UpdateCannedReplyDto): Promise<CannedReplyView> {
    if (input.body !== undefined) await this.assertUsableBody(principal.shopId, input.body);
    const changes: CannedReplyChanges = { step: input.step, caseType: input.caseType, title: input.title, body: input.body };
    const updated = await this.replies.update(this.dataSource.manager, principal.shopId, id, changes);
    if (!updated) throw this.notFound(id);
    return toCannedReplyView(updated);
  }

  async delete(principal: ShopPrincipal, id: string): Promise<void> {
    const deleted = await this.replies.delete(this.dataSource.manager, principal.shopId, id);
    if (!deleted) throw this.notFound(id);
  }

  /** One of the shop's replies; another shop's id is as unknown as a made-up one. */
  async require(shopId: string, id: string): Promise<CannedReply> {
    const reply = await this.replies.find(this.dataSource.manager, shopId, id);
    if (!reply) throw this.notFound(id);
    return reply;
  }

  /**
   * A saved reply is sent again and again, so it is checked once here: a misspelt placeholder would reach
   * buyers as literal `{…}`, and a blocked phrase would put the shop at risk every time it is used.
   */
  private async assertUsableBody(shopId: string, body: string): Promise<void> {
    assertKnownVariables(body);
    const shop = await this.shops.require(shopId);
    this.guard.assertSendable(shop.platform, body);
  }

  private notFound(id: string) {
    return new RepliesException('CANNED_REPLY_NOT_FOUND', `No canned reply ${id}.`);
  }
}

/** 400 naming `body` when it uses a placeholder that nothing would fill. */
export function assertKnownVariables(body: string): void {
  const unknown = unknownVariables(body);
  if (unknown.length === 0) return;
  const names = unknown.map((name) => `{${name}}`).join(', ');
  throw new ValidationProblem([
    { field: 'body', message: `body uses unknown variables ${names}; known: ${REPLY_VARIABLES.map((name) => `{${name}}`).join(', ')}` },
  ]);
}
