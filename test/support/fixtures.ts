import { randomBytes } from 'node:crypto';
import type { TestApp } from './test-app.js';

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

export interface ShopFixture {
  id: string;
  slug: string;
  platform: string;
  policy: Record<string, number>;
}

export async function createShop(t: TestApp, overrides: Record<string, unknown> = {}): Promise<ShopFixture> {
  const slug = `shop-${randomBytes(4).toString('hex')}`;
  const res = await t.http
    .post('/v1/shops')
    .set(bearer(t.adminToken))
    .send({ slug, name: `Shop ${slug}`, platform: 'tmall', ...overrides });
  if (res.status !== 201) throw new Error(`createShop: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function createApiKey(t: TestApp, shopId: string, name = 'order system'): Promise<{ id: string; key: string; prefix: string }> {
  const res = await t.http.post(`/v1/shops/${shopId}/api-keys`).set(bearer(t.adminToken)).send({ name });
  if (res.status !== 201) throw new Error(`createApiKey: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export interface AgentFixture {
  id: string;
  email: string;
  password: string;
  token: string;
}

/** Creates an agent with the admin token and logs them in. */
export async function createAgent(
  t: TestApp,
  shop: ShopFixture,
  role: 'agent' | 'supervisor' | 'auditor' = 'agent',
  displayName?: string,
): Promise<AgentFixture> {
  const email = `${role}-${randomBytes(3).toString('hex')}@example.com`;
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const created = await t.http
    .post(`/v1/shops/${shop.id}/agents`)
    .set(bearer(t.adminToken))
    .send({ email, displayName: displayName ?? `${role} ${email}`, role, password });
  if (created.status !== 201) throw new Error(`createAgent: ${created.status} ${JSON.stringify(created.body)}`);
  const login = await t.http.post('/v1/auth/login').send({ shop: shop.slug, email, password });
  if (login.status !== 201) throw new Error(`login: ${login.status} ${JSON.stringify(login.body)}`);
  return { id: created.body.id, email, password, token: login.body.token };
}

/** Asserts the RFC 9457 shape every error of this service has. */
export function expectProblem(res: { status: number; headers: Record<string, string>; body: Record<string, unknown> }, status: number, code: string): void {
  expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status, code, type: expect.stringMatching(/^urn:problem:/), title: expect.any(String) });
}
