import { Injectable } from '@nestjs/common';
import type { Tx } from '../platform/database/transactions.js';
import type { Agent, AgentChanges, AgentRole, NewAgent, Presence } from './agent.record.js';

export interface AgentRow {
  id: string;
  shop_id: string;
  email: string;
  display_name: string;
  role: AgentRole;
  active: boolean;
  presence: Presence;
  presence_changed_at: Date | null;
  max_open_cases: number | null;
  created_at: Date;
  updated_at: Date;
}

export function toAgentRecord(row: AgentRow): Agent {
  return {
    id: row.id,
    shopId: row.shop_id,
    email: row.email,
    displayName: row.display_name,
    role: row.role,
    active: row.active,
    presence: row.presence,
    presenceChangedAt: row.presence_changed_at,
    maxOpenCases: row.max_open_cases,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Every column but the password hash, which only sign-in reads (SessionsRepository). */
export const AGENT_COLUMNS = 'id, shop_id, email, display_name, role, active, presence, presence_changed_at, max_open_cases, created_at, updated_at';

const CHANGE_COLUMNS: Record<keyof AgentChanges, string> = { displayName: 'display_name', maxOpenCases: 'max_open_cases' };

/** All SQL on `agents` (sessions: SessionsRepository). Every query is scoped by shop. */
@Injectable()
export class AgentsRepository {
  /** Active, away, no maximum, created now: the column defaults. A taken email violates `agents_shop_email_key`. */
  async insert(tx: Tx, agent: NewAgent): Promise<Agent> {
    const [row]: AgentRow[] = await tx.query(
      `INSERT INTO agents (shop_id, email, display_name, role, password_hash) VALUES ($1, $2, $3, $4, $5) RETURNING ${AGENT_COLUMNS}`,
      [agent.shopId, agent.email, agent.displayName, agent.role, agent.passwordHash],
    );
    return toAgentRecord(row);
  }

  async list(tx: Tx, shopId: string): Promise<Agent[]> {
    const rows: AgentRow[] = await tx.query(`SELECT ${AGENT_COLUMNS} FROM agents WHERE shop_id = $1 ORDER BY created_at, id`, [shopId]);
    return rows.map(toAgentRecord);
  }

  async find(tx: Tx, shopId: string, agentId: string): Promise<Agent | undefined> {
    const [row]: AgentRow[] = await tx.query(`SELECT ${AGENT_COLUMNS} FROM agents WHERE id = $1 AND shop_id = $2`, [agentId, shopId]);
    return row && toAgentRecord(row);
  }

  /**
   * Writes the given fields. Only when one of them differs from what is stored is the row written, and
   * then `updated_at` becomes now(); otherwise the agent is returned as it stands. Undefined when the shop
   * has no such agent.
   */
  async update(tx: Tx, shopId: string, agentId: string, changes: AgentChanges): Promise<Agent | undefined> {
    const params: unknown[] = [agentId, shopId];
    const assignments: string[] = [];
    const differences: string[] = [];
    for (const [key, column] of Object.entries(CHANGE_COLUMNS) as Array<[keyof AgentChanges, string]>) {
      if (changes[key] === undefined) continue;
      params.push(changes[key]);
      assignments.push(`${column} = $${params.length}`);
      differences.push(`${column} IS DISTINCT FROM $${params.length}`);
    }
    if (assignments.length > 0) {
      const [rows]: [AgentRow[], number] = await tx.query(
        `UPDATE agents SET ${assignments.join(', ')}, updated_at = now()
         WHERE id = $1 AND shop_id = $2 AND (${differences.join(' OR ')}) RETURNING ${AGENT_COLUMNS}`,
        params,
      );
      if (rows[0]) return toAgentRecord(rows[0]);
    }
    return this.find(tx, shopId, agentId);
  }

  /** Sets the presence when it differs, noting when; the agent as it then stands (undefined when there is no such agent). */
  async setPresence(tx: Tx, shopId: string, agentId: string, presence: Presence, now: Date): Promise<Agent | undefined> {
    const [rows]: [AgentRow[], number] = await tx.query(
      `UPDATE agents SET presence = $3, presence_changed_at = $4, updated_at = now()
       WHERE id = $1 AND shop_id = $2 AND presence <> $3 RETURNING ${AGENT_COLUMNS}`,
      [agentId, shopId, presence, now],
    );
    return rows[0] ? toAgentRecord(rows[0]) : this.find(tx, shopId, agentId);
  }

  /** False when the shop has no such agent. */
  async deactivate(tx: Tx, shopId: string, agentId: string): Promise<boolean> {
    const [, affected]: [unknown, number] = await tx.query(`UPDATE agents SET active = false, updated_at = now() WHERE id = $1 AND shop_id = $2`, [
      agentId,
      shopId,
    ]);
    return affected > 0;
  }
}
