import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { CASE_TYPES, type CaseType } from '../../cases/machine/case.types.js';
import { REPLY_STEPS, type ReplyStep } from '../canned/reply-steps.js';
import { OptionalField } from '../../platform/optional-field.js';

export class ListCannedRepliesDto {
  @ApiPropertyOptional({ enum: REPLY_STEPS })
  @OptionalField()
  @IsIn(REPLY_STEPS)
  step?: ReplyStep;

  @ApiPropertyOptional({ enum: CASE_TYPES, description: 'Replies for this case type plus the ones that fit any type' })
  @OptionalField()
  @IsIn(CASE_TYPES)
  caseType?: CaseType;
}
