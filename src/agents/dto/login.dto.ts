import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsString, Length, Matches } from 'class-validator';

export class LoginDto {
  @ApiProperty({ example: 'acme-tmall', description: 'The shop slug' })
  @Matches(/^[a-z0-9][a-z0-9-]{1,62}$/, { message: 'shop must be a shop slug' })
  shop: string;

  @ApiProperty({ example: 'xiaoli@example.com' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @IsEmail()
  email: string;

  @ApiProperty()
  @IsString()
  @Length(1, 200)
  password: string;
}
