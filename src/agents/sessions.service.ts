import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, type Repository } from 'typeorm';
import { Credentials, SESSION_TAG, type CredentialVerifier } from '../platform/auth/credentials.js';
import type { AgentPrincipal } from '../platform/auth/principal.js';
import { newBearerSecret, sha256Hex } from '../platform/auth/secrets.js';
import { Clock } from '../platform/clock/clock.js';
import { Environment } from '../platform/config/environment.js';
import { Shop } from '../shops/shop.entity.js';
import { AgentSession } from './agent-session.entity.js';
import { Agent } from './agent.entity.js';
import { AgentException } from './agent.problems.js';
import { toAgentView, type AgentView, type LoginResult } from './agent.view.js';
import { DUMMY_PASSWORD_HASH, verifyPassword } from './password-hasher.js';

export { SESSION_TAG };


/** Agent login sessions: opaque bearer tokens, stored as sha256 hashes, revocable, expiring. */
@Injectable()
export class SessionsService implements CredentialVerifier, OnModuleInit {
  readonly tag = SESSION_TAG;

  constructor(
    private readonly credentials: Credentials,
    @InjectRepository(AgentSession) private readonly sessions: Repository<AgentSession>,
    @InjectRepository(Agent) private readonly agents: Repository<Agent>,
    @InjectRepository(Shop) private readonly shops: Repository<Shop>,
    private readonly clock: Clock,
    private readonly env: Environment,
  ) {}

  onModuleInit(): void {
    this.credentials.register(this);
  }

  async login(shopSlug: string, email: string, password: string): Promise<LoginResult> {
    const shop = await this.shops.findOneBy({ slug: shopSlug });
    const agent = shop
      ? await this.agents.createQueryBuilder('agent').addSelect('agent.passwordHash')
          .where('agent.shop_id = :shopId AND agent.email = :email AND agent.active', { shopId: shop.id, email })
          .getOne()
      : null;
    const passwordOk = await verifyPassword(password, agent?.passwordHash ?? DUMMY_PASSWORD_HASH);
    if (!agent || !passwordOk) throw new AgentException('INVALID_LOGIN');

    const now = this.clock.now();
    const { token } = newBearerSecret(SESSION_TAG);
    const expiresAt = new Date(now.getTime() + this.env.SESSION_TTL_HOURS * 3_600_000);
    await this.sessions.insert({ shopId: agent.shopId, agentId: agent.id, tokenHash: sha256Hex(token), createdAt: now, expiresAt });
    return { token, expiresAt: expiresAt.toISOString(), agent: toAgentView(agent) };
  }

  /** Revokes the session; an agent with no other live session is away from then on (no cases are distributed to them). */
  async logout(principal: AgentPrincipal): Promise<void> {
    const now = this.clock.now();
    await this.sessions.manager.transaction(async (manager) => {
      await manager.update(AgentSession, { id: principal.sessionId, revokedAt: IsNull() }, { revokedAt: now });
      await manager.query(
        `UPDATE agents a SET presence = 'away', presence_changed_at = $2
         WHERE a.id = $1 AND a.presence <> 'away'
           AND NOT EXISTS (SELECT 1 FROM agent_sessions s WHERE s.agent_id = a.id AND s.revoked_at IS NULL AND s.expires_at > $2)`,
        [principal.agentId, now],
      );
    });
  }

  /** The principal for a presented session token, or undefined when unknown, revoked or expired. */
  async authenticate(token: string): Promise<AgentPrincipal | undefined> {
    // Runs on every agent request: one indexed lookup, no ORM query building.
    const [row] = await this.sessions.query(
      `SELECT s.id, s.shop_id, s.agent_id, a.role FROM agent_sessions s JOIN agents a ON a.id = s.agent_id
       WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 AND a.active`,
      [sha256Hex(token), this.clock.now()],
    );
    return row && { kind: 'agent', shopId: row.shop_id, agentId: row.agent_id, role: row.role, sessionId: row.id };
  }

  async me(principal: AgentPrincipal): Promise<AgentView> {
    const agent = await this.agents.findOneByOrFail({ id: principal.agentId, shopId: principal.shopId });
    return toAgentView(agent);
  }
}
