import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, Length } from 'class-validator';
import { CASE_TYPES, type CaseType } from '../../cases/machine/case.types.js';
import { REPLY_STEPS, type ReplyStep } from '../canned/reply-steps.js';
import { REPLY_VARIABLES } from '../canned/reply-template.js';
import { NullableField } from '../../platform/optional-field.js';

export class CreateCannedReplyDto {
  @ApiProperty({ enum: REPLY_STEPS, example: 'followUp' })
  @IsIn(REPLY_STEPS)
  step: ReplyStep;

  @ApiPropertyOptional({ enum: CASE_TYPES, nullable: true, description: 'Leave out (or null) for a reply that fits every case type' })
  @NullableField()
  @IsIn(CASE_TYPES)
  caseType?: CaseType | null;

  @ApiProperty({ example: '提醒寄回商品', minLength: 1, maxLength: 100 })
  @IsString()
  @Length(1, 100)
  title: string;

  @ApiProperty({
    example: '您好，{buyerName}，退货申请已同意，请在{deadline}前寄回商品，寄出后在订单里填写快递单号即可。',
    minLength: 1,
    maxLength: 2000,
    description: `Placeholders: ${REPLY_VARIABLES.map((name) => `{${name}}`).join(', ')}; \`{{\` and \`}}\` are literal braces`,
  })
  @IsString()
  @Length(1, 2000)
  body: string;
}
