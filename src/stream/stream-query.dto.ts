import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { OptionalField } from '../platform/optional-field.js';

export class StreamQueryDto {
  @ApiPropertyOptional({
    description:
      'Where to resume, for a first connection that remembers a position (EventSource cannot set headers): the id of the last ' +
      'event received. The `Last-Event-ID` header, which browsers send on their own when they reconnect, takes precedence.',
    example: 'MTIzNDUuMGI3YzJmMGUtM2I4Zi00YTUzLTlkNTQtMmYxZjFlOWI3YTEwLjI',
  })
  @OptionalField()
  @IsString()
  @MaxLength(200)
  lastEventId?: string;
}
