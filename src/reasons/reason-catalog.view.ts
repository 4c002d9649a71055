import { ApiProperty } from '@nestjs/swagger';
import { PLATFORMS } from '../shops/shop.record.js';
import {
  EVIDENCE_KINDS,
  REASON_CATEGORIES,
  REASON_CODES,
  type EvidenceKind,
  type ReasonCategory,
  type ReasonCode,
  type ReasonDefinition,
} from './reason.types.js';

export class ReasonLabels {
  @ApiProperty({ example: '商品质量问题' })
  zh!: string;

  @ApiProperty({ example: 'Quality problem' })
  en!: string;
}

export class ReasonDefinitionView implements ReasonDefinition {
  @ApiProperty({ enum: REASON_CODES, example: 'quality_problem' })
  code!: ReasonCode;

  @ApiProperty({ enum: REASON_CATEGORIES, description: 'Quality reasons count towards the quality refund rate', example: 'quality' })
  category!: ReasonCategory;

  @ApiProperty({ type: ReasonLabels })
  labels!: ReasonLabels;

  @ApiProperty({ enum: EVIDENCE_KINDS, isArray: true, description: 'What usually settles a case filed for this reason', example: ['photo', 'chat_log'] })
  expectedEvidence!: readonly EvidenceKind[];
}

export class PlatformReasonLabel {
  @ApiProperty({ description: 'The reason text as the platform files it', example: '商品质量问题' })
  label!: string;

  @ApiProperty({ enum: REASON_CODES, description: 'Our code for it', example: 'quality_problem' })
  code!: ReasonCode;
}

/** Per platform, the reason texts its after-sales requests carry and the codes they file as. */
export class PlatformReasonLabels {}
for (const platform of PLATFORMS) ApiProperty({ type: [PlatformReasonLabel] })(PlatformReasonLabels.prototype, platform);

export class ReasonCatalogView {
  @ApiProperty({ type: [ReasonDefinitionView] })
  reasons!: readonly ReasonDefinitionView[];

  @ApiProperty({ type: PlatformReasonLabels })
  platformLabels!: Record<string, ReadonlyArray<PlatformReasonLabel>>;
}
