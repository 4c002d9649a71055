import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, Matches } from 'class-validator';
import { PageQueryDto } from '../../platform/pagination.js';
import { CASE_TYPES, type CaseType } from '../../cases/machine/case.types.js';
import { QUEUE_STEPS, type QueueStep } from '../queue-steps.js';
import { OptionalField } from '../../platform/optional-field.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class QueueQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: CASE_TYPES })
  @OptionalField()
  @IsIn(CASE_TYPES, { message: `type must be one of ${CASE_TYPES.join(', ')}` })
  type?: CaseType;

  @ApiPropertyOptional({ enum: QUEUE_STEPS, description: 'Playbook step; `propose` includes proposals waiting on the buyer' })
  @OptionalField()
  @IsIn(QUEUE_STEPS, { message: `step must be one of ${QUEUE_STEPS.join(', ')}` })
  step?: QueueStep;

  @ApiPropertyOptional({ description: 'Only cases the platform was (true) or was not (false) asked to intervene in' })
  @OptionalField()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'intervened must be true or false' })
  intervened?: boolean;

  @ApiPropertyOptional({ description: '`me`, `unassigned` or an agent id; left out: your cases and the unassigned ones' })
  @OptionalField()
  @Matches(new RegExp(`^(me|unassigned|${UUID.source.slice(1, -1)})$`, 'i'), { message: 'assignee must be me, unassigned or an agent id' })
  assignee?: string;
}
