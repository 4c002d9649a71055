import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, IsUUID, MaxLength, ValidateIf } from 'class-validator';
import { OptionalField } from '../../platform/optional-field.js';

export class AssignCaseDto {
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The teammate to hand the case to; null puts it back in the queue', example: null })
  @ValidateIf((_, value) => value !== null)
  @IsUUID('all', { message: 'agentId must be an agent id or null' })
  agentId: string | null;

  @ApiPropertyOptional({ example: '买家要求换人跟进，转交给小王' })
  @OptionalField()
  @IsString()
  @MaxLength(1000)
  note?: string;
}
