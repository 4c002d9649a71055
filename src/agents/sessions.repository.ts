import { Injectable } from '@nestjs/common';
import type { AgentPrincipal } from '../platform/auth/principal.js';
import type { Tx } from '../platform/database/transactions.js';
import type { AgentSession, NewAgentSession } from './agent-session.record.js';
import type { Agent } from './agent.record.js';
import { toAgentRecord, type AgentRow } from './agents.repository.js';

interface AgentSessionRow {
  id: string;
  shop_id: string;
  agent_id: string;
  token_hash: string;
  created_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
}

export function toAgentSessionRecord(row: AgentSessionRow): AgentSession {
  return {
    id: row.id,
    shopId: row.shop_id,
    agentId: row.agent_id,
    tokenHash: row.token_hash,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
  };
}

/** An active agent as sign-in needs it: with the password hash to verify. */
export interface LoginCandidate {
  agent: Agent;
  passwordHash: string;
}

/** All SQL on `agent_sessions`, and what signing in and out reads and writes of `agents`. */
@Injectable()
export class SessionsRepository {
  /** The active agent with this email in the shop with this slug, if any. */
  async findLoginCandidate(tx: Tx, shopSlug: string, email: string): Promise<LoginCandidate | undefined> {
    const [row]: Array<AgentRow & { password_hash: string }> = await tx.query(
      `SELECT a.id, a.shop_id, a.email, a.display_name, a.role, a.active, a.presence, a.presence_changed_at, a.max_open_cases,
              a.created_at, a.updated_at, a.password_hash
       FROM shops s JOIN agents a ON a.shop_id = s.id
       WHERE s.slug = $1 AND a.email = $2 AND a.active`,
      [shopSlug, email],
    );
    return row && { agent: toAgentRecord(row), passwordHash: row.password_hash };
  }

  async insert(tx: Tx, session: NewAgentSession): Promise<AgentSession> {
    const [row]: AgentSessionRow[] = await tx.query(
      `INSERT INTO agent_sessions (shop_id, agent_id, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING *`,
      [session.shopId, session.agentId, session.tokenHash, session.createdAt, session.expiresAt],
    );
    return toAgentSessionRecord(row);
  }

  /** Revokes the session unless it already is. */
  async revoke(tx: Tx, sessionId: string, now: Date): Promise<void> {
    await tx.query(`UPDATE agent_sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL`, [sessionId, now]);
  }

  /** Revokes every session of the agent that is not already. */
  async revokeAllOfAgent(tx: Tx, agentId: string, now: Date): Promise<void> {
    await tx.query(`UPDATE agent_sessions SET revoked_at = $2 WHERE agent_id = $1 AND revoked_at IS NULL`, [agentId, now]);
  }

  /** Makes the agent away, as of `now`, when no live session of theirs is left. */
  async awayWithoutLiveSession(tx: Tx, agentId: string, now: Date): Promise<void> {
    await tx.query(
      `UPDATE agents a SET presence = 'away', presence_changed_at = $2
       WHERE a.id = $1 AND a.presence <> 'away'
         AND NOT EXISTS (SELECT 1 FROM agent_sessions s WHERE s.agent_id = a.id AND s.revoked_at IS NULL AND s.expires_at > $2)`,
      [agentId, now],
    );
  }

  /** The principal of the live session with this token hash, its agent active. Runs on every agent request: one indexed lookup. */
  async authenticate(tx: Tx, tokenHash: string, now: Date): Promise<AgentPrincipal | undefined> {
    const [row]: Array<{ id: string; shop_id: string; agent_id: string; role: AgentPrincipal['role'] }> = await tx.query(
      `SELECT s.id, s.shop_id, s.agent_id, a.role FROM agent_sessions s JOIN agents a ON a.id = s.agent_id
       WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 AND a.active`,
      [tokenHash, now],
    );
    return row && { kind: 'agent', shopId: row.shop_id, agentId: row.agent_id, role: row.role, sessionId: row.id };
  }
}
