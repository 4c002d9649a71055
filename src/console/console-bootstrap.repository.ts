import { Injectable } from '@nestjs/common';
import type { AgentRole, Presence } from '../agents/agent.record.js';
import type { Tx } from '../platform/database/transactions.js';

export interface SignedInAgent {
  id: string;
  email: string;
  displayName: string;
  role: AgentRole;
  presence: Presence;
  maxOpenCases: number | null;
  openCases: number;
  sessionExpiresAt: Date;
}

@Injectable()
export class ConsoleBootstrapRepository {
  /** The agent of a session, with the open cases they hold (agent_open_cases, kept by the case engine). */
  async signedIn(tx: Tx, shopId: string, agentId: string, sessionId: string): Promise<SignedInAgent | undefined> {
    const [row] = await tx.query(
      `SELECT a.id, a.email, a.display_name, a.role, a.presence, a.max_open_cases, coalesce(o.open, 0) AS open_cases, s.expires_at
       FROM agents a
       JOIN agent_sessions s ON s.id = $3 AND s.agent_id = a.id
       LEFT JOIN agent_open_cases o ON o.agent_id = a.id
       WHERE a.id = $2 AND a.shop_id = $1`,
      [shopId, agentId, sessionId],
    );
    return (
      row && {
        id: row.id,
        email: row.email,
        displayName: row.display_name,
        role: row.role,
        presence: row.presence,
        maxOpenCases: row.max_open_cases,
        openCases: Number(row.open_cases),
        sessionExpiresAt: row.expires_at,
      }
    );
  }
}
