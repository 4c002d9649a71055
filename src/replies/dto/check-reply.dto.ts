import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, IsUUID, Length } from 'class-validator';
import { OptionalField } from '../../platform/optional-field.js';

export class CheckReplyDto {
  @ApiProperty({ example: '亲，您可以加我微信 wx_kefu01 详细沟通', minLength: 1, maxLength: 4000 })
  @IsString()
  @Length(1, 4000)
  text: string;

  @ApiPropertyOptional({ description: 'Judge the text for this case’s platform instead of the shop’s' })
  @OptionalField()
  @IsUUID()
  caseId?: string;
}
