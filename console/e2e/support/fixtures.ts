import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import { test as base, expect, type BrowserContext, type Page } from '@playwright/test';

/** Where the harness runs (set by global-setup.ts). */
export function harness(): { baseUrl: string; controlUrl: string; adminToken: string } {
  const { E2E_BASE_URL, E2E_CONTROL_URL, E2E_ADMIN_TOKEN } = process.env;
  if (!E2E_BASE_URL || !E2E_CONTROL_URL || !E2E_ADMIN_TOKEN) throw new Error('the harness is not running: run the specs with -c console/playwright.config.ts');
  return { baseUrl: E2E_BASE_URL, controlUrl: E2E_CONTROL_URL, adminToken: E2E_ADMIN_TOKEN };
}

/** Explicit screenshots for review (git-ignored); failures get their own under output/results. */
export const SCREENSHOTS = fileURLToPath(new URL('../output/screenshots/', import.meta.url));
mkdirSync(SCREENSHOTS, { recursive: true });

export interface ApiResult<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A call to the real API, as an integration or an agent with a Bearer token. */
export async function api<T = any>(
  path: string,
  options: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${harness().baseUrl}${path}`, {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  let body: any = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON */
  }
  return { status: res.status, body, headers: res.headers };
}

async function ok<T = any>(expected: number, path: string, options: Parameters<typeof api>[1] = {}): Promise<T> {
  const res = await api<T>(path, options);
  if (res.status !== expected)
    throw new Error(`${options.method ?? (options.body === undefined ? 'GET' : 'POST')} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

// ---- the service's clock (control port) ----------------------------------------------------------

async function control<T = any>(path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${harness().controlUrl}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`control ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export async function serverNow(): Promise<Date> {
  return new Date((await control<{ now: string }>('/clock')).now);
}

export async function advanceServer(ms: number): Promise<Date> {
  return new Date((await control<{ now: string }>('/clock/advance', { ms })).now);
}

/** Fires due deadlines once (the sweeper runs only when asked). */
export async function sweep(): Promise<{ claimed: number; fired: number }> {
  return control('/sweep', {});
}

/** Cuts the open live-update streams at the socket (a network drop); browsers reconnect after `retry`. */
export async function dropStreams(): Promise<number> {
  return (await control<{ dropped: number }>('/streams/drop', {})).dropped;
}

export const HOUR = 3_600_000;
export const MINUTE = 60_000;

// ---- seeding through the real API -----------------------------------------------------------------

export interface Agent {
  id: string;
  email: string;
  password: string;
  displayName: string;
  token: string;
}

export interface Team {
  shop: { id: string; slug: string; name: string; platform: string };
  key: string;
  agent: Agent;
  agent2: Agent;
  supervisor: Agent;
}

async function createAgent(shop: Team['shop'], role: 'agent' | 'supervisor', displayName: string): Promise<Agent> {
  const { adminToken } = harness();
  const email = `${role}-${randomBytes(3).toString('hex')}@example.com`;
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const created = await ok(201, `/v1/shops/${shop.id}/agents`, { token: adminToken, body: { email, displayName, role, password } });
  const login = await ok(201, '/v1/auth/login', { body: { shop: shop.slug, email, password } });
  return { id: created.id, email, password, displayName, token: login.token };
}

/** A shop of its own for one test: two agents and a supervisor (all online), and the order system's API key. */
export async function seedTeam(overrides: Record<string, unknown> = {}): Promise<Team> {
  const { adminToken } = harness();
  const slug = `shop-${randomBytes(4).toString('hex')}`;
  const shop = await ok(201, '/v1/shops', {
    token: adminToken,
    body: { slug, name: `小米粒旗舰店 ${slug.slice(5)}`, platform: 'taobao', timezone: 'Asia/Shanghai', ...overrides },
  });
  const { key } = await ok(201, `/v1/shops/${shop.id}/api-keys`, { token: adminToken, body: { name: 'order system' } });
  const [agent, agent2, supervisor] = await Promise.all([
    createAgent(shop, 'agent', '王小丽'),
    createAgent(shop, 'agent', '李明'),
    createAgent(shop, 'supervisor', '张主管'),
  ]);
  for (const member of [agent, agent2, supervisor])
    await ok(200, '/v1/agents/me/presence', { method: 'PUT', token: member.token, body: { presence: 'online' } });
  return { shop, key, agent, agent2, supervisor };
}

export interface CaseOptions {
  /** When the buyer filed it; the 48 h merchant-response deadline runs from here. Default: the service's now. */
  requestedAt?: Date;
  type?: 'refund' | 'return' | 'exchange' | 'complaint';
  amount?: number;
  reasonCode?: string;
  buyerText?: string;
  nickname?: string;
  platformCaseId?: string;
  order?: Record<string, unknown>;
}

/** `POST /v1/cases` as the order system sends it: a shipped order of one item, requested in full. */
export async function openCase(team: Team, options: CaseOptions = {}): Promise<any> {
  const now = await serverNow();
  const amount = options.amount ?? 29900;
  const platformCaseId = options.platformCaseId ?? `TB-RF-${randomBytes(4).toString('hex').toUpperCase()}`;
  return ok(201, '/v1/cases', {
    token: team.key,
    headers: { 'idempotency-key': randomUUID() },
    body: {
      type: options.type ?? 'refund',
      platformCaseId,
      reasonCode: options.reasonCode ?? '商品质量问题',
      buyerText: options.buyerText ?? '鞋底开胶了，穿了两天就裂开',
      requestedAmount: amount,
      requestedAt: (options.requestedAt ?? now).toISOString(),
      buyer: {
        id: `tb_${randomBytes(3).toString('hex')}`,
        nickname: options.nickname ?? '小明',
        phone: '13800138000',
        address: '浙江省杭州市余杭区文一西路 969 号',
      },
      order: {
        orderId: `ORD-${randomBytes(5).toString('hex')}`,
        status: 'shipped',
        paidTotal: amount,
        currency: 'CNY',
        shippedAt: new Date(now.getTime() - 24 * HOUR).toISOString(),
        items: [{ sku: 'SKU-RED-42', title: '男士运动鞋 红色 42码', quantity: 1, unitPrice: amount, goodsKind: 'standard' }],
        ...options.order,
      },
    },
  });
}

/** Sends one case event through the API (as an agent or the order system). */
export async function sendEvent(token: string, caseId: string, event: Record<string, unknown>): Promise<any> {
  return ok(200, `/v1/cases/${caseId}/events`, { token, body: event });
}

export async function getCase(token: string, caseId: string): Promise<any> {
  return ok(200, `/v1/cases/${caseId}`, { token });
}

/** Claims the next case for an agent through the API. */
export async function claim(agent: Agent): Promise<any> {
  return ok(200, '/v1/queue/claim', { method: 'POST', token: agent.token });
}

// ---- the browser side -----------------------------------------------------------------------------

/** Signs the context in with the console's session cookie (the same call the login screen makes). */
export async function signIn(context: BrowserContext, team: Team, who: Agent = team.agent): Promise<void> {
  const res = await context.request.post(`${harness().baseUrl}/v1/auth/login`, { data: { shop: team.shop.slug, email: who.email, password: who.password } });
  expect(res.status(), await res.text()).toBe(201);
}

/** Installs the page's fake clock at the service's time: call before the first navigation. */
export async function installClock(page: Page): Promise<Date> {
  const now = await serverNow();
  await page.clock.install({ time: now });
  return now;
}

/** Moves both clocks together: the service's (control port), then the browser's. */
export async function advanceClocks(page: Page, ms: number): Promise<void> {
  await advanceServer(ms);
  await page.clock.fastForward(ms);
}

/** axe on the current screen: no serious or critical violation, listed by rule and element when there are. */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = bad.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `    ${n.target.join(' ')} — ${n.failureSummary?.split('\n').slice(1).join(' ').trim()}`).join('\n')}`,
  );
  expect.soft(report, `axe on ${screen}`).toEqual([]);
}

/** Every spec gets a fresh shop, and fails on a page error or a console error it did not expect. */
export const test = base.extend<{ team: Team; consoleErrors: string[] }>({
  baseURL: async ({}, use) => use(harness().baseUrl),
  team: async ({}, use) => use(await seedTeam()),
  consoleErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
      page.on('console', (message) => {
        if (message.type() !== 'error') return;
        const text = message.text();
        // Failed responses the spec causes on purpose (401 before sign-in, 404/412/422 problems) are logged by Chromium.
        if (/Failed to load resource: the server responded with a status of (401|403|404|409|412|422)/.test(text)) return;
        // A stream cut on purpose (dropStreams) and requests made while offline.
        if (/net::(ERR_INTERNET_DISCONNECTED|ERR_NETWORK_CHANGED|ERR_INCOMPLETE_CHUNKED_ENCODING)/.test(text)) return;
        errors.push(`console.error: ${text}`);
      });
      await use(errors);
      expect(errors, 'errors in the page').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
