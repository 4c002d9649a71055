import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { actorOf, type ShopPrincipal } from '../platform/auth/principal.js';
import { decodeCursor, toPage, type Page } from '../platform/pagination.js';
import { Transactions } from '../platform/database/transactions.js';
import { resolveReason } from '../reasons/platform-reasons.js';
import { reasonByCode } from '../reasons/reason-catalog.js';
import type { Platform } from '../shops/shop.record.js';
import { ShopsService } from '../shops/shops.service.js';
import { AuditRepository, type AuditEventView } from '../audit/audit.repository.js';
import { EvidenceService } from '../evidence/evidence.service.js';
import { AssignmentService } from '../queue/assignment.service.js';
import { ReplyGuardService, type GuardOverride } from '../replies/reply-guard.service.js';
import { CaseEngine, type Actor } from '../cases/case-engine.js';
import { CaseException } from '../cases/case.problems.js';
import { CaseRepository } from '../cases/case.repository.js';
import { toCaseView, type CaseView } from '../cases/case.view.js';
import type { CaseDetail } from './case-detail.view.js';
import { BUYER_FACING_NOTE_EVENTS, eventSourceOf, type ClientEventType } from '../cases/dto/case-event.dto.js';
import type { ListCasesDto } from '../cases/dto/list-cases.dto.js';
import type { OpenCaseDto } from '../cases/dto/open-case.dto.js';
import { casePolicyFromShopWindows } from '../cases/machine/case-timers.js';
import type { CaseEvent } from '../cases/machine/case.types.js';

@Injectable()
export class CasesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly engine: CaseEngine,
    private readonly transactions: Transactions,
    private readonly cases: CaseRepository,
    private readonly audit: AuditRepository,
    private readonly shops: ShopsService,
    private readonly evidence: EvidenceService,
    private readonly assignments: AssignmentService,
    private readonly guard: ReplyGuardService,
  ) {}

  async open(principal: ShopPrincipal, input: OpenCaseDto): Promise<{ view: CaseView; created: boolean }> {
    const shop = await this.shops.require(principal.shopId);
    const platform: Platform = input.platform ?? shop.platform;
    const claimed = resolveReason(platform, input.reasonCode);
    const { record, created } = await this.engine.open({
      shopId: shop.id,
      platform,
      platformCaseId: input.platformCaseId ?? null,
      type: input.type,
      claimedReasonCode: claimed,
      claimedReasonCategory: reasonByCode(claimed)!.category,
      platformReason: input.reasonCode === claimed ? null : input.reasonCode,
      buyerText: input.buyerText ?? null,
      requestedAmount: input.requestedAmount,
      requestedAt: new Date(input.requestedAt),
      buyer: { ...input.buyer },
      order: { ...input.order, shippedAt: input.order.shippedAt ?? null, items: input.order.items.map((item) => ({ ...item })) },
      policy: casePolicyFromShopWindows(shop),
      actor: actorOf(principal) as Actor,
      chooseAssignee: shop.distributionEnabled ? (tx) => this.assignments.chooseForNewCase(tx, shop.id) : undefined,
    });
    return { view: toCaseView(record.record, record.order, record.timers), created };
  }

  /** One case, with what its evidence stands at (count, the reason's checklist, the submitted package). */
  async get(principal: ShopPrincipal, caseId: string): Promise<CaseDetail> {
    const manager = this.dataSource.manager;
    const found = await this.cases.requireWithContext(manager, principal.shopId, caseId, false);
    return { ...toCaseView(found.record, found.order, found.timers), evidence: await this.evidence.summaryOf(manager, found.record) };
  }

  async list(principal: ShopPrincipal, query: ListCasesDto): Promise<Page<CaseView>> {
    const after = decodeCursor(query.cursor);
    const records = await this.cases.list(this.dataSource.manager, principal.shopId, {
      state: query.state,
      type: query.type,
      assigneeId: query.assigneeId,
      externalOrderId: query.orderId,
      platformCaseId: query.platformCaseId,
      buyer: query.buyer,
      dueBefore: query.dueBefore ? new Date(query.dueBefore) : undefined,
      after,
      limit: query.limit,
    });
    return toPage(
      records,
      query.limit,
      ({ record }) => ({ at: record.openedAt.toISOString(), id: record.id }),
      (c) => toCaseView(c.record, c.order, c.timers),
    );
  }

  async send(principal: ShopPrincipal, caseId: string, event: CaseEvent, expectedVersion?: number): Promise<CaseView> {
    const source = eventSourceOf(event.type as ClientEventType);
    const allowed = source === 'agent' ? principal.kind === 'agent' && principal.role !== 'auditor' : principal.kind === 'integration';
    if (!allowed) {
      throw new CaseException(
        'EVENT_SOURCE_FORBIDDEN',
        source === 'agent' ? `${event.type} is recorded by an agent.` : `${event.type} is reported by the order system with the shop's API key.`,
      );
    }
    if (event.type === 'SUBMIT_EVIDENCE') {
      const submitted = await this.evidence.submit(principal, caseId, expectedVersion);
      return toCaseView(submitted.record, submitted.order, submitted.timers);
    }
    const screened = BUYER_FACING_NOTE_EVENTS.includes(event.type as ClientEventType) ? await this.screenNote(principal, caseId, event) : event;
    const enriched: CaseEvent =
      screened.type === 'VERIFY' ? { ...screened, verifiedReasonCategory: reasonByCode(screened.verifiedReasonCode)!.category } : screened;
    const applied = await this.engine.apply({ shopId: principal.shopId, caseId, event: enriched, actor: actorOf(principal) as Actor, expectedVersion });
    return toCaseView(applied.record, applied.order, applied.timers);
  }

  /**
   * Runs a note the buyer will read through the reply guard for the case's platform: a blocking finding
   * refuses the event unless a supervisor overrides it; what was found (and the override) is recorded
   * with the event as `guard`.
   */
  private async screenNote(principal: ShopPrincipal, caseId: string, event: CaseEvent): Promise<CaseEvent> {
    const { guardOverride, ...rest } = event as CaseEvent & { note: string; guardOverride?: GuardOverride };
    const record = await this.cases.require(this.dataSource.manager, principal.shopId, caseId);
    const guard = this.guard.screen({ platform: record.platform as Platform, text: rest.note, principal, override: guardOverride });
    return (guard ? { ...rest, guard } : rest) as CaseEvent;
  }

  async timeline(principal: ShopPrincipal, caseId: string): Promise<AuditEventView[]> {
    return this.transactions.run(async (tx) => {
      await this.cases.require(tx, principal.shopId, caseId);
      return this.audit.timeline(tx, principal.shopId, caseId);
    });
  }
}
