import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsBoolean, IsIn, IsString, IsUrl, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../platform/pagination.js';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '../webhook-events.js';
import { OptionalField } from '../../platform/optional-field.js';

const URL_OPTIONS = { protocols: ['http', 'https'], require_protocol: true, require_tld: false, allow_underscores: true };

export class CreateWebhookEndpointDto {
  @ApiProperty({ example: 'https://oms.example.com/hooks/aftersales' })
  @IsUrl(URL_OPTIONS, { message: 'url must be an http or https URL' })
  @MaxLength(2000)
  url: string;

  @ApiPropertyOptional({ enum: WEBHOOK_EVENT_TYPES, isArray: true, description: 'Event types to receive; all of them when left out' })
  @OptionalField()
  @ArrayMinSize(1)
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length)
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true })
  eventTypes?: WebhookEventType[];

  @ApiPropertyOptional({ example: 'order system (production)' })
  @OptionalField()
  @IsString()
  @MaxLength(500)
  description?: string;
}

export class UpdateWebhookEndpointDto extends PartialType(CreateWebhookEndpointDto) {
  @ApiPropertyOptional({ description: 'A disabled endpoint gets no new events; its pending ones wait until it is enabled again' })
  @OptionalField()
  @IsBoolean()
  enabled?: boolean;
}

export const MESSAGE_STATUSES = ['pending', 'delivered', 'failed'] as const;

export class ListMessagesDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: MESSAGE_STATUSES })
  @OptionalField()
  @IsIn(MESSAGE_STATUSES)
  status?: (typeof MESSAGE_STATUSES)[number];
}
