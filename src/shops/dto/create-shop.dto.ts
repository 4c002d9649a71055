import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsString, IsTimeZone, Length, Matches, ValidateNested } from 'class-validator';
import { PLATFORMS, type Platform } from '../shop.record.js';
import { ShopPolicyDto } from './shop-policy.dto.js';
import { OptionalField } from '../../platform/optional-field.js';

export class CreateShopDto {
  @ApiProperty({ example: 'acme-tmall', description: 'Short unique name agents type at login' })
  @Matches(/^[a-z0-9][a-z0-9-]{1,62}$/, { message: 'slug must be 2-63 lower-case letters, digits or dashes' })
  slug: string;

  @ApiProperty({ example: 'ACME 官方旗舰店' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ enum: PLATFORMS, example: 'tmall' })
  @IsIn(PLATFORMS, { message: `platform must be one of ${PLATFORMS.join(', ')}` })
  platform: Platform;

  @ApiPropertyOptional({ example: 'Asia/Shanghai', description: 'IANA time zone for day boundaries (default Asia/Shanghai)' })
  @OptionalField()
  @IsTimeZone()
  timezone?: string;

  @ApiPropertyOptional({ type: ShopPolicyDto })
  @OptionalField()
  @ValidateNested()
  @Type(() => ShopPolicyDto)
  policy?: ShopPolicyDto;

  @ApiPropertyOptional({ description: '分流: new cases go to the online agent with the fewest open cases (default false)' })
  @OptionalField()
  @IsBoolean()
  distributionEnabled?: boolean;
}
