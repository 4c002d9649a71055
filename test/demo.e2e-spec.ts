import { DEMO_CASES, DEMO_TEAM, DemoApi, seedDemo, spreadOf } from '../src/demo/demo-seed.js';
import { bearer } from './support/fixtures.js';
import { listen } from './support/sse.js';
import { createTestApp, type TestApp } from './support/test-app.js';

describe('npm run demo (seedDemo)', () => {
  let t: TestApp;
  let base: string;

  beforeAll(async () => {
    // The sweeper is off in tests: deadlines that pass stay overdue instead of being auto-approved.
    t = await createTestApp({ SESSION_TTL_HOURS: '2000' });
    base = await listen(t.app);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('should fill a shop with a team and about fifty cases at every step and deadline state, through the API', async () => {
    const lines: string[] = [];
    const result = await seedDemo({ api: base, adminToken: t.adminToken, log: (line) => lines.push(line) });

    expect(result.shop).toMatchObject({ slug: 'demo-tmall', created: true });
    expect(result.casesCreated).toBe(DEMO_CASES.length);
    expect(result.casesCreated).toBeGreaterThanOrEqual(45);
    expect(result.consoleUrl).toBe(`${base}/`);
    expect((await t.http.get('/v1/cases').query({ limit: 1 }).set(bearer(result.apiKey))).status).toBe(200);
    // Counted from the spec list: 19 cases nobody has contacted (13 unassigned), 3 and 2 further along, 6 with a
    // proposal out (4 waiting on the buyer), 7 in follow-up (one auto-approved on arrival), 4 disputes (one
    // escalated, three with the platform in), 9 archived (one auto-approved and refunded). Due soon: the 10
    // open cases filed more than 42 h ago.
    expect(result.spread).toEqual({
      byStep: { contact: 19, verify: 3, apologise: 2, propose: 6, followUp: 7, dispute: 4, archive: 9 },
      bySla: { overdue: 0, dueSoon: 10, ok: 31 },
      intervened: 4,
      unassigned: 14,
      byType: { refund: 27, return: 12, exchange: 5, complaint: 6 },
      total: 50,
    });

    // Every login works, and the console would show each what it may do.
    for (const member of DEMO_TEAM) {
      const login = await t.http.post('/v1/auth/login').send({ shop: 'demo-tmall', email: member.email, password: member.password });
      expect(login.status).toBe(201);
      expect(login.body.agent.role).toBe(member.role);
    }
    // The queue badges agree: the demo's 48 h windows closest to their end turn overdue within the hour.
    const supervisor = DEMO_TEAM.find((m) => m.role === 'supervisor')!;
    const token = (await t.http.post('/v1/auth/login').send({ shop: 'demo-tmall', email: supervisor.email, password: supervisor.password })).body.token;
    t.clock.advance(60 * 60_000);
    const counts = await t.http.get('/v1/queue/counts').set(bearer(token));
    expect(counts.body.unassigned.overdue).toBeGreaterThan(0);
    expect(counts.body.autoApprove).toMatchObject({ scope: 'shop', currency: 'CNY' });
    expect(counts.body.autoApprove.count).toBeGreaterThan(0);
    const agents: Array<{ id: string; role: string }> = (await t.http.get(`/v1/shops/${result.shop.id}/agents`).set(bearer(token))).body;
    const later = await spreadOf(
      new DemoApi(base),
      token,
      agents.filter((a) => a.role !== 'auditor').map((a) => a.id),
    );
    // 47.9, 47.8, 47.7 and 47.5 h old: past their 48 h; the one at 41 h comes within the 6 h lead.
    expect(later.bySla).toEqual({ overdue: 4, dueSoon: 7, ok: 30 });
  });

  it('should reuse the shop and its team on a second run, and add no cases', async () => {
    const again = await seedDemo({ api: base, adminToken: t.adminToken });
    expect(again.shop.created).toBe(false);
    expect(again.casesCreated).toBe(0);
    expect(again.spread.total).toBe(50);
  });
});
