import { ApiProperty } from '@nestjs/swagger';
import { AGENT_ROLES, PRESENCES, type Agent } from './agent.record.js';

export class AgentView {
  @ApiProperty({ format: 'uuid', example: '6f1c2a9e-5b7d-4e8f-9a10-7c6b5d4e3f21' })
  id!: string;

  @ApiProperty({ format: 'uuid', example: '5b1e7f3a-8c2d-4e9f-a1b0-c3d4e5f60718' })
  shopId!: string;

  @ApiProperty({ example: 'xiaoli@example.com' })
  email!: string;

  @ApiProperty({ example: '小李' })
  displayName!: string;

  @ApiProperty({ enum: AGENT_ROLES, example: 'agent' })
  role!: Agent['role'];

  @ApiProperty({ description: 'Deactivated accounts cannot sign in' })
  active!: boolean;

  @ApiProperty({ enum: PRESENCES, description: 'online takes distributed cases; away and suspended (挂起) keep theirs and get no new ones', example: 'online' })
  presence!: Agent['presence'];

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  presenceChangedAt!: string | null;

  @ApiProperty({ type: 'integer', nullable: true, description: 'Most open cases by claim, distribution or transfer; null: no limit', example: 30 })
  maxOpenCases!: number | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

/** A new session: the token to send as `Authorization: Bearer`, and who it belongs to. */
export class LoginResult {
  @ApiProperty({ description: 'The session token; revoked by POST /v1/auth/logout', example: 'st_7e3a9c1d_pQ4mZ8xL2vN6bT0wR5yK9sD3fG7hJ1aE' })
  token!: string;

  @ApiProperty({ format: 'date-time', description: 'SESSION_TTL_HOURS after sign-in' })
  expiresAt!: string;

  @ApiProperty({ type: AgentView })
  agent!: AgentView;
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
