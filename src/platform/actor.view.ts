import { ApiProperty } from '@nestjs/swagger';

/** Who did something, as audit trails, timelines and the change feed record it (see actorOf). */
export class ActorView {
  @ApiProperty({ enum: ['admin', 'agent', 'integration', 'system'], example: 'agent' })
  kind!: string;

  @ApiProperty({ description: 'The agent id, API key id, `admin`, or the system part that acted', example: '6f1c2a9e-5b7d-4e8f-9a10-7c6b5d4e3f21' })
  id!: string;
}
