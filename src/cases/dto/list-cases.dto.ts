import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { PageQueryDto } from '../../common/pagination.js';
import { CASE_TYPES, type CaseType } from '../machine/case.types.js';

export class ListCasesDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'open', description: 'A state (`open`, `archived`) or a step (`open.verify`, `followUp.refunding`)' })
  @IsOptional()
  @Matches(/^[a-zA-Z]+(\.[a-zA-Z]+)?$/, { message: 'state must be a state name or a state.step path' })
  state?: string;

  @ApiPropertyOptional({ enum: CASE_TYPES })
  @IsOptional()
  @IsIn(CASE_TYPES)
  type?: CaseType;

  @ApiPropertyOptional({ description: 'Agent id' })
  @IsOptional()
  @IsUUID()
  assigneeId?: string;

  @ApiPropertyOptional({ description: 'The order id as the order system knows it' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  orderId?: string;

  @ApiPropertyOptional({ description: 'Only cases with a deadline due before this time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  dueBefore?: string;
}
