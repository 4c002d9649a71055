import { Controller, Get, Post, Req, Res, StreamableFile } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiHeader, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { create as contentDisposition } from 'content-disposition';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Allow, ANY_AGENT, ShopCaller } from '../common/auth/access.decorator.js';
import type { ShopPrincipal } from '../common/auth/principal.js';
import { IDEMPOTENT_REPLAYED_HEADER } from '../common/idempotency/idempotent.decorator.js';
import { UuidParam } from '../common/uuid-param.js';
import { EVIDENCE_KINDS } from '../reasons/reason.types.js';
import { ALLOWED_EVIDENCE_TYPES } from './evidence-file-types.js';
import { EVIDENCE_PARTIES } from './evidence.record.js';
import { EvidenceService } from './evidence.service.js';

@ApiTags('evidence')
@Controller('v1/cases/:caseId/evidence')
export class EvidenceController {
  constructor(private readonly evidence: EvidenceService) {}

  @Post()
  @Allow('integration', 'agent', 'supervisor')
  @ApiConsumes('multipart/form-data')
  @ApiOperation({
    summary: 'Attach an evidence file to a case',
    description:
      `One file part named \`file\` plus \`party\`, \`kind\` and an optional \`note\`. The type is detected from the bytes ` +
      `(${Object.keys(ALLOWED_EVIDENCE_TYPES).join(', ')}) and the name's extension must agree; the size limit is ` +
      'EVIDENCE_MAX_BYTES. Merchant evidence after the platform’s evidence window answers 409 EVIDENCE_WINDOW_CLOSED with the deadline. ' +
      'Appends an EVIDENCE_ADDED audit event carrying the sha256.',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'Unique per upload (a UUID), from any caller. A retry with the same key, case, file (sha256), file name and fields answers 201 with the ' +
      'evidence recorded the first time (`Idempotent-Replayed: true`) and records nothing; another upload under the key → 422 ' +
      'IDEMPOTENCY_KEY_REUSED; the first still in flight → 409 IDEMPOTENCY_KEY_IN_FLIGHT. A refused upload frees its key. Kept at least 24 h.',
  })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file', 'party', 'kind'],
      properties: {
        file: { type: 'string', format: 'binary' },
        party: { type: 'string', enum: [...EVIDENCE_PARTIES] },
        kind: { type: 'string', enum: [...EVIDENCE_KINDS] },
        note: { type: 'string', maxLength: 2000, example: '买家提供的开胶照片' },
      },
    },
  })
  async upload(
    @ShopCaller() caller: ShopPrincipal,
    @UuidParam('caseId') caseId: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { view, replayed } = await this.evidence.upload(caller, caseId, request);
    reply.status(201).header('location', `/v1/cases/${caseId}/evidence/${view.id}`);
    if (replayed) reply.header(IDEMPOTENT_REPLAYED_HEADER, 'true');
    return view;
  }

  @Get()
  @Allow('integration', ...ANY_AGENT)
  @ApiOperation({ summary: 'The case’s evidence files, the checklist of kinds its reason calls for, and the submitted package' })
  list(@ShopCaller() caller: ShopPrincipal, @UuidParam('caseId') caseId: string) {
    return this.evidence.list(caller, caseId);
  }

  @Get(':evidenceId/content')
  @Allow('integration', ...ANY_AGENT)
  @ApiProduces('application/octet-stream')
  @ApiOperation({
    summary: 'Download an evidence file as stored (its detected type, as an attachment; ETag is the sha256)',
    description: 'A file whose bytes the store has lost answers 500 EVIDENCE_BLOB_MISSING (logged as an error) naming the evidence and its sha256.',
  })
  async content(
    @ShopCaller() caller: ShopPrincipal,
    @UuidParam('caseId') caseId: string,
    @UuidParam('evidenceId') evidenceId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StreamableFile> {
    const { record, stream } = await this.evidence.content(caller, caseId, evidenceId);
    reply.header('etag', `"${record.sha256}"`).header('cache-control', 'private, max-age=31536000, immutable');
    return new StreamableFile(stream, { type: record.contentType, length: record.size, disposition: contentDisposition(record.filename) });
  }
}
