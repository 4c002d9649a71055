/** What an agent may do: work cases, also supervise the team, or only read and export. */
export const AGENT_ROLES = ['agent', 'supervisor', 'auditor'] as const;
export type AgentRole = (typeof AGENT_ROLES)[number];

export interface AdminPrincipal {
  kind: 'admin';
}

export interface AgentPrincipal {
  kind: 'agent';
  shopId: string;
  agentId: string;
  role: AgentRole;
  sessionId: string;
}

export interface IntegrationPrincipal {
  kind: 'integration';
  shopId: string;
  apiKeyId: string;
}

/** Who is calling. Shop principals carry the shop every query of theirs is scoped to. */
export type Principal = AdminPrincipal | AgentPrincipal | IntegrationPrincipal;
export type ShopPrincipal = AgentPrincipal | IntegrationPrincipal;

/** What a route may be called by: the admin, an integration key, or an agent with one of these roles. */
export type Caller = 'public' | 'admin' | 'integration' | AgentRole;

export function isShopPrincipal(principal: Principal): principal is ShopPrincipal {
  return principal.kind !== 'admin';
}

/** The actor recorded in audit trails for this principal. */
export function actorOf(principal: Principal): { kind: Principal['kind']; id: string } {
  switch (principal.kind) {
    case 'admin':
      return { kind: 'admin', id: 'admin' };
    case 'agent':
      return { kind: 'agent', id: principal.agentId };
    case 'integration':
      return { kind: 'integration', id: principal.apiKeyId };
  }
}
