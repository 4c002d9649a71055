import type { Agent } from './agent.entity.js';

export interface AgentView {
  id: string;
  shopId: string;
  email: string;
  displayName: string;
  role: Agent['role'];
  active: boolean;
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
    createdAt: agent.createdAt.toISOString(),
  };
}
