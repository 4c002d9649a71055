import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { CsvBomQuery } from '../../platform/csv.js';
import { IsTimestamp } from '../../platform/is-timestamp.js';
import { OptionalField } from '../../platform/optional-field.js';

export const TIMESERIES_METRICS = [
  'opened',
  'answeredInTimeShare',
  'autoApproved',
  'autoApprovedAmount',
  'firstResponseMedian',
  'firstResponseP90',
  'resolutionMedian',
  'resolutionP90',
  'archived',
  'qualityRefundRate',
  'interventionVolume30d',
  'interventionRate30d',
  'recoded',
  'satisfiedShare',
] as const;
export type TimeseriesMetric = (typeof TIMESERIES_METRICS)[number];

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Shop calendar days, both inclusive; checked further (real dates, order, span) by resolvePeriod. */
export class PeriodQueryDto {
  @ApiPropertyOptional({ example: '2026-11-01', description: 'First day (shop time zone), inclusive. Default: 29 days before `to`' })
  @OptionalField()
  @IsString()
  from?: string;

  @ApiPropertyOptional({ example: '2026-11-30', description: 'Last day (shop time zone), inclusive. Default: today' })
  @OptionalField()
  @IsString()
  to?: string;
}

/** A period of an endpoint that also answers CSV (`Accept: text/csv`). */
export class PeriodCsvQueryDto extends PeriodQueryDto {
  @CsvBomQuery(
    'With `Accept: text/csv` only: `true` starts the CSV with a UTF-8 byte order mark (EF BB BF), so that Excel and WPS open Chinese text correctly.',
  )
  bom?: boolean;
}

export class TimeseriesQueryDto extends PeriodCsvQueryDto {
  @ApiProperty({ enum: TIMESERIES_METRICS })
  @IsIn(TIMESERIES_METRICS)
  metric!: TimeseriesMetric;

  @ApiPropertyOptional({ enum: ['day'], default: 'day' })
  @OptionalField()
  @IsIn(['day'])
  interval?: 'day';

  @ApiPropertyOptional({ example: 'CNY', description: 'Currency of money metrics (default CNY)' })
  @OptionalField()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as CNY' })
  currency?: string;
}

export class PaidOrderDayDto {
  @ApiProperty({ example: '2026-11-20', description: 'The shop calendar day' })
  @Matches(DAY, { message: 'date must be a calendar date written YYYY-MM-DD' })
  date!: string;

  @ApiProperty({ example: 1520, description: 'Orders paid that day' })
  @IsInt()
  @Min(0)
  @Max(2_000_000_000)
  paidOrders!: number;
}

export class PaidOrdersDto {
  @ApiProperty({ type: [PaidOrderDayDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(400)
  @ValidateNested({ each: true })
  @Type(() => PaidOrderDayDto)
  days!: PaidOrderDayDto[];
}

export class RatingDto {
  @ApiProperty({ enum: ['satisfied', 'neutral', 'dissatisfied'], description: '满意 / 一般 / 不满意' })
  @IsIn(['satisfied', 'neutral', 'dissatisfied'])
  rating!: 'satisfied' | 'neutral' | 'dissatisfied';

  @ApiPropertyOptional({ example: '2026-11-21T10:00:00Z', description: 'When the buyer rated (default: now). Metrics count a rating when it is reported.' })
  @OptionalField()
  @IsTimestamp()
  ratedAt?: string;

  @ApiPropertyOptional({ maxLength: 500 })
  @OptionalField()
  @IsString()
  @MaxLength(500)
  comment?: string;
}
