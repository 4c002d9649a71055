/** An agent's login session, as stored in `agent_sessions`. */
export interface AgentSession {
  id: string;
  shopId: string;
  agentId: string;
  /** sha256 of the bearer token; the token itself is returned once at login. */
  tokenHash: string;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
}

export type NewAgentSession = Pick<AgentSession, 'shopId' | 'agentId' | 'tokenHash' | 'createdAt' | 'expiresAt'>;
