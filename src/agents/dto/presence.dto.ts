import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { PRESENCES, type Presence } from '../agent.record.js';

export class PresenceDto {
  @ApiProperty({ enum: PRESENCES, description: 'online · away · suspended (挂起: keeps current cases, receives no new ones)' })
  @IsIn(PRESENCES, { message: `presence must be one of ${PRESENCES.join(', ')}` })
  presence: Presence;
}
