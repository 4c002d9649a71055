import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { CommonException } from '../problem/common.problems.js';
import { allowedCallers, PRINCIPAL_KEY } from './access.decorator.js';
import { AdminToken } from './admin-token.js';
import type { Principal } from './principal.js';
import { Credentials, SESSION_TAG } from './credentials.js';
import { constantTimeEquals } from './secrets.js';
import { sessionTokenFromCookie } from './session-cookie.js';

/**
 * Authenticates every request from its `Authorization: Bearer` token (admin token, shop API key or
 * agent session) or, without one, the console's session cookie, and checks the route's `@Allow(...)` list.
 * Routes that declare nothing are admin-only.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly adminToken: AdminToken,
    private readonly credentials: Credentials,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const allowed = allowedCallers(this.reflector, context.getHandler(), context.getClass());
    if (allowed.includes('public')) return true;

    const request = context.switchToHttp().getRequest();
    const principal = await this.authenticate(request);
    request[PRINCIPAL_KEY] = principal;

    const permitted =
      principal.kind === 'admin'
        ? allowed.includes('admin')
        : principal.kind === 'integration'
          ? allowed.includes('integration')
          : allowed.includes(principal.role);
    if (!permitted) {
      const who =
        principal.kind === 'agent' ? `an agent with role ${principal.role}` : principal.kind === 'admin' ? 'the admin token' : 'an integration API key';
      throw new CommonException('FORBIDDEN', `This route cannot be called with ${who}.`);
    }
    return true;
  }

  /**
   * The `Authorization` header first; without a bearer token, the console's session cookie, which only
   * ever carries an agent session (cookie-authenticated mutations are guarded by enableCsrfProtection).
   */
  private async authenticate(request: { headers?: Record<string, string | string[] | undefined>; protocol?: string }): Promise<Principal> {
    const token = bearerToken(request.headers?.authorization);
    if (token) {
      const principal = await this.resolve(token);
      if (!principal) throw new CommonException('INVALID_CREDENTIALS', 'The token is unknown, revoked or expired.');
      return principal;
    }
    const cookie = sessionTokenFromCookie(request);
    if (!cookie) {
      throw new CommonException(
        'UNAUTHENTICATED',
        'Send `Authorization: Bearer <token>` (an agent session, a shop API key or the admin token), or sign in to the console.',
      );
    }
    const principal = cookie.startsWith(`${SESSION_TAG}_`) ? await this.credentials.authenticate(cookie) : undefined;
    if (!principal) throw new CommonException('INVALID_CREDENTIALS', 'The session has ended (signed out, revoked or expired): sign in again.');
    return principal;
  }

  private async resolve(token: string): Promise<Principal | undefined> {
    if (this.adminToken.value && constantTimeEquals(token, this.adminToken.value)) return { kind: 'admin' };
    return this.credentials.authenticate(token);
  }
}

function bearerToken(header: unknown): string | undefined {
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}
