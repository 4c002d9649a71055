import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, Length, ValidateIf } from 'class-validator';
import { CASE_TYPES, type CaseType } from '../../cases/machine/case.types.js';
import { REPLY_STEPS, type ReplyStep } from '../canned/reply-steps.js';
import { NullableField } from '../../platform/optional-field.js';

/** Fields left out stay as they are. Only `caseType` may be null (the reply then fits every case type). */
export class UpdateCannedReplyDto {
  @ApiPropertyOptional({ enum: REPLY_STEPS })
  @ValidateIf((dto: UpdateCannedReplyDto) => dto.step !== undefined)
  @IsIn(REPLY_STEPS)
  step?: ReplyStep;

  @ApiPropertyOptional({ enum: CASE_TYPES, nullable: true, description: 'null: fits every case type' })
  @NullableField()
  @IsIn(CASE_TYPES)
  caseType?: CaseType | null;

  @ApiPropertyOptional({ minLength: 1, maxLength: 100 })
  @ValidateIf((dto: UpdateCannedReplyDto) => dto.title !== undefined)
  @IsString()
  @Length(1, 100)
  title?: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 2000 })
  @ValidateIf((dto: UpdateCannedReplyDto) => dto.body !== undefined)
  @IsString()
  @Length(1, 2000)
  body?: string;
}
