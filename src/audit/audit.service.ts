import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { caseNotFound } from '../cases/case.problems.js';
import type { ShopPrincipal } from '../platform/auth/principal.js';
import { Clock } from '../platform/clock/clock.js';
import { decodeCursor, PageQueryDto, toPage } from '../platform/pagination.js';
import { Environment } from '../platform/config/environment.js';
import { Snapshot } from '../platform/database/transactions.js';
import { AccessLogRepository } from './access-log.repository.js';
import { AuditRepository } from './audit.repository.js';
import { ChainVerifier } from './chain-verifier.js';
import type { AccessLogPage, AuditVerification } from './audit.view.js';

const PROGRESS_EVERY_MS = 5000;

/** Verifies hash chains and lists the access log. */
@Injectable()
export class AuditService {
  private readonly logger = new Logger(AuditService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly accessLog: AccessLogRepository,
    private readonly audit: AuditRepository,
    private readonly env: Environment,
    private readonly clock: Clock,
  ) {}

  /**
   * Recomputes the chain of one case, or of every case of the shop, from one snapshot and in batches
   * (memory stays flat over millions of events). Reports every count and the first broken link.
   */
  async verify(principal: ShopPrincipal, caseId?: string): Promise<AuditVerification> {
    const snapshot = await Snapshot.open(this.dataSource);
    try {
      if (caseId && !(await this.audit.caseExists(snapshot, principal.shopId, caseId))) throw caseNotFound(caseId);
      const verifier = new ChainVerifier();
      const started = Date.now();
      let lastReport = started;
      let rows = 0;
      for await (const batch of this.audit.verifyBatches(snapshot, principal.shopId, caseId ?? null, this.env.EXPORT_BATCH_ROWS)) {
        for (const row of batch) verifier.add(row);
        rows += batch.length;
        if (Date.now() - lastReport >= PROGRESS_EVERY_MS) {
          lastReport = Date.now();
          this.logger.log({ shopId: principal.shopId, rows }, 'audit verification progress');
        }
      }
      const result = verifier.finish();
      if (!result.valid) this.logger.warn({ shopId: principal.shopId, firstBroken: result.firstBroken, brokenCases: result.brokenCases }, 'audit chain broken');
      return { scope: caseId ? 'case' : 'shop', ...(caseId ? { caseId } : {}), checkedAt: this.clock.now().toISOString(), ...result };
    } finally {
      await snapshot.close();
    }
  }

  async accessLogPage(principal: ShopPrincipal, query: PageQueryDto): Promise<AccessLogPage> {
    const rows = await this.accessLog.list(this.dataSource.manager, principal.shopId, decodeCursor(query.cursor), query.limit);
    const page = toPage(
      rows,
      query.limit,
      (row) => ({ at: row.at.toISOString(), id: row.id }),
      (row) => ({ ...row, at: row.at.toISOString() }),
    );
    return { ...page, hasMore: page.nextCursor !== null };
  }
}
