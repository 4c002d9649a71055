import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, ANY_AGENT, CurrentPrincipal } from '../common/auth/access.decorator.js';
import type { AgentPrincipal } from '../common/auth/principal.js';
import { LoginDto } from './dto/login.dto.js';
import { SessionsService } from './sessions.service.js';

@ApiTags('auth')
@Controller('v1/auth')
export class AuthController {
  constructor(private readonly sessions: SessionsService) {}

  @Post('login')
  @HttpCode(201)
  @Allow('public')
  @ApiOperation({ summary: 'Log an agent in; returns a session token to send as `Authorization: Bearer`' })
  login(@Body() body: LoginDto) {
    return this.sessions.login(body.shop, body.email, body.password);
  }

  @Post('logout')
  @HttpCode(204)
  @Allow(...ANY_AGENT)
  @ApiOperation({ summary: 'Revoke the session used for this call' })
  async logout(@CurrentPrincipal() principal: AgentPrincipal) {
    await this.sessions.logout(principal);
  }

  @Get('me')
  @Allow(...ANY_AGENT)
  @ApiOperation({ summary: 'The logged-in agent' })
  me(@CurrentPrincipal() principal: AgentPrincipal) {
    return this.sessions.me(principal);
  }
}
