import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { IsIn, IsString, MaxLength, validateSync } from 'class-validator';
import { assertStorableJson, flattenValidationErrors, ValidationProblem } from '../../platform/problem/validation.js';
import { EVIDENCE_KINDS, type EvidenceKind } from '../../reasons/reason.types.js';
import { EVIDENCE_PARTIES, type EvidenceParty } from '../evidence.record.js';
import { OptionalField } from '../../platform/optional-field.js';

/** The form fields sent with an evidence file. */
export class EvidenceFieldsDto {
  @ApiProperty({ enum: EVIDENCE_PARTIES, description: 'Whose evidence this is' })
  @IsIn(EVIDENCE_PARTIES)
  party: EvidenceParty;

  @ApiProperty({ enum: EVIDENCE_KINDS })
  @IsIn(EVIDENCE_KINDS)
  kind: EvidenceKind;

  @ApiPropertyOptional({ maxLength: 2000 })
  @OptionalField()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

/** Validates multipart fields like a JSON body: 400 naming each bad or unknown field. */
export function parseEvidenceFields(fields: Record<string, string>): EvidenceFieldsDto {
  assertStorableJson(fields);
  const dto = plainToInstance(EvidenceFieldsDto, fields);
  const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  if (errors.length > 0) throw new ValidationProblem(flattenValidationErrors(errors));
  return dto;
}
