import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { SessionsService } from '../../agents/sessions.service.js';
import { ApiKeysService, API_KEY_TAG } from '../../shops/api-keys.service.js';
import { SESSION_TAG } from '../../agents/sessions.service.js';
import { CommonException } from '../problem/common.problems.js';
import { ACCESS_METADATA, PRINCIPAL_KEY } from './access.decorator.js';
import { AdminToken } from './admin-token.js';
import type { Caller, Principal } from './principal.js';
import { constantTimeEquals } from './secrets.js';

/**
 * Authenticates every request from its `Authorization: Bearer` token (admin token, shop API key or
 * agent session) and checks the route's `@Allow(...)` list. Routes that declare nothing are admin-only.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly adminToken: AdminToken,
    private readonly apiKeys: ApiKeysService,
    private readonly sessions: SessionsService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const allowed = this.reflector.getAllAndOverride<Caller[] | undefined>(ACCESS_METADATA, [context.getHandler(), context.getClass()]) ?? ['admin'];
    if (allowed.includes('public')) return true;

    const request = context.switchToHttp().getRequest();
    const token = bearerToken(request.headers?.authorization);
    if (!token) {
      throw new CommonException('UNAUTHENTICATED', 'Send `Authorization: Bearer <token>`: an agent session, a shop API key or the admin token.');
    }
    const principal = await this.resolve(token);
    if (!principal) throw new CommonException('INVALID_CREDENTIALS', 'The token is unknown, revoked or expired.');
    request[PRINCIPAL_KEY] = principal;

    const permitted =
      principal.kind === 'admin' ? allowed.includes('admin')
      : principal.kind === 'integration' ? allowed.includes('integration')
      : allowed.includes(principal.role);
    if (!permitted) {
      const who = principal.kind === 'agent' ? `an agent with role ${principal.role}` : principal.kind === 'admin' ? 'the admin token' : 'an integration API key';
      throw new CommonException('FORBIDDEN', `This route cannot be called with ${who}.`);
    }
    return true;
  }

  private async resolve(token: string): Promise<Principal | undefined> {
    if (token.startsWith(`${API_KEY_TAG}_`)) return this.apiKeys.authenticate(token);
    if (token.startsWith(`${SESSION_TAG}_`)) return this.sessions.authenticate(token);
    if (this.adminToken.value && constantTimeEquals(token, this.adminToken.value)) return { kind: 'admin' };
    return undefined;
  }
}

function bearerToken(header: unknown): string | undefined {
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}
