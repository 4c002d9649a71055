import { SetMetadata, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { applyDecorators } from '@nestjs/common';
import { CommonException } from '../problem/common.problems.js';
import type { Caller, Principal, ShopPrincipal } from './principal.js';

export const ACCESS_METADATA = 'access:callers';
export const PRINCIPAL_KEY = 'principal';

/**
 * Declares who may call a route. Routes without it are admin-only: access fails closed.
 * `@Allow('public')` needs no credentials at all.
 */
export function Allow(...callers: Caller[]) {
  const decorators: Array<ClassDecorator & MethodDecorator> = [SetMetadata(ACCESS_METADATA, callers)];
  if (!callers.includes('public')) decorators.push(ApiBearerAuth());
  return applyDecorators(...decorators);
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
