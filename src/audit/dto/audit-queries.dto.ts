import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsUUID, ValidateBy, type ValidationOptions } from 'class-validator';
import { CsvBomQuery } from '../../platform/csv.js';
import { isTimestamp, IsTimestamp } from '../../platform/is-timestamp.js';
import type { ExportFormat } from '../audit-export.format.js';
import { OptionalField } from '../../platform/optional-field.js';

const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class PersonalDataQueryDto {
  @ApiPropertyOptional({ default: false, description: 'Auditors only: buyer phone and address unmasked. The request is recorded in the access log.' })
  @OptionalField()
  @Transform(toBoolean)
  @IsBoolean({ message: 'includePersonalData must be true or false' })
  includePersonalData: boolean = false;
}

export class ExportQueryDto extends PersonalDataQueryDto {
  @ApiProperty({ example: '2026-11-01T00:00:00+08:00', description: 'Events at or after this time (RFC 3339 with offset)' })
  @IsTimestamp()
  from: string;

  @ApiProperty({ example: '2026-12-01T00:00:00+08:00', description: 'Events before this time' })
  @IsTimestamp()
  @IsAfter('from')
  to: string;

  @ApiPropertyOptional({ enum: ['csv', 'ndjson'], default: 'csv' })
  @OptionalField()
  @IsIn(['csv', 'ndjson'])
  format: ExportFormat = 'csv';

  @CsvBomQuery(
    'CSV only (ignored for NDJSON): with `true`, the file starts with a UTF-8 byte order mark (EF BB BF), so that Excel and WPS open Chinese text correctly.',
  )
  bom: boolean = false;
}

export class VerifyQueryDto {
  @ApiPropertyOptional({ description: 'Verify this case only; omit for every case of the shop' })
  @OptionalField()
  @IsUUID('all', { message: 'caseId must be a UUID' })
  caseId?: string;
}

/** The value is a timestamp later than the timestamp in `property`. */
function IsAfter(property: string, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isAfter',
      constraints: [property],
      validator: {
        validate: (value, args) => {
          const other = (args?.object as Record<string, unknown>)[property];
          // An unreadable `from` is reported on its own field.
          if (!isTimestamp(other)) return true;
          return isTimestamp(value) && Date.parse(value) > Date.parse(other);
        },
        defaultMessage: (args) => `${args?.property} must be later than ${property}`,
      },
    },
    options,
  );
}
