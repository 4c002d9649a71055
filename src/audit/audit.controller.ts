import { Controller, Get, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { create as contentDisposition } from 'content-disposition';
import type { FastifyReply } from 'fastify';
import { Allow, ANY_AGENT, ShopCaller } from '../platform/auth/access.decorator.js';
import type { ShopPrincipal } from '../platform/auth/principal.js';
import { ApiProblems } from '../platform/openapi/api-problems.js';
import { ApiFileResponse } from '../platform/openapi/api-responses.js';
import { ApiTag } from '../platform/openapi/api-tags.js';
import { CaseException } from '../cases/case.problems.js';
import { EvidenceException } from '../evidence/evidence.problems.js';
import { AccessLogPage, AuditVerification } from './audit.view.js';
import { PageQueryDto } from '../platform/pagination.js';
import { UuidParam } from '../platform/uuid-param.js';
import { AuditExportService } from './audit-export.service.js';
import { AuditService } from './audit.service.js';
import { DossierService } from './dossier.service.js';
import { ExportQueryDto, PersonalDataQueryDto, VerifyQueryDto } from './dto/audit-queries.dto.js';

@ApiTag('Audit')
@Controller('v1/audit')
export class AuditController {
  constructor(
    private readonly audit: AuditService,
    private readonly exports: AuditExportService,
  ) {}

  @Get('verify')
  @Allow('supervisor', 'auditor')
  @ApiOperation({
    operationId: 'verifyAuditChain',
    summary: 'Recompute the hash chains of one case or of the whole shop; reports counts and the first broken link',
  })
  @ApiOkResponse({ type: AuditVerification })
  @ApiProblems(CaseException, 'CASE_NOT_FOUND')
  verify(@ShopCaller() caller: ShopPrincipal, @Query() query: VerifyQueryDto): Promise<AuditVerification> {
    return this.audit.verify(caller, query.caseId);
  }

  @Get('export')
  @Allow('supervisor', 'auditor')
  @ApiOperation({
    operationId: 'exportAuditEvents',
    summary: 'Stream the shop’s audit events in [from, to) as CSV or NDJSON',
    description:
      'Constant memory, one consistent snapshot. `X-Export-Rows` carries the exact number of rows before the first one, so a client can show ' +
      'progress. Buyer phone and address are masked unless an auditor sets includePersonalData=true (recorded in the access log, as is every export). ' +
      "CSV cells of outside text that start like a spreadsheet formula (=, +, -, @, tab, CR; plain numbers aside) are prefixed with `'`; " +
      '`bom=true` starts the CSV with a UTF-8 BOM for Excel and WPS.',
  })
  @ApiFileResponse({
    description: 'The events, oldest first: CSV (`format=csv`, the default) or one JSON object per line (`format=ndjson`), as an attachment',
    types: ['text/csv', 'application/x-ndjson'],
    headers: { 'X-Export-Rows': { description: 'Rows that follow', schema: { type: 'integer' } } },
  })
  @ApiProblems(EvidenceException, 'PERSONAL_DATA_AUDITORS_ONLY')
  async export(@ShopCaller() caller: ShopPrincipal, @Query() query: ExportQueryDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const result = await this.exports.export(caller, query);
    reply.header('x-export-rows', String(result.rows)).header('cache-control', 'no-store');
    return new StreamableFile(result.stream, {
      type: result.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
      disposition: contentDisposition(result.filename),
    });
  }

  @Get('access-log')
  @Allow('supervisor', 'auditor')
  @ApiOperation({ operationId: 'listAuditAccessLog', summary: 'Who exported audit data or dossiers, when, and whether with personal data (newest first)' })
  @ApiOkResponse({ type: AccessLogPage })
  accessLog(@ShopCaller() caller: ShopPrincipal, @Query() query: PageQueryDto): Promise<AccessLogPage> {
    return this.audit.accessLogPage(caller, query);
  }
}

@ApiTag('Evidence and disputes')
@Controller('v1/cases/:caseId/dossier')
export class DossierController {
  constructor(private readonly dossiers: DossierService) {}

  @Get()
  @Allow(...ANY_AGENT)
  @ApiOperation({
    operationId: 'downloadCaseDossier',
    summary: 'The case’s dispute dossier as a ZIP: manifest.json, timeline.json, timeline.csv and the evidence files',
    description:
      'Every file’s sha256 and the hash chain are in the manifest; the README shows how to check them. Personal data as for exports. ' +
      'An evidence file whose bytes the store has lost answers 500 EVIDENCE_BLOB_MISSING instead of a ZIP.',
  })
  @ApiFileResponse({ description: 'The dossier, streamed as an attachment (`dossier-<platform case id or case id>.zip`)', types: ['application/zip'] })
  @ApiProblems(CaseException, 'CASE_NOT_FOUND')
  @ApiProblems(EvidenceException, 'PERSONAL_DATA_AUDITORS_ONLY', 'EVIDENCE_BLOB_MISSING')
  async dossier(
    @ShopCaller() caller: ShopPrincipal,
    @UuidParam('caseId') caseId: string,
    @Query() query: PersonalDataQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { filename, stream } = await this.dossiers.build(caller, caseId, query.includePersonalData);
    reply.header('cache-control', 'no-store');
    return new StreamableFile(stream, { type: 'application/zip', disposition: contentDisposition(filename) });
  }
}
