import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Readable } from 'node:stream';
import type { DataSource } from 'typeorm';
import { actorOf, type ShopPrincipal } from '../platform/auth/principal.js';
import { Clock } from '../platform/clock/clock.js';
import { Environment } from '../platform/config/environment.js';
import { Snapshot, Transactions } from '../platform/database/transactions.js';
import { AccessLogRepository } from './access-log.repository.js';
import { exportHeader, formatExportRows, type ExportFormat } from './audit-export.format.js';
import { AuditRepository, type AuditExportRange } from './audit.repository.js';
import type { ExportQueryDto } from './dto/audit-queries.dto.js';
import { assertMayIncludePersonalData } from './export-access.js';

// The statements live in AuditRepository; re-exported for bench/export.bench.ts, which replays them.

const PROGRESS_EVERY_MS = 5000;

export interface AuditExport {
  rows: number;
  format: ExportFormat;
  filename: string;
  stream: Readable;
}

/**
 * Streams a shop's audit events as CSV or NDJSON from one database snapshot, a batch at a time: memory
 * stays flat whatever the range, the row count is known (and sent) before the first row, and progress
 * is logged while it runs. The export itself is recorded in the access log first.
 */
@Injectable()
export class AuditExportService {
  private readonly logger = new Logger(AuditExportService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
    private readonly accessLog: AccessLogRepository,
    private readonly audit: AuditRepository,
    private readonly env: Environment,
    private readonly clock: Clock,
  ) {}

  async export(principal: ShopPrincipal, query: ExportQueryDto): Promise<AuditExport> {
    assertMayIncludePersonalData(principal, query.includePersonalData);
    const from = new Date(query.from);
    const to = new Date(query.to);
    const range: AuditExportRange = { shopId: principal.shopId, from, to };
    const snapshot = await Snapshot.open(this.dataSource);
    let rows: number;
    try {
      rows = await this.audit.exportCount(snapshot, range);
      await this.transactions.run((tx) =>
        this.accessLog.record(tx, principal.shopId, {
          at: this.clock.now(),
          actor: actorOf(principal),
          action: 'audit.export',
          personalData: query.includePersonalData,
          params: { from: from.toISOString(), to: to.toISOString(), format: query.format, rows },
        }),
      );
    } catch (error) {
      await snapshot.close();
      throw error;
    }
    const label = { shopId: principal.shopId, from: from.toISOString(), to: to.toISOString(), format: query.format, rows };
    this.logger.log({ ...label }, 'audit export started');
    return {
      rows,
      format: query.format,
      filename: `audit-${stamp(from)}-${stamp(to)}.${query.format === 'csv' ? 'csv' : 'ndjson'}`,
      stream: Readable.from(this.lines(snapshot, range, query, label), { objectMode: false, highWaterMark: 64 * 1024 }),
    };
  }

  private async *lines(snapshot: Snapshot, range: AuditExportRange, query: ExportQueryDto, label: Record<string, unknown>): AsyncGenerator<string> {
    const started = Date.now();
    let sent = 0;
    let lastReport = started;
    let completed = false;
    try {
      const header = exportHeader(query.format, query.bom);
      if (header) yield header;
      for await (const batch of this.audit.exportBatches(snapshot, range, this.env.EXPORT_BATCH_ROWS)) {
        yield formatExportRows(batch, query.format, query.includePersonalData);
        sent += batch.length;
        if (Date.now() - lastReport >= PROGRESS_EVERY_MS) {
          lastReport = Date.now();
          this.logger.log({ ...label, sent, percent: Math.floor((sent / Math.max(1, Number(label.rows))) * 100) }, 'audit export progress');
        }
      }
      completed = true;
    } finally {
      await snapshot.close();
      const elapsedMs = Date.now() - started;
      if (completed) this.logger.log({ ...label, sent, elapsedMs }, 'audit export finished');
      else this.logger.warn({ ...label, sent, elapsedMs }, 'audit export stopped before the end (client gone or error)');
    }
  }
}

function stamp(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
}
