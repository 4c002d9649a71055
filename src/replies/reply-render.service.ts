import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { CaseRepository, type CaseWithContext } from '../cases/case.repository.js';
import type { ShopPrincipal } from '../platform/auth/principal.js';
import type { Platform } from '../shops/shop.record.js';
import { ShopsService } from '../shops/shops.service.js';
import { renderReply, type ReplyValues } from './canned/reply-template.js';
import { CannedRepliesRepository } from './canned-replies.repository.js';
import { assertKnownVariables, CannedRepliesService } from './canned-replies.service.js';
import type { CheckReplyDto } from './dto/check-reply.dto.js';
import type { RenderReplyDto } from './dto/render-reply.dto.js';
import { rulesFor } from './guard/reply-guard.js';
import { ReplyGuardService } from './reply-guard.service.js';
import type { GuardAssessment, RenderedCaseReply, ReplyRules } from './reply.view.js';

/**
 * Replies as the buyer of a given case (or any buyer of the shop) would receive them: filled in with the
 * case's facts and judged by the guard for the platform the buyer is on.
 */
@Injectable()
export class ReplyRenderService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly cases: CaseRepository,
    private readonly shops: ShopsService,
    private readonly cannedReplies: CannedRepliesService,
    private readonly replies: CannedRepliesRepository,
    private readonly guard: ReplyGuardService,
  ) {}

  /**
   * A case may come from another platform than the shop's usual one (intake names it), and the rules are
   * the platform's, so a case's text is judged for the case's platform.
   */
  async check(principal: ShopPrincipal, input: CheckReplyDto): Promise<GuardAssessment> {
    let platform: Platform;
    if (input.caseId) {
      const record = await this.cases.require(this.dataSource.manager, principal.shopId, input.caseId);
      platform = record.platform as Platform;
    } else {
      platform = (await this.shops.require(principal.shopId)).platform;
    }
    return this.guard.assess(platform, input.text);
  }

  async rules(principal: ShopPrincipal): Promise<ReplyRules> {
    const { platform } = await this.shops.require(principal.shopId);
    return { platform, rules: rulesFor(platform) };
  }

  /** Never refuses on guard findings: the agent is still editing, and the findings show what to change. */
  async render(principal: ShopPrincipal, caseId: string, input: RenderReplyDto): Promise<RenderedCaseReply> {
    const manager = this.dataSource.manager;
    const found = await this.cases.requireWithContext(manager, principal.shopId, caseId, false);
    // The DTO lets exactly one of the two through. A saved reply's placeholders were checked when it was saved.
    const body = input.cannedReplyId !== undefined ? (await this.cannedReplies.require(principal.shopId, input.cannedReplyId)).body : (input.body ?? '');
    if (input.cannedReplyId === undefined) assertKnownVariables(body);
    const { text, unresolved } = renderReply(body, await this.valuesFor(principal, found));
    const { blocked, findings } = this.guard.assess(found.record.platform as Platform, text);
    return { text, unresolved, findings, blocked };
  }

  private async valuesFor(principal: ShopPrincipal, { record, order, timers }: CaseWithContext): Promise<ReplyValues> {
    const manager = this.dataSource.manager;
    const shop = await this.shops.require(principal.shopId);
    const money = (minor: number) => ({ minor, currency: record.currency });
    // What is on the table now: the offer once one is made, until then what the buyer asked for.
    const proposed = record.snapshot.context.proposal?.amount ?? null;
    return {
      buyerName: record.buyer.nickname ?? null,
      orderId: order.externalOrderId,
      amount: money(proposed ?? record.requestedAmount),
      requestedAmount: money(record.requestedAmount),
      // Timers come sorted by due time: the first is the case's most pressing deadline.
      deadline: timers[0]?.dueAt ?? null,
      shopName: shop.name,
      agentName: principal.kind === 'agent' ? await this.replies.agentDisplayName(manager, principal.shopId, principal.agentId) : null,
      caseType: record.type,
      trackingNo: await this.replies.latestTrackingNo(manager, principal.shopId, record.id),
      timeZone: shop.timezone,
    };
  }
}
