import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { OptionalField } from '../../platform/optional-field.js';

export class RotateSecretDto {
  @ApiPropertyOptional({
    minimum: 0,
    maximum: 720,
    example: 48,
    description: 'Hours the replaced secret keeps signing beside the new one (WEBHOOK_SECRET_OVERLAP_HOURS when left out; 0 stops it at once)',
  })
  @OptionalField()
  @IsInt()
  @Min(0)
  @Max(720)
  overlapHours?: number;
}
