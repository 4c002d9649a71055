import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsString, IsTimeZone, Length, Max, Min, ValidateNested } from 'class-validator';
import { OptionalField } from '../../platform/optional-field.js';

export class UpdateShopPolicyDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 720 })
  @OptionalField()
  @IsInt()
  @Min(1)
  @Max(720)
  merchantResponseHours?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 60 })
  @OptionalField()
  @IsInt()
  @Min(1)
  @Max(60)
  buyerReturnShippingDays?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 60 })
  @OptionalField()
  @IsInt()
  @Min(1)
  @Max(60)
  merchantReceiptDays?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 720 })
  @OptionalField()
  @IsInt()
  @Min(1)
  @Max(720)
  disputeEvidenceHours?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 60 })
  @OptionalField()
  @IsInt()
  @Min(1)
  @Max(60)
  buyerEscalationDays?: number;
}

export class UpdateShopDto {
  @ApiPropertyOptional()
  @OptionalField()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ example: 'Asia/Shanghai' })
  @OptionalField()
  @IsTimeZone()
  timezone?: string;

  @ApiPropertyOptional({ type: UpdateShopPolicyDto, description: 'Only the windows given change' })
  @OptionalField()
  @ValidateNested()
  @Type(() => UpdateShopPolicyDto)
  policy?: UpdateShopPolicyDto;

  @ApiPropertyOptional({ description: '分流: new cases go to the online agent with the fewest open cases (default off)' })
  @OptionalField()
  @IsBoolean()
  distributionEnabled?: boolean;
}
