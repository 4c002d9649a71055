import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { OptionalField } from '../../platform/optional-field.js';

export class MessageLookupDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'The endpoint that received it; needed when the event went to several of the shop’s endpoints' })
  @OptionalField()
  @IsUUID()
  endpointId?: string;
}
