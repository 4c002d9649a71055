import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsString, Length, Max, Min, ValidateIf } from 'class-validator';
import { OptionalField } from '../../platform/optional-field.js';

export class UpdateAgentDto {
  @ApiPropertyOptional({ example: '小李' })
  @OptionalField()
  @IsString()
  @Length(1, 100)
  displayName?: string;

  @ApiPropertyOptional({
    type: 'integer',
    nullable: true,
    minimum: 1,
    maximum: 10000,
    description: 'Most open cases by claim, distribution or transfer; null: no limit',
  })
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @IsInt()
  @Min(1)
  @Max(10000)
  maxOpenCases?: number | null;
}
