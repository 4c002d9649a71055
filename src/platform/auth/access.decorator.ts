import { SetMetadata, createParamDecorator, type ExecutionContext, type Type } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import { CommonException } from '../problem/common.problems.js';
import type { Caller, Principal, ShopPrincipal } from './principal.js';

export const ACCESS_METADATA = 'access:callers';
export const PRINCIPAL_KEY = 'principal';

/**
 * Declares who may call a route. Routes without it are admin-only: access fails closed.
 * `@Allow('public')` needs no credentials at all. The OpenAPI document derives each operation's
 * security schemes from the same list (see allowedCallers).
 */
export function Allow(...callers: Caller[]) {
  return SetMetadata(ACCESS_METADATA, callers);
}

/** Who may call a handler: its own `@Allow`, else its controller's, else the admin only. */
export function allowedCallers(reflector: Reflector, handler: Function, controller: Type): Caller[] {
  return reflector.getAllAndOverride<Caller[] | undefined>(ACCESS_METADATA, [handler, controller]) ?? ['admin'];
}

/** Roles that work cases; auditors only read. */
export const STAFF: Caller[] = ['agent', 'supervisor'];
export const ANY_AGENT: Caller[] = ['agent', 'supervisor', 'auditor'];

export function principalOf(context: ExecutionContext): Principal | undefined {
  return context.switchToHttp().getRequest()[PRINCIPAL_KEY];
}

/** The authenticated caller. */
export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  const principal = principalOf(context);
  if (!principal) throw new CommonException('UNAUTHENTICATED');
  return principal;
});

/** The authenticated caller of a shop-scoped route (agent or integration): never the admin. */
export const ShopCaller = createParamDecorator((_: unknown, context: ExecutionContext): ShopPrincipal => {
  const principal = principalOf(context);
  if (!principal) throw new CommonException('UNAUTHENTICATED');
  if (principal.kind === 'admin') {
    throw new CommonException('FORBIDDEN', 'This route acts for a shop: call it with an agent session or a shop API key.');
  }
  return principal;
});
