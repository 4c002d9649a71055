import { Controller, Get, Post, Req, Res, StreamableFile } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { create as contentDisposition } from 'content-disposition';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Allow, ANY_AGENT, ShopCaller } from '../platform/auth/access.decorator.js';
import type { ShopPrincipal } from '../platform/auth/principal.js';
import { IdempotencyException } from '../platform/idempotency/idempotency.problems.js';
import { IDEMPOTENT_REPLAYED_HEADER } from '../platform/idempotency/idempotent.decorator.js';
import { ApiProblems } from '../platform/openapi/api-problems.js';
import { ApiFileResponse } from '../platform/openapi/api-responses.js';
import { ApiTag } from '../platform/openapi/api-tags.js';
import { CaseException } from '../cases/case.problems.js';
import { UuidParam } from '../platform/uuid-param.js';
import { EVIDENCE_KINDS } from '../reasons/reason.types.js';
import { ALLOWED_EVIDENCE_TYPES } from './evidence-file-types.js';
import { EVIDENCE_PARTIES, EvidenceList, EvidenceView } from './evidence.record.js';
import { EvidenceException } from './evidence.problems.js';
import { EvidenceService } from './evidence.service.js';

@ApiTag('Evidence and disputes')
@ApiProblems(CaseException, 'CASE_NOT_FOUND')
@Controller('v1/cases/:caseId/evidence')
export class EvidenceController {
  constructor(private readonly evidence: EvidenceService) {}

  @Post()
  @Allow('integration', 'agent', 'supervisor')
  @ApiConsumes('multipart/form-data')
  @ApiOperation({
    operationId: 'uploadEvidence',
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
    examples: {
      buyerPhoto: {
        summary: 'The buyer’s photo of the sole coming off',
        value: { file: '(binary: sole.jpg)', party: 'buyer', kind: 'photo', note: '买家提供的开胶照片' },
      },
      courierStamp: {
        summary: 'The carrier’s stamped receipt, from the merchant',
        value: { file: '(binary: receipt.pdf)', party: 'merchant', kind: 'courier_stamp' },
      },
    },
  })
  @ApiCreatedResponse({
    type: EvidenceView,
    example: {
      id: '9d3a7c1e-2b4f-4e6a-8c0d-1f2e3a4b5c6d',
      caseId: '0b7c2f0e-3b8f-4a53-9d54-2f1f1e9b7a10',
      party: 'buyer',
      kind: 'photo',
      note: '买家提供的开胶照片',
      filename: 'sole.jpg',
      contentType: 'image/jpeg',
      size: 182113,
      sha256: '9f2c4b1d8e7a6f5c3b2a1908d7e6f5c4b3a29180f7e6d5c4b3a2918070f6e5d4',
      uploadedAt: '2026-11-02T10:12:00.000Z',
      uploadedBy: { kind: 'integration', id: '2c9d4e1f-7a3b-4c5d-8e6f-9a0b1c2d3e4f' },
      submitted: false,
      submittedAt: null,
      auditSeq: 4,
      downloadUrl: '/v1/cases/0b7c2f0e-3b8f-4a53-9d54-2f1f1e9b7a10/evidence/9d3a7c1e-2b4f-4e6a-8c0d-1f2e3a4b5c6d/content',
    },
    description: 'Recorded (or, for a retry under the same Idempotency-Key, the evidence recorded the first time)',
    headers: {
      'Location': { description: 'The evidence file’s download URL', schema: { type: 'string' } },
      'Idempotent-Replayed': {
        description: '`true` when this is the evidence recorded by an earlier upload with the same Idempotency-Key',
        schema: { type: 'string', enum: ['true'] },
      },
    },
  })
  @ApiProblems(
    EvidenceException,
    'MULTIPART_REQUIRED',
    'EVIDENCE_FILE_MISSING',
    'EVIDENCE_FILE_EMPTY',
    'EVIDENCE_TOO_MANY_PARTS',
    'EVIDENCE_MALFORMED_UPLOAD',
    'EVIDENCE_TOO_LARGE',
    'EVIDENCE_TYPE_NOT_ALLOWED',
    'EVIDENCE_TYPE_MISMATCH',
  )
  @ApiProblems(CaseException, 'EVIDENCE_WINDOW_CLOSED')
  @ApiProblems(IdempotencyException, 'IDEMPOTENCY_KEY_INVALID', 'IDEMPOTENCY_KEY_IN_FLIGHT', 'IDEMPOTENCY_KEY_REUSED')
  async upload(
    @ShopCaller() caller: ShopPrincipal,
    @UuidParam('caseId') caseId: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<EvidenceView> {
    const { view, replayed } = await this.evidence.upload(caller, caseId, request);
    reply.status(201).header('location', `/v1/cases/${caseId}/evidence/${view.id}`);
    if (replayed) reply.header(IDEMPOTENT_REPLAYED_HEADER, 'true');
    return view;
  }

  @Get()
  @Allow('integration', ...ANY_AGENT)
  @ApiOperation({ operationId: 'listEvidence', summary: 'The case’s evidence files, the checklist of kinds its reason calls for, and the submitted package' })
  @ApiOkResponse({ type: EvidenceList })
  list(@ShopCaller() caller: ShopPrincipal, @UuidParam('caseId') caseId: string): Promise<EvidenceList> {
    return this.evidence.list(caller, caseId);
  }

  @Get(':evidenceId/content')
  @Allow('integration', ...ANY_AGENT)
  @ApiOperation({
    operationId: 'downloadEvidence',
    summary: 'Download an evidence file as stored (its detected type, as an attachment; ETag is the sha256)',
    description: 'A file whose bytes the store has lost answers 500 EVIDENCE_BLOB_MISSING (logged as an error) naming the evidence and its sha256.',
  })
  @ApiFileResponse({
    description: 'The file’s bytes with its detected type, as an attachment under its uploaded name',
    types: Object.keys(ALLOWED_EVIDENCE_TYPES),
    headers: { ETag: { description: 'The quoted sha256 of the bytes', schema: { type: 'string' } } },
  })
  @ApiProblems(EvidenceException, 'EVIDENCE_NOT_FOUND', 'EVIDENCE_BLOB_MISSING')
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
