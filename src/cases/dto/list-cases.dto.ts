import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, IsUUID, Length, Matches } from 'class-validator';
import { PageQueryDto } from '../../common/pagination.js';
import { CASE_TYPES, type CaseType } from '../machine/case.types.js';
import { IsTimestamp } from '../../common/is-timestamp.js';
import { OptionalField } from '../../common/optional-field.js';

export class ListCasesDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'open', description: 'A state (`open`, `archived`) or a step (`open.verify`, `followUp.refunding`)' })
  @OptionalField()
  @Matches(/^[a-zA-Z]+(\.[a-zA-Z]+)?$/, { message: 'state must be a state name or a state.step path' })
  state?: string;

  @ApiPropertyOptional({ enum: CASE_TYPES })
  @OptionalField()
  @IsIn(CASE_TYPES)
  type?: CaseType;

  @ApiPropertyOptional({ description: 'Agent id' })
  @OptionalField()
  @IsUUID()
  assigneeId?: string;

  @ApiPropertyOptional({ description: 'The order id as the order system knows it' })
  @OptionalField()
  @IsString()
  @Length(1, 100)
  orderId?: string;

  @ApiPropertyOptional({ description: 'Only cases with a deadline due before this time' })
  @OptionalField()
  @IsTimestamp()
  dueBefore?: string;
}
