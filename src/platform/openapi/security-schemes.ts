import type { SecurityRequirementObject, SecuritySchemeObject } from '@nestjs/swagger';
import { API_KEY_TAG, SESSION_TAG } from '../auth/credentials.js';
import type { Caller } from '../auth/principal.js';

/** The three kinds of bearer token the service accepts (see AuthGuard), one scheme each. */
export const SECURITY_SCHEMES = {
  adminToken: {
    type: 'http',
    scheme: 'bearer',
    description: 'The administration token: ADMIN_TOKEN from the environment (or the one generated under DATA_DIR). Operators only.',
  },
  apiKey: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: `${API_KEY_TAG}_<8 hex>_<secret>`,
    description: `A shop's API key for its order system, \`${API_KEY_TAG}_…\`, from POST /v1/shops/{shopId}/api-keys (shown once). Scoped to its shop.`,
  },
  agentSession: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: `${SESSION_TAG}_<8 hex>_<secret>`,
    description: `An agent's session token, \`${SESSION_TAG}_…\`, from POST /v1/auth/login; revoked by logout, expires. Scoped to the agent's shop; the route says which roles may call it.`,
  },
} as const satisfies Record<string, SecuritySchemeObject>;

export type SecuritySchemeName = keyof typeof SECURITY_SCHEMES;

const SCHEME_OF: Record<Exclude<Caller, 'public'>, SecuritySchemeName> = {
  admin: 'adminToken',
  integration: 'apiKey',
  agent: 'agentSession',
  supervisor: 'agentSession',
  auditor: 'agentSession',
};

const CALLER_NAMES: Record<Exclude<Caller, 'public'>, string> = {
  admin: 'the admin token',
  integration: 'a shop API key',
  agent: 'agent',
  supervisor: 'supervisor',
  auditor: 'auditor',
};

/** Any one of these schemes is enough (OpenAPI: alternatives); none at all for public routes. */
export function securityOf(callers: readonly Caller[]): SecurityRequirementObject[] {
  if (callers.includes('public')) return [];
  const schemes = new Set(callers.map((caller) => SCHEME_OF[caller as Exclude<Caller, 'public'>]));
  return (Object.keys(SECURITY_SCHEMES) as SecuritySchemeName[]).filter((name) => schemes.has(name)).map((name) => ({ [name]: [] }));
}

/** A session token names no role, so the operation says which roles it admits. */
export function callersSentence(callers: readonly Caller[]): string {
  if (callers.includes('public')) return 'Who may call: anyone, no credentials.';
  const kinds = callers.filter((caller) => caller === 'admin' || caller === 'integration').map((caller) => CALLER_NAMES[caller as 'admin']);
  const roles = callers.filter((caller) => caller === 'agent' || caller === 'supervisor' || caller === 'auditor');
  if (roles.length > 0) kinds.push(`an agent session (${roles.map((role) => CALLER_NAMES[role as 'agent']).join(', ')})`);
  return `Who may call: ${kinds.join('; ')}.`;
}
