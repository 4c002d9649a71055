import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ActorView } from '../platform/actor.view.js';
import { PageOf } from '../platform/openapi/api-responses.js';

export class BrokenLinkView {
  @ApiProperty({ format: 'uuid' })
  caseId!: string;

  @ApiProperty({ example: 7 })
  seq!: number;

  @ApiProperty({ example: 'hash does not match the event' })
  reason!: string;
}

/** What GET /v1/audit/verify found: every count and the first broken link. */
export class AuditVerification {
  @ApiProperty({ enum: ['case', 'shop'] })
  scope!: 'case' | 'shop';

  @ApiPropertyOptional({ format: 'uuid', description: 'With scope `case`' })
  caseId?: string;

  @ApiProperty({ format: 'date-time' })
  checkedAt!: string;

  @ApiProperty({ example: 1280 })
  casesChecked!: number;

  @ApiProperty({ example: 9316 })
  eventsChecked!: number;

  @ApiProperty({ example: 0 })
  brokenCases!: number;

  @ApiProperty({ description: 'No broken link anywhere', example: true })
  valid!: boolean;

  @ApiProperty({ type: BrokenLinkView, nullable: true })
  firstBroken!: BrokenLinkView | null;
}

export class AccessLogEntryView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'date-time' })
  at!: string;

  @ApiProperty({ type: ActorView })
  actor!: ActorView;

  @ApiProperty({ enum: ['audit.export', 'case.dossier'] })
  action!: 'audit.export' | 'case.dossier';

  @ApiProperty({ description: 'Buyer phone and address were unmasked' })
  personalData!: boolean;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'What was exported: the period, format and row count, or the case and its chain head',
    example: { from: '2026-11-01T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z', format: 'csv', rows: 9316 },
  })
  params!: Record<string, unknown>;
}

export class AccessLogPage extends PageOf(AccessLogEntryView) {
  @ApiProperty({ description: 'Another page follows (same as nextCursor not being null)' })
  hasMore!: boolean;
}
