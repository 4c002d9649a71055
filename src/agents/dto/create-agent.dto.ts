import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsString, Length } from 'class-validator';
import { AGENT_ROLES, type AgentRole } from '../agent.record.js';

export class CreateAgentDto {
  @ApiProperty({ example: 'xiaoli@example.com' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @IsEmail()
  email: string;

  @ApiProperty({ example: '小李' })
  @IsString()
  @Length(1, 100)
  displayName: string;

  @ApiProperty({ enum: AGENT_ROLES, example: 'agent' })
  @IsIn(AGENT_ROLES, { message: `role must be one of ${AGENT_ROLES.join(', ')}` })
  role: AgentRole;

  @ApiProperty({ minLength: 10, maxLength: 200, example: 'correct horse battery staple' })
  @IsString()
  @Length(10, 200, { message: 'password must be 10 to 200 characters long' })
  password: string;
}
