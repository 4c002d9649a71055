import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { Credentials, SESSION_TAG, type CredentialVerifier } from '../platform/auth/credentials.js';
import type { AgentPrincipal } from '../platform/auth/principal.js';
import { newBearerSecret, sha256Hex } from '../platform/auth/secrets.js';
import { Clock } from '../platform/clock/clock.js';
import { Environment } from '../platform/config/environment.js';
import { Transactions } from '../platform/database/transactions.js';
import { AgentException } from './agent.problems.js';
import { toAgentView, type AgentView, type LoginResult } from './agent.view.js';
import { AgentsRepository } from './agents.repository.js';
import { DUMMY_PASSWORD_HASH, verifyPassword } from './password-hasher.js';
import { SessionsRepository } from './sessions.repository.js';

/** Agent login sessions: opaque bearer tokens, stored as sha256 hashes, revocable, expiring. */
@Injectable()
export class SessionsService implements CredentialVerifier, OnModuleInit {
  readonly tag = SESSION_TAG;

  constructor(
    private readonly credentials: Credentials,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
    private readonly sessions: SessionsRepository,
    private readonly agents: AgentsRepository,
    private readonly clock: Clock,
    private readonly env: Environment,
  ) {}

  onModuleInit(): void {
    this.credentials.register(this);
  }

  async login(shopSlug: string, email: string, password: string): Promise<LoginResult> {
    const candidate = await this.sessions.findLoginCandidate(this.dataSource.manager, shopSlug, email);
    // An unknown shop or agent is verified against a dummy hash, so timing says nothing.
    const passwordOk = await verifyPassword(password, candidate?.passwordHash ?? DUMMY_PASSWORD_HASH);
    if (!candidate || !passwordOk) throw new AgentException('INVALID_LOGIN');
    const { agent } = candidate;

    const now = this.clock.now();
    const { token } = newBearerSecret(SESSION_TAG);
    const expiresAt = new Date(now.getTime() + this.env.SESSION_TTL_HOURS * 3_600_000);
    await this.sessions.insert(this.dataSource.manager, { shopId: agent.shopId, agentId: agent.id, tokenHash: sha256Hex(token), createdAt: now, expiresAt });
    return { token, expiresAt: expiresAt.toISOString(), agent: toAgentView(agent) };
  }

  /** Revokes the session; an agent with no other live session is away from then on (no cases are distributed to them). */
  async logout(principal: AgentPrincipal): Promise<void> {
    const now = this.clock.now();
    await this.transactions.run(async (tx) => {
      await this.sessions.revoke(tx, principal.sessionId, now);
      await this.sessions.awayWithoutLiveSession(tx, principal.agentId, now);
    });
  }

  /** The principal for a presented session token, or undefined when unknown, revoked or expired. */
  async authenticate(token: string): Promise<AgentPrincipal | undefined> {
    return this.sessions.authenticate(this.dataSource.manager, sha256Hex(token), this.clock.now());
  }

  async me(principal: AgentPrincipal): Promise<AgentView> {
    const agent = await this.agents.find(this.dataSource.manager, principal.shopId, principal.agentId);
    if (!agent) throw new Error(`agent ${principal.agentId} of a live session not found`);
    return toAgentView(agent);
  }
}
