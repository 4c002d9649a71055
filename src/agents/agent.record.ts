import { AGENT_ROLES, type AgentRole } from '../platform/auth/principal.js';

export { AGENT_ROLES, type AgentRole };

/** online: takes distributed cases · away: stepped away · suspended (挂起): keeps their cases, receives no new ones. */
export const PRESENCES = ['online', 'away', 'suspended'] as const;
export type Presence = (typeof PRESENCES)[number];

/** An agent account, as stored in `agents`, without its password hash (only sign-in reads that). */
export interface Agent {
  id: string;
  shopId: string;
  /** Stored lower-case; unique within a shop. */
  email: string;
  displayName: string;
  role: AgentRole;
  active: boolean;
  presence: Presence;
  presenceChangedAt: Date | null;
  /** At most this many open cases by claim, distribution or a teammate's transfer; null is no limit. */
  maxOpenCases: number | null;
  createdAt: Date;
  updatedAt: Date;
}

/** What a new agent is inserted with; the rest comes from the column defaults (active, away, no maximum). */
export type NewAgent = Pick<Agent, 'shopId' | 'email' | 'displayName' | 'role'> & { passwordHash: string };

/** What an edit may change; an absent field stays as it is (a null maximum is no limit). */
export type AgentChanges = Partial<Pick<Agent, 'displayName' | 'maxOpenCases'>>;
