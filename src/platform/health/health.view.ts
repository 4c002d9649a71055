import { ApiProperty, ApiPropertyOptional, type SchemaObject } from '@nestjs/swagger';

export class LivenessView {
  @ApiProperty({ enum: ['ok'] })
  status!: 'ok';
}

const INDICATORS = {
  type: 'object' as const,
  additionalProperties: {
    type: 'object',
    required: ['status'],
    properties: { status: { type: 'string', example: 'up' } },
    additionalProperties: true,
  } as SchemaObject,
  example: { database: { status: 'up' } },
};

/** @nestjs/terminus's health check result. */
export class ReadinessView {
  @ApiProperty({ enum: ['ok', 'error', 'shutting_down'] })
  status!: 'ok' | 'error' | 'shutting_down';

  @ApiPropertyOptional({ ...INDICATORS, description: 'The indicators that are up' })
  info?: Record<string, { status: string }>;

  @ApiPropertyOptional({ ...INDICATORS, description: 'The indicators that are down', example: {} })
  error?: Record<string, { status: string }>;

  @ApiProperty({ ...INDICATORS, description: 'Every indicator' })
  details!: Record<string, { status: string }>;
}
