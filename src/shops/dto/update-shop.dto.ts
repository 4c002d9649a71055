import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, IsTimeZone, Length, Max, Min, ValidateNested } from 'class-validator';

export class UpdateShopPolicyDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 720 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(720)
  merchantResponseHours?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 60 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(60)
  buyerReturnShippingDays?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 60 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(60)
  merchantReceiptDays?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 720 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(720)
  disputeEvidenceHours?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 60 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(60)
  buyerEscalationDays?: number;
}

export class UpdateShopDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ example: 'Asia/Shanghai' })
  @IsOptional()
  @IsTimeZone()
  timezone?: string;

  @ApiPropertyOptional({ type: UpdateShopPolicyDto, description: 'Only the windows given change' })
  @IsOptional()
  @ValidateNested()
  @Type(() => UpdateShopPolicyDto)
  policy?: UpdateShopPolicyDto;

  @ApiPropertyOptional({ description: '分流: new cases go to the online agent with the fewest open cases (default off)' })
  @IsOptional()
  @IsBoolean()
  distributionEnabled?: boolean;
}
