import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { bearer, createAgent, createApiKey, createShop, expectProblem, type ShopFixture } from './support/fixtures.js';
import { createTestApp, type TestApp } from './support/test-app.js';

describe('authentication and tenancy', () => {
  let t: TestApp;
  let shopA: ShopFixture;
  let shopB: ShopFixture;
  beforeAll(async () => {
    t = await createTestApp({ SESSION_TTL_HOURS: '12' });
    shopA = await createShop(t);
    shopB = await createShop(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('API keys', () => {
    it('should show the key once, store only a hash, and list it by prefix', async () => {
      const created = await createApiKey(t, shopA.id, 'order system');
      expect(created.key).toMatch(/^ak_[0-9a-f]{8}_[\w-]{43}$/);
      expect(created.key.startsWith(created.prefix)).toBe(true);

      const list = await t.http.get(`/v1/shops/${shopA.id}/api-keys`).set(bearer(t.adminToken));
      expect(list.status).toBe(200);
      const listed = list.body.find((k: { id: string }) => k.id === created.id);
      expect(listed).toMatchObject({ prefix: created.prefix, name: 'order system', revokedAt: null });
      expect(JSON.stringify(list.body)).not.toContain(created.key);

      const [row] = await t.app.get(DataSource).query('SELECT prefix, key_hash FROM api_keys WHERE id = $1', [created.id]);
      expect(row.key_hash).toBe(createHash('sha256').update(created.key).digest('hex'));
      expect(JSON.stringify(row)).not.toContain(created.key);
    });

    it('should authenticate a valid key as its shop', async () => {
      const { key } = await createApiKey(t, shopA.id);
      const res = await t.http.get('/v1/shops').set(bearer(key));
      expect(res.status).toBe(200);
      expect(res.body.items.map((s: { id: string }) => s.id)).toEqual([shopA.id]);
    });

    it('should refuse a revoked key', async () => {
      const { id, key } = await createApiKey(t, shopA.id);
      expect((await t.http.get(`/v1/shops/${shopA.id}`).set(bearer(key))).status).toBe(200);
      const revoke = await t.http.delete(`/v1/shops/${shopA.id}/api-keys/${id}`).set(bearer(t.adminToken));
      expect(revoke.status).toBe(204);
      expectProblem(await t.http.get(`/v1/shops/${shopA.id}`).set(bearer(key)), 401, 'INVALID_CREDENTIALS');
    });

    it('should refuse a made-up key and a missing one', async () => {
      expectProblem(await t.http.get('/v1/shops').set(bearer('ak_00000000_notarealkeynotarealkeynotarealkeynotareal')), 401, 'INVALID_CREDENTIALS');
      expectProblem(await t.http.get('/v1/shops'), 401, 'UNAUTHENTICATED');
    });

    it('should give a key of one shop 404 for another shop', async () => {
      const { key } = await createApiKey(t, shopA.id);
      expectProblem(await t.http.get(`/v1/shops/${shopB.id}`).set(bearer(key)), 404, 'SHOP_NOT_FOUND');
    });

    it('should not let an integration key manage keys or agents', async () => {
      const { key } = await createApiKey(t, shopA.id);
      expectProblem(await t.http.post(`/v1/shops/${shopA.id}/api-keys`).set(bearer(key)).send({ name: 'x' }), 403, 'FORBIDDEN');
      expectProblem(await t.http.get(`/v1/shops/${shopA.id}/agents`).set(bearer(key)), 403, 'FORBIDDEN');
    });

    it('should not let an integration key create shops', async () => {
      const { key } = await createApiKey(t, shopA.id);
      expectProblem(await t.http.post('/v1/shops').set(bearer(key)).send({ slug: 'by-key', name: 'x', platform: 'jd' }), 403, 'FORBIDDEN');
    });
  });

  describe('agent sessions', () => {
    it('should log in, identify the agent, and log out revoking the token', async () => {
      const agent = await createAgent(t, shopA, 'agent');
      const me = await t.http.get('/v1/auth/me').set(bearer(agent.token));
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ id: agent.id, shopId: shopA.id, role: 'agent', email: agent.email });
      expect(me.body).not.toHaveProperty('passwordHash');

      expect((await t.http.post('/v1/auth/logout').set(bearer(agent.token))).status).toBe(204);
      expectProblem(await t.http.get('/v1/auth/me').set(bearer(agent.token)), 401, 'INVALID_CREDENTIALS');
    });

    it('should refuse a wrong password, an unknown email and another shop with the same answer', async () => {
      const agent = await createAgent(t, shopA, 'agent');
      const wrongPassword = await t.http.post('/v1/auth/login').send({ shop: shopA.slug, email: agent.email, password: 'not-the-password' });
      const unknownEmail = await t.http.post('/v1/auth/login').send({ shop: shopA.slug, email: 'nobody@example.com', password: agent.password });
      const otherShop = await t.http.post('/v1/auth/login').send({ shop: shopB.slug, email: agent.email, password: agent.password });
      for (const res of [wrongPassword, unknownEmail, otherShop]) expectProblem(res, 401, 'INVALID_LOGIN');
    });

    it('should accept the email in any case', async () => {
      const agent = await createAgent(t, shopA, 'agent');
      const res = await t.http.post('/v1/auth/login').send({ shop: shopA.slug, email: agent.email.toUpperCase(), password: agent.password });
      expect(res.status).toBe(201);
    });

    it('should expire a session after the configured hours on the clock', async () => {
      const agent = await createAgent(t, shopA, 'agent');
      t.clock.advanceHours(11.9);
      expect((await t.http.get('/v1/auth/me').set(bearer(agent.token))).status).toBe(200);
      t.clock.advanceHours(0.2);
      expectProblem(await t.http.get('/v1/auth/me').set(bearer(agent.token)), 401, 'INVALID_CREDENTIALS');
    });

    it('should revoke every session of a deactivated agent and refuse their login', async () => {
      const supervisor = await createAgent(t, shopA, 'supervisor');
      const agent = await createAgent(t, shopA, 'agent');
      const res = await t.http.delete(`/v1/shops/${shopA.id}/agents/${agent.id}`).set(bearer(supervisor.token));
      expect(res.status).toBe(204);
      expectProblem(await t.http.get('/v1/auth/me').set(bearer(agent.token)), 401, 'INVALID_CREDENTIALS');
      expectProblem(await t.http.post('/v1/auth/login').send({ shop: shopA.slug, email: agent.email, password: agent.password }), 401, 'INVALID_LOGIN');
    });

    it('should refuse a second account with the same email in one shop', async () => {
      const agent = await createAgent(t, shopA, 'agent');
      const res = await t.http
        .post(`/v1/shops/${shopA.id}/agents`)
        .set(bearer(t.adminToken))
        .send({ email: agent.email, displayName: 'dup', role: 'agent', password: 'long-enough-password' });
      expectProblem(res, 409, 'AGENT_EMAIL_TAKEN');
    });

    it('should refuse a short password naming the field', async () => {
      const res = await t.http
        .post(`/v1/shops/${shopA.id}/agents`)
        .set(bearer(t.adminToken))
        .send({ email: 'short@example.com', displayName: 'x', role: 'agent', password: 'short' });
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'password' })]);
    });
  });

  describe('roles', () => {
    it('should let a supervisor create agents and keys in the own shop only', async () => {
      const supervisor = await createAgent(t, shopA, 'supervisor');
      const created = await t.http
        .post(`/v1/shops/${shopA.id}/agents`)
        .set(bearer(supervisor.token))
        .send({ email: 'new-agent@example.com', displayName: '新客服', role: 'agent', password: 'long-enough-password' });
      expect(created.status).toBe(201);
      expect((await t.http.post(`/v1/shops/${shopA.id}/api-keys`).set(bearer(supervisor.token)).send({ name: 'erp' })).status).toBe(201);

      const foreign = await t.http
        .post(`/v1/shops/${shopB.id}/agents`)
        .set(bearer(supervisor.token))
        .send({ email: 'intruder@example.com', displayName: 'x', role: 'supervisor', password: 'long-enough-password' });
      expectProblem(foreign, 404, 'SHOP_NOT_FOUND');
    });

    it.each(['agent', 'auditor'] as const)('should not let an %s create agents or API keys', async (role) => {
      const caller = await createAgent(t, shopA, role);
      const agent = await t.http
        .post(`/v1/shops/${shopA.id}/agents`)
        .set(bearer(caller.token))
        .send({ email: `by-${role}@example.com`, displayName: 'x', role: 'supervisor', password: 'long-enough-password' });
      expectProblem(agent, 403, 'FORBIDDEN');
      expectProblem(await t.http.post(`/v1/shops/${shopA.id}/api-keys`).set(bearer(caller.token)).send({ name: 'x' }), 403, 'FORBIDDEN');
    });

    it('should not let agents create shops', async () => {
      const supervisor = await createAgent(t, shopA, 'supervisor');
      expectProblem(await t.http.post('/v1/shops').set(bearer(supervisor.token)).send({ slug: 'by-agent', name: 'x', platform: 'jd' }), 403, 'FORBIDDEN');
    });
  });

  describe('tenancy', () => {
    it('should never show one shop’s data to another shop’s agent', async () => {
      const agentB = await createAgent(t, shopB, 'supervisor');
      await createAgent(t, shopA, 'agent');
      await createApiKey(t, shopA.id);

      const shops = await t.http.get('/v1/shops').set(bearer(agentB.token));
      expect(shops.body.items.map((s: { id: string }) => s.id)).toEqual([shopB.id]);
      expectProblem(await t.http.get(`/v1/shops/${shopA.id}`).set(bearer(agentB.token)), 404, 'SHOP_NOT_FOUND');
      expectProblem(await t.http.get(`/v1/shops/${shopA.id}/agents`).set(bearer(agentB.token)), 404, 'SHOP_NOT_FOUND');
      expectProblem(await t.http.get(`/v1/shops/${shopA.id}/api-keys`).set(bearer(agentB.token)), 404, 'SHOP_NOT_FOUND');
      expectProblem(await t.http.patch(`/v1/shops/${shopA.id}`).set(bearer(agentB.token)).send({ name: 'hijacked' }), 404, 'SHOP_NOT_FOUND');

      const agentsOfB = await t.http.get(`/v1/shops/${shopB.id}/agents`).set(bearer(agentB.token));
      expect(agentsOfB.body.every((a: { shopId: string }) => a.shopId === shopB.id)).toBe(true);
    });

    it('should not let a supervisor of one shop revoke another shop’s key or deactivate its agents', async () => {
      const supervisorB = await createAgent(t, shopB, 'supervisor');
      const keyA = await createApiKey(t, shopA.id);
      const agentA = await createAgent(t, shopA, 'agent');
      expectProblem(await t.http.delete(`/v1/shops/${shopA.id}/api-keys/${keyA.id}`).set(bearer(supervisorB.token)), 404, 'SHOP_NOT_FOUND');
      // Naming the own shop in the path with a foreign key id finds nothing either.
      expectProblem(await t.http.delete(`/v1/shops/${shopB.id}/api-keys/${keyA.id}`).set(bearer(supervisorB.token)), 404, 'API_KEY_NOT_FOUND');
      expectProblem(await t.http.delete(`/v1/shops/${shopB.id}/agents/${agentA.id}`).set(bearer(supervisorB.token)), 404, 'AGENT_NOT_FOUND');
      expect((await t.http.get(`/v1/shops/${shopA.id}`).set(bearer(keyA.key))).status).toBe(200);
      expect((await t.http.get('/v1/auth/me').set(bearer(agentA.token))).status).toBe(200);
    });
  });
});
