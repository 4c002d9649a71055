import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sessionCookieName, sessionCookieOptions } from '../platform/auth/session-cookie.js';
import { Environment } from '../platform/config/environment.js';

/**
 * The console's session cookie: the same `st_…` session token a login returns, for the browser to send by
 * itself (plain links, `<img>`, `EventSource`), written with Nest's built-in cookie support.
 */
@Injectable()
export class SessionCookies {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly env: Environment,
  ) {}

  /** Lives as long as the session (SESSION_TTL_HOURS); revoking the session ends it sooner. */
  set(request: FastifyRequest, reply: FastifyReply, token: string): void {
    this.adapterHost.httpAdapter.setCookie(reply, sessionCookieName(request), token, sessionCookieOptions(request, this.env.SESSION_TTL_HOURS * 3600));
  }

  clear(request: FastifyRequest, reply: FastifyReply): void {
    // Same name, path and attributes as when set, or the browser keeps the cookie; Max-Age=0 ends it.
    this.adapterHost.httpAdapter.clearCookie(reply, sessionCookieName(request), sessionCookieOptions(request, 0));
  }
}
