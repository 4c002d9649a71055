import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Allow, ANY_AGENT, CurrentPrincipal } from '../platform/auth/access.decorator.js';
import type { AgentPrincipal } from '../platform/auth/principal.js';
import { ApiProblems } from '../platform/openapi/api-problems.js';
import { ApiTag } from '../platform/openapi/api-tags.js';
import { AgentException } from './agent.problems.js';
import { AgentView, LoginResult } from './agent.view.js';
import { LoginDto } from './dto/login.dto.js';
import { SessionCookies } from './session-cookies.js';
import { SessionsService } from './sessions.service.js';

@ApiTag('Agents and sign-in')
@Controller('v1/auth')
export class AuthController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly cookies: SessionCookies,
  ) {}

  @Post('login')
  @HttpCode(201)
  @Allow('public')
  @ApiOperation({
    operationId: 'logIn',
    summary: 'Log an agent in; returns a session token to send as `Authorization: Bearer`',
    description:
      "Also sets the console's session cookie carrying the same token: `as_session` over HTTP, `__Host-as_session` over HTTPS " +
      '(HttpOnly, SameSite=Strict, Path=/, Secure over HTTPS, Max-Age = SESSION_TTL_HOURS). A browser then needs no header; ' +
      "its state-changing requests must come from the service's own origin (cross-site ones get 403 CROSS_SITE_REQUEST).",
  })
  @ApiBody({
    type: LoginDto,
    examples: {
      agent: {
        summary: 'An agent of the shop acme-tmall',
        value: { shop: 'acme-tmall', email: 'xiaoli@example.com', password: 'correct horse battery staple' },
      },
    },
  })
  @ApiCreatedResponse({
    type: LoginResult,
    example: {
      token: 'st_7e3a9c1d_pQ4mZ8xL2vN6bT0wR5yK9sD3fG7hJ1aE',
      expiresAt: '2026-11-03T09:00:00.000Z',
      agent: {
        id: '6f1c2a9e-5b7d-4e8f-9a10-7c6b5d4e3f21',
        shopId: '5b1e7f3a-8c2d-4e9f-a1b0-c3d4e5f60718',
        email: 'xiaoli@example.com',
        displayName: '小李',
        role: 'agent',
        active: true,
        presence: 'away',
        presenceChangedAt: null,
        maxOpenCases: 30,
        createdAt: '2026-10-08T02:15:00.000Z',
      },
    },
    headers: {
      'Set-Cookie': {
        description:
          'The console session cookie with the same token, e.g. `as_session=st_…; Max-Age=43200; Path=/; HttpOnly; SameSite=Strict` (`__Host-as_session=…; Secure` over HTTPS)',
        schema: { type: 'string' },
      },
    },
  })
  @ApiProblems(AgentException, 'INVALID_LOGIN')
  async login(@Body() body: LoginDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const session = await this.sessions.login(body.shop, body.email, body.password);
    this.cookies.set(request, reply, session.token);
    return session;
  }

  @Post('logout')
  @HttpCode(204)
  @Allow(...ANY_AGENT)
  @ApiOperation({ operationId: 'logOut', summary: 'Revoke the session used for this call (header or cookie) and clear the session cookie' })
  @ApiNoContentResponse({
    description: 'Signed out',
    headers: { 'Set-Cookie': { description: 'Clears the console session cookie (`Max-Age=0`)', schema: { type: 'string' } } },
  })
  async logout(@CurrentPrincipal() principal: AgentPrincipal, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    await this.sessions.logout(principal);
    this.cookies.clear(request, reply);
  }

  @Get('me')
  @Allow(...ANY_AGENT)
  @ApiOperation({ operationId: 'getCurrentAgent', summary: 'The logged-in agent' })
  @ApiOkResponse({ type: AgentView })
  me(@CurrentPrincipal() principal: AgentPrincipal): Promise<AgentView> {
    return this.sessions.me(principal);
  }
}
