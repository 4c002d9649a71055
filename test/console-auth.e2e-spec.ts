import { caseBody, intake } from './support/cases.js';
import { bearer, createAgent, createApiKey, createShop, expectProblem, type AgentFixture, type ShopFixture } from './support/fixtures.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const TTL_HOURS = 12;

/** The `name=value` part of a Set-Cookie header, and its attributes in lower case. */
function parseSetCookie(header: string): { name: string; value: string; attributes: Map<string, string> } {
  const [pair, ...rest] = header.split(';').map((part) => part.trim());
  const eq = pair.indexOf('=');
  const attributes = new Map(
    rest.map((attribute) => {
      const [key, ...value] = attribute.split('=');
      return [key.toLowerCase(), value.join('=')] as [string, string];
    }),
  );
  return { name: pair.slice(0, eq), value: pair.slice(eq + 1), attributes };
}

function setCookies(res: { headers: Record<string, unknown> }): string[] {
  const header = res.headers['set-cookie'];
  return Array.isArray(header) ? header : typeof header === 'string' ? [header] : [];
}

describe('console sign-in: session cookie and cross-site protection', () => {
  let t: TestApp;
  let shop: ShopFixture;
  let apiKey: string;
  let agent: AgentFixture;
  let supervisor: AgentFixture;

  beforeAll(async () => {
    t = await createTestApp({ SESSION_TTL_HOURS: String(TTL_HOURS) });
    shop = await createShop(t);
    apiKey = (await createApiKey(t, shop.id)).key;
    agent = await createAgent(t, shop, 'agent');
    supervisor = await createAgent(t, shop, 'supervisor');
  });

  afterAll(async () => {
    await t?.close();
  });

  async function login(who: AgentFixture) {
    const res = await t.http.post('/v1/auth/login').send({ shop: shop.slug, email: who.email, password: who.password });
    expect(res.status).toBe(201);
    const [cookie] = setCookies(res);
    return { res, cookie: cookie.split(';')[0], token: res.body.token as string };
  }

  /** What a browser adds to a request from the console's own page. */
  const sameOrigin = { 'origin': 'http://127.0.0.1', 'host': '127.0.0.1', 'sec-fetch-site': 'same-origin' };
  /** What a browser adds to a request another site makes it send. */
  const crossSite = { 'origin': 'https://evil.example', 'sec-fetch-site': 'cross-site' };

  it('should set an HttpOnly, SameSite=Strict session cookie with the session token at login, and keep the JSON body', async () => {
    const { res } = await login(agent);
    expect(res.body).toEqual({
      token: expect.stringMatching(/^st_/),
      expiresAt: expect.any(String),
      agent: expect.objectContaining({ id: agent.id, email: agent.email }),
    });
    const cookies = setCookies(res);
    expect(cookies).toHaveLength(1);
    const cookie = parseSetCookie(cookies[0]);
    // Over plain HTTP: no Secure (the browser would drop it) and no __Host- prefix (it requires Secure).
    expect(cookie).toMatchObject({ name: 'as_session', value: res.body.token });
    expect(Object.fromEntries(cookie.attributes)).toEqual({ 'max-age': String(TTL_HOURS * 3600), 'path': '/', 'httponly': '', 'samesite': 'Strict' });
    expect(new Date(res.body.expiresAt).getTime() - t.clock.now().getTime()).toBe(TTL_HOURS * 3600 * 1000);
  });

  it('should not set a cookie when the login fails', async () => {
    const res = await t.http.post('/v1/auth/login').send({ shop: shop.slug, email: agent.email, password: 'wrong password' });
    expect(res.status).toBe(401);
    expect(setCookies(res)).toEqual([]);
  });

  it('should authenticate reads with the cookie alone', async () => {
    const { cookie } = await login(agent);
    const me = await t.http.get('/v1/auth/me').set('cookie', cookie);
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(agent.id);
    const queue = await t.http.get('/v1/queue').set('cookie', `theme=dark; ${cookie}; lang=zh`);
    expect(queue.status).toBe(200);
    // A read a foreign page triggers (a link, an image) is harmless and passes: SameSite keeps the cookie off it anyway.
    expect((await t.http.get('/v1/auth/me').set('cookie', cookie).set(crossSite)).status).toBe(200);
  });

  it('should let the console change things from its own origin with the cookie', async () => {
    const { cookie } = await login(agent);
    const res = await t.http.put('/v1/agents/me/presence').set('cookie', cookie).set(sameOrigin).send({ presence: 'online' });
    expect(res.status).toBe(200);
    expect(res.body.presence).toBe('online');
    // Older browsers send Origin without Sec-Fetch-Site over plain HTTP: it must match Host.
    const byOrigin = await t.http
      .put('/v1/agents/me/presence')
      .set('cookie', cookie)
      .set({ origin: 'http://console.shop.example:3000', host: 'console.shop.example:3000' })
      .send({ presence: 'away' });
    expect(byOrigin.status).toBe(200);
  });

  it('should refuse a cross-site mutation carrying the cookie with 403 CROSS_SITE_REQUEST', async () => {
    const { cookie } = await login(agent);
    const bySecFetch = await t.http.put('/v1/agents/me/presence').set('cookie', cookie).set(crossSite).send({ presence: 'online' });
    expectProblem(bySecFetch, 403, 'CROSS_SITE_REQUEST');
    const byOrigin = await t.http.post('/v1/queue/claim').set('cookie', cookie).set({ origin: 'https://evil.example', host: '127.0.0.1:3000' });
    expectProblem(byOrigin, 403, 'CROSS_SITE_REQUEST');
    const sameSite = await t.http.post('/v1/auth/logout').set('cookie', cookie).set({ 'origin': 'https://other.shop.example', 'sec-fetch-site': 'same-site' });
    expectProblem(sameSite, 403, 'CROSS_SITE_REQUEST');
    // Nothing happened: the agent is still signed in, and still away.
    expect((await t.http.get('/v1/auth/me').set('cookie', cookie)).body.presence).toBe('away');
    // Nor may another site sign a browser in to an account of its choosing.
    const loginCsrf = await t.http.post('/v1/auth/login').set(crossSite).send({ shop: shop.slug, email: agent.email, password: agent.password });
    expectProblem(loginCsrf, 403, 'CROSS_SITE_REQUEST');
    expect(setCookies(loginCsrf)).toEqual([]);
  });

  it('should let integrations and bearer callers, which send no browser headers, mutate as before', async () => {
    const opened = await intake(t, apiKey).send(caseBody(t));
    expect(opened.status).toBe(201);
    const claimed = await t.http.post('/v1/queue/claim').set(bearer(agent.token));
    expect(claimed.status).toBe(200);
  });

  it('should read the Authorization header before the cookie', async () => {
    const { cookie } = await login(supervisor);
    const me = await t.http.get('/v1/auth/me').set('cookie', cookie).set(bearer(agent.token));
    expect(me.body.id).toBe(agent.id);
    // A bad bearer token is refused, whatever the cookie says.
    expectProblem(await t.http.get('/v1/auth/me').set('cookie', cookie).set(bearer('st_nope_nope')), 401, 'INVALID_CREDENTIALS');
  });

  it('should refuse a cookie that carries no live agent session', async () => {
    expectProblem(await t.http.get('/v1/auth/me').set('cookie', 'as_session=st_00000000_forged'), 401, 'INVALID_CREDENTIALS');
    // The cookie carries agent sessions only, never an API key or the admin token.
    expectProblem(await t.http.get('/v1/cases').set('cookie', `as_session=${apiKey}`), 401, 'INVALID_CREDENTIALS');
    expectProblem(await t.http.get('/v1/shops').set('cookie', `as_session=${t.adminToken}`), 401, 'INVALID_CREDENTIALS');
    // Over plain HTTP only the unprefixed name is read: __Host- cookies come from HTTPS.
    const { token } = await login(agent);
    expectProblem(await t.http.get('/v1/auth/me').set('cookie', `__Host-as_session=${token}`), 401, 'UNAUTHENTICATED');
  });

  it('should revoke the session and clear the cookie at logout', async () => {
    const { cookie, token } = await login(agent);
    const res = await t.http.post('/v1/auth/logout').set('cookie', cookie).set(sameOrigin);
    expect(res.status).toBe(204);
    const cleared = parseSetCookie(setCookies(res)[0]);
    expect(cleared).toMatchObject({ name: 'as_session', value: '' });
    expect(cleared.attributes.get('max-age')).toBe('0');
    expect(cleared.attributes.get('path')).toBe('/');
    // The session itself is gone, by cookie and by bearer token alike.
    expectProblem(await t.http.get('/v1/auth/me').set('cookie', cookie), 401, 'INVALID_CREDENTIALS');
    expectProblem(await t.http.get('/v1/auth/me').set(bearer(token)), 401, 'INVALID_CREDENTIALS');
    // Other sessions of the same agent are untouched.
    expect((await t.http.get('/v1/auth/me').set(bearer(agent.token))).status).toBe(200);
  });

  it('should end the cookie session when it expires', async () => {
    const { cookie } = await login(agent);
    t.clock.advanceHours(TTL_HOURS);
    expectProblem(await t.http.get('/v1/auth/me').set('cookie', cookie), 401, 'INVALID_CREDENTIALS');
  });
});
