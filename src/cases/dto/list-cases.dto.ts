import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, IsUUID, Length, Matches } from 'class-validator';
import { PageQueryDto } from '../../platform/pagination.js';
import { CASE_TYPES, type CaseType } from '../machine/case.types.js';
import { IsTimestamp } from '../../platform/is-timestamp.js';
import { OptionalField } from '../../platform/optional-field.js';

/** Every filter applies together; archived cases are included unless `state` leaves them out. */
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

  @ApiPropertyOptional({ description: 'The platform’s after-sales id (exact), on any platform', example: 'TB-RF-20261102-0001' })
  @OptionalField()
  @IsString()
  @Length(1, 100)
  platformCaseId?: string;

  @ApiPropertyOptional({
    description:
      'The buyer: their platform id (exact), or their nickname, exact or its beginning (`小` finds `小明` and `小红`; case-sensitive). ' +
      'Either match counts.',
    example: '小明',
  })
  @OptionalField()
  @IsString()
  @Length(1, 100)
  buyer?: string;

  @ApiPropertyOptional({ description: 'Only cases with a deadline due before this time' })
  @OptionalField()
  @IsTimestamp()
  dueBefore?: string;
}
