import type { Agent } from './agent.entity.js';

export interface AgentView {
  id: string;
  shopId: string;
  email: string;
  displayName: string;
  role: Agent['role'];
  active: boolean;
  presence: Agent['presence'];
  presenceChangedAt: string | null;
  maxOpenCases: number | null;
  createdAt: string;
}

export function toAgentView(agent: Agent): AgentView {
  return {
    id: agent.id,
    shopId: agent.shopId,
    email: agent.email,
    displayName: agent.displayName,
    role: agent.role,
    active: agent.active,
    presence: agent.presence,
    presenceChangedAt: agent.presenceChangedAt?.toISOString() ?? null,
    maxOpenCases: agent.maxOpenCases,
    createdAt: agent.createdAt.toISOString(),
  };
}
