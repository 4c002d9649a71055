import { DataSource, type EntityManager } from 'typeorm';
import { CaseRepository } from '../src/cases/case.repository.js';
import { QueueCountsRepository } from '../src/queue/queue-counts.repository.js';
import { openCase, send } from './support/cases.js';
import { bearer, createAgent, createApiKey, createShop, expectProblem, type AgentFixture, type ShopFixture } from './support/fixtures.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const HOUR = 3_600_000;

describe('console API: bootstrap, queue counts, case search', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ SESSION_TTL_HOURS: '2000' });
  });

  afterAll(async () => {
    await t?.close();
  });

  const hoursAgo = (hours: number) => new Date(t.clock.now().getTime() - hours * HOUR).toISOString();

  async function assign(supervisor: AgentFixture, caseId: string, agentId: string) {
    const res = await t.http.put(`/v1/cases/${caseId}/assignee`).set(bearer(supervisor.token)).send({ agentId });
    if (res.status !== 200) throw new Error(`assign: ${res.status} ${JSON.stringify(res.body)}`);
  }

  /** SQL a repository method sends, captured instead of run. */
  async function capture(run: (tx: EntityManager) => Promise<unknown>): Promise<Array<{ sql: string; params: unknown[] }>> {
    const queries: Array<{ sql: string; params: unknown[] }> = [];
    // What the method makes of an empty answer does not matter here.
    await run({ query: async (sql: string, params: unknown[]) => (queries.push({ sql, params }), []) } as unknown as EntityManager).catch(() => undefined);
    return queries;
  }

  /** The plan PostgreSQL chooses for a captured query. */
  async function plan(query: { sql: string; params: unknown[] }): Promise<string> {
    const rows: Array<{ 'QUERY PLAN': string }> = await t.app.get(DataSource).query(`EXPLAIN ${query.sql}`, query.params);
    return rows.map((row) => row['QUERY PLAN']).join('\n');
  }

  describe('GET /v1/console/bootstrap', () => {
    let shop: ShopFixture;
    let agent: AgentFixture;
    let supervisor: AgentFixture;
    let auditor: AgentFixture;
    let key: string;

    beforeAll(async () => {
      shop = await createShop(t, { timezone: 'Asia/Shanghai', distributionEnabled: false });
      key = (await createApiKey(t, shop.id)).key;
      agent = await createAgent(t, shop, 'agent', '小李');
      supervisor = await createAgent(t, shop, 'supervisor');
      auditor = await createAgent(t, shop, 'auditor');
      await t.http.patch(`/v1/shops/${shop.id}/agents/${agent.id}`).set(bearer(t.adminToken)).send({ maxOpenCases: 10 });
      for (let i = 0; i < 3; i += 1) await assign(supervisor, (await openCase(t, key)).id, agent.id);
      const archived = await openCase(t, key);
      await assign(supervisor, archived.id, agent.id);
      await send(t, key, archived.id, { type: 'BUYER_WITHDRAW' });
    });

    it('should tell an agent who they are, their shop, the server time, the due-soon lead and what they may do', async () => {
      const res = await t.http.get('/v1/console/bootstrap').set(bearer(agent.token));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        me: {
          id: agent.id,
          email: agent.email,
          displayName: '小李',
          role: 'agent',
          presence: 'away',
          maxOpenCases: 10,
          openCases: 3,
          sessionExpiresAt: new Date(t.clock.now().getTime() + 2000 * HOUR).toISOString(),
        },
        shop: {
          id: shop.id,
          slug: shop.slug,
          name: `Shop ${shop.slug}`,
          platform: 'tmall',
          timezone: 'Asia/Shanghai',
          policy: { merchantResponseHours: 48, buyerReturnShippingDays: 7, merchantReceiptDays: 10, disputeEvidenceHours: 48, buyerEscalationDays: 7 },
          distributionEnabled: false,
        },
        serverTime: t.clock.now().toISOString(),
        deadlineWarningLeadMinutes: 360,
        capabilities: {
          claim: true,
          assign: false,
          transfer: true,
          workCases: true,
          uploadEvidence: true,
          overrideGuard: false,
          readAudit: false,
          exportAudit: false,
          exportPersonalData: false,
          manageReplies: false,
          manageShop: false,
          manageAgents: false,
          manageApiKeys: false,
          manageWebhooks: false,
          readMetrics: true,
        },
      });
    });

    it('should give supervisors and auditors the capabilities the API grants them', async () => {
      const asSupervisor = (await t.http.get('/v1/console/bootstrap').set(bearer(supervisor.token))).body;
      expect(asSupervisor.me).toMatchObject({ role: 'supervisor', openCases: 0, maxOpenCases: null });
      expect(asSupervisor.capabilities).toEqual({
        claim: true,
        assign: true,
        transfer: true,
        workCases: true,
        uploadEvidence: true,
        overrideGuard: true,
        readAudit: true,
        exportAudit: true,
        exportPersonalData: false,
        manageReplies: true,
        manageShop: true,
        manageAgents: true,
        manageApiKeys: true,
        manageWebhooks: true,
        readMetrics: true,
      });
      const asAuditor = (await t.http.get('/v1/console/bootstrap').set(bearer(auditor.token))).body;
      expect(asAuditor.capabilities).toEqual({
        claim: false,
        assign: false,
        transfer: false,
        workCases: false,
        uploadEvidence: false,
        overrideGuard: false,
        readAudit: true,
        exportAudit: true,
        exportPersonalData: true,
        manageReplies: false,
        manageShop: false,
        manageAgents: false,
        manageApiKeys: false,
        manageWebhooks: false,
        readMetrics: true,
      });
    });

    it('should agree with what the API actually lets each role do', async () => {
      // claim: an auditor is refused by the route.
      expectProblem(await t.http.post('/v1/queue/claim').set(bearer(auditor.token)), 403, 'FORBIDDEN');
      // manageReplies: an agent is refused.
      const reply = { step: 'contact', title: '问候', body: '亲，您好' };
      expectProblem(await t.http.post('/v1/replies/canned').set(bearer(agent.token)).send(reply), 403, 'FORBIDDEN');
      // exportPersonalData: a supervisor is refused by the service, an auditor is not.
      const range = { from: '2026-11-01T00:00:00Z', to: '2026-11-03T00:00:00Z', includePersonalData: 'true' };
      expect((await t.http.get('/v1/audit/export').query(range).set(bearer(supervisor.token))).status).toBe(403);
      expect((await t.http.get('/v1/audit/export').query(range).set(bearer(auditor.token))).status).toBe(200);
    });

    it('should work with the session cookie and refuse integrations', async () => {
      const login = await t.http.post('/v1/auth/login').send({ shop: shop.slug, email: agent.email, password: agent.password });
      const cookie = (login.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
      expect((await t.http.get('/v1/console/bootstrap').set('cookie', cookie)).body.me.id).toBe(agent.id);
      expectProblem(await t.http.get('/v1/console/bootstrap').set(bearer(key)), 403, 'FORBIDDEN');
      expectProblem(await t.http.get('/v1/console/bootstrap'), 401, 'UNAUTHENTICATED');
    });
  });

  describe('GET /v1/queue/counts', () => {
    let shop: ShopFixture;
    let key: string;
    let agent: AgentFixture;
    let teammate: AgentFixture;
    let supervisor: AgentFixture;
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      shop = await createShop(t);
      key = (await createApiKey(t, shop.id)).key;
      agent = await createAgent(t, shop, 'agent');
      teammate = await createAgent(t, shop, 'agent');
      supervisor = await createAgent(t, shop, 'supervisor');
      const other = await createShop(t);
      const otherKey = (await createApiKey(t, other.id)).key;

      // The 48 h merchant window runs from requestedAt; the lead is 6 h. In 5 h the first ones are overdue.
      const open = async (
        name: string,
        type: 'refund' | 'return' | 'exchange' | 'complaint',
        requestedHoursAgo: number,
        requestedAmount: number,
        assignee?: AgentFixture,
      ) => {
        const opened = await openCase(t, key, { type, requestedAt: hoursAgo(requestedHoursAgo), requestedAmount });
        ids[name] = opened.id;
        if (assignee) await assign(supervisor, opened.id, assignee.id);
      };
      await open('mineOverdueSoon', 'refund', 44, 10000, agent); // due in 4 h: due soon now, overdue in 5 h
      await open('mineDueSoon', 'refund', 40, 20000, agent); // due in 8 h: ok now, due soon in 5 h
      await open('mineOk', 'return', 0, 25000, agent); // due in 48 h
      await open('mineComplaint', 'complaint', 47, 0, agent); // no merchant-response deadline: ok
      await open('mineArchived', 'refund', 44, 15000, agent);
      await send(t, key, ids.mineArchived, { type: 'BUYER_WITHDRAW' });
      await open('teammateDueSoon', 'refund', 44, 12000, teammate);
      await open('unassignedReturn', 'return', 44, 13000); // due soon, a return: money at stake
      await open('unassignedExchange', 'exchange', 44, 0); // due soon, but an exchange moves no money
      await open('unassignedOk', 'refund', 10, 14000);
      await openCase(t, otherKey, { requestedAt: hoursAgo(44) });
    });

    async function counts(who: AgentFixture) {
      const res = await t.http.get('/v1/queue/counts').set(bearer(who.token));
      expect(res.status).toBe(200);
      return res.body;
    }

    /** The same numbers from the queue itself (its `sla` per item), all pages. */
    async function fromQueue(who: AgentFixture, assignee: string) {
      const items: Array<{ sla: string }> = [];
      let cursor: string | undefined;
      do {
        const res = await t.http
          .get('/v1/queue')
          .query({ assignee, limit: 100, ...(cursor ? { cursor } : {}) })
          .set(bearer(who.token));
        items.push(...res.body.items);
        cursor = res.body.nextCursor ?? undefined;
      } while (cursor);
      const count = (sla: string) => items.filter((item) => item.sla === sla).length;
      return { overdue: count('overdue'), dueSoon: count('due_soon'), ok: count('ok'), total: items.length };
    }

    it('should count my open cases and the unassigned ones by the queue’s SLA states, and what auto-approval will pay', async () => {
      const now = await counts(agent);
      expect(now).toEqual({
        mine: { overdue: 0, dueSoon: 1, ok: 3, total: 4 },
        unassigned: { overdue: 0, dueSoon: 2, ok: 1, total: 3 },
        autoApprove: {
          scope: 'mine',
          withinMinutes: 360,
          count: 1,
          amount: 10000,
          currency: 'CNY',
          byCurrency: [{ currency: 'CNY', count: 1, amount: 10000 }],
        },
        at: t.clock.now().toISOString(),
      });
      expect(now.mine).toEqual(await fromQueue(agent, 'me'));
      expect(now.unassigned).toEqual(await fromQueue(agent, 'unassigned'));
    });

    it('should move cases from ok to due soon to overdue as the clock moves', async () => {
      t.clock.advance(5 * HOUR);
      const later = await counts(agent);
      expect(later.mine).toEqual({ overdue: 1, dueSoon: 1, ok: 2, total: 4 });
      expect(later.unassigned).toEqual({ overdue: 2, dueSoon: 0, ok: 1, total: 3 });
      // Past due and not yet fired still counts: the platform will approve it any moment.
      expect(later.autoApprove).toMatchObject({ scope: 'mine', count: 2, amount: 30000 });
      expect(later.mine).toEqual(await fromQueue(agent, 'me'));
      expect(later.unassigned).toEqual(await fromQueue(agent, 'unassigned'));
    });

    it('should sum the whole shop’s money at stake for a supervisor', async () => {
      const asSupervisor = await counts(supervisor);
      expect(asSupervisor.mine).toEqual({ overdue: 0, dueSoon: 0, ok: 0, total: 0 });
      // mineOverdueSoon, mineDueSoon, teammateDueSoon, unassignedReturn: refunds and returns only, archived and other shops left out.
      expect(asSupervisor.autoApprove).toEqual({
        scope: 'shop',
        withinMinutes: 360,
        count: 4,
        amount: 10000 + 20000 + 12000 + 13000,
        currency: 'CNY',
        byCurrency: [{ currency: 'CNY', count: 4, amount: 55000 }],
      });
      expect((await counts(teammate)).autoApprove).toMatchObject({ scope: 'mine', count: 1, amount: 12000 });
    });

    it('should say CNY and zero when nothing is at stake, and refuse auditors', async () => {
      t.clock.advance(-5 * HOUR);
      const shopOfNone = await createShop(t);
      const lonely = await createAgent(t, shopOfNone, 'agent');
      expect((await counts(lonely)).autoApprove).toEqual({ scope: 'mine', withinMinutes: 360, count: 0, amount: 0, currency: 'CNY', byCurrency: [] });
      const auditor = await createAgent(t, shop, 'auditor');
      expectProblem(await t.http.get('/v1/queue/counts').set(bearer(auditor.token)), 403, 'FORBIDDEN');
    });
  });

  describe('GET /v1/cases search', () => {
    let shop: ShopFixture;
    let key: string;
    let agent: AgentFixture;
    let other: { shop: ShopFixture; key: string; agent: AgentFixture };
    const ids: Record<string, string> = {};
    const orders: Record<string, string> = {};

    beforeAll(async () => {
      shop = await createShop(t);
      key = (await createApiKey(t, shop.id)).key;
      agent = await createAgent(t, shop, 'agent');
      const otherShop = await createShop(t);
      other = { shop: otherShop, key: (await createApiKey(t, otherShop.id)).key, agent: await createAgent(t, otherShop, 'agent') };
      const open = async (name: string, overrides: Record<string, unknown>, apiKey = key) => {
        const opened = await openCase(t, apiKey, overrides);
        ids[name] = opened.id;
        orders[name] = opened.order.orderId;
      };
      await open('ming', { platformCaseId: 'TB-RF-0001', buyer: { id: 'tb_ming', nickname: '小明' } });
      await open('mingArchived', { platformCaseId: 'TB-RF-0002', buyer: { id: 'tb_ming', nickname: '小明' } });
      await send(t, key, ids.mingArchived, { type: 'BUYER_WITHDRAW' });
      await open('hong', { platformCaseId: 'TB-RF-0003', buyer: { id: 'tb_hong', nickname: '小红' } });
      await open('wild', { buyer: { id: 'tb_wild', nickname: 'Ming_%' } });
      await open('noNickname', { buyer: { id: '小明' } });
      await open('elsewhere', { platformCaseId: 'TB-RF-0001', buyer: { id: 'tb_ming', nickname: '小明' } }, other.key);
    });

    async function search(query: Record<string, string>, who: AgentFixture = agent): Promise<string[]> {
      const res = await t.http.get('/v1/cases').query(query).set(bearer(who.token));
      expect(res.status).toBe(200);
      return res.body.items.map((item: { id: string }) => item.id);
    }

    it('should find a case by the platform’s after-sales id, in the caller’s shop only', async () => {
      expect(await search({ platformCaseId: 'TB-RF-0001' })).toEqual([ids.ming]);
      expect(await search({ platformCaseId: 'TB-RF-0001' }, other.agent)).toEqual([ids.elsewhere]);
      expect(await search({ platformCaseId: 'TB-RF-000' })).toEqual([]);
      // Archived cases are found too.
      expect(await search({ platformCaseId: 'TB-RF-0002' })).toEqual([ids.mingArchived]);
    });

    it('should find a case by the order id, not another shop’s', async () => {
      expect(await search({ orderId: orders.hong })).toEqual([ids.hong]);
      expect(await search({ orderId: orders.elsewhere })).toEqual([]);
    });

    it('should find a buyer’s cases by id, by nickname and by the start of the nickname', async () => {
      const sorted = (list: string[]) => [...list].sort();
      expect(sorted(await search({ buyer: 'tb_ming' }))).toEqual(sorted([ids.ming, ids.mingArchived]));
      expect(sorted(await search({ buyer: '小明' }))).toEqual(sorted([ids.ming, ids.mingArchived, ids.noNickname]));
      expect(sorted(await search({ buyer: '小' }))).toEqual(sorted([ids.ming, ids.mingArchived, ids.hong]));
      expect(await search({ buyer: 'tb_min' })).toEqual([]); // ids match exactly
      expect(await search({ buyer: 'Ming_' })).toEqual([ids.wild]);
      // LIKE's wildcards are taken literally.
      expect(await search({ buyer: 'M_ng' })).toEqual([]);
      expect(await search({ buyer: '%' })).toEqual([]);
      expect(sorted(await search({ buyer: '小明', state: 'open' }))).toEqual(sorted([ids.ming, ids.noNickname]));
      expect(await search({ buyer: '小明' }, other.agent)).toEqual([ids.elsewhere]);
    });

    it('should refuse empty or overlong search terms', async () => {
      for (const query of [{ buyer: '' }, { platformCaseId: 'x'.repeat(101) }]) {
        expectProblem(await t.http.get('/v1/cases').query(query).set(bearer(agent.token)), 400, 'VALIDATION_FAILED');
      }
    });
  });

  describe('query plans on a shop with history', () => {
    let shopId: string;
    let agentId: string;
    let sample: { platformCaseId: string; buyerId: string; orderId: string };

    // A shop with years of archived cases and a live queue, cloned from one real case so every column is
    // valid, with the planner's statistics up to date: what a busy production shop looks like to PostgreSQL.
    beforeAll(async () => {
      const shop = await createShop(t);
      const key = (await createApiKey(t, shop.id)).key;
      const agent = await createAgent(t, shop, 'agent');
      shopId = shop.id;
      agentId = agent.id;
      const seed = await openCase(t, key);
      const dataSource = t.app.get(DataSource);
      // Each clone with an order of its own; ids derived from g so cases can name theirs.
      await dataSource.query(
        `INSERT INTO orders
         SELECT (jsonb_populate_record(NULL::orders, to_jsonb(o) || jsonb_build_object(
           'id', md5($2 || g)::uuid, 'external_order_id', 'VOL-' || g))).*
         FROM orders o, generate_series(1, 8000) g WHERE o.id = (SELECT order_id FROM cases WHERE id = $1)`,
        [seed.id, shopId],
      );
      await dataSource.query(
        `INSERT INTO cases
         SELECT (jsonb_populate_record(NULL::cases, to_jsonb(c) || jsonb_build_object(
           'id', gen_random_uuid(),
           'order_id', md5($3 || g)::uuid,
           'platform_case_id', 'PC-' || g,
           'buyer', jsonb_build_object('id', 'buyer-' || g, 'nickname', '买家' || g),
           'assignee_id', CASE WHEN g % 50 = 0 THEN $2::text WHEN g % 3 = 0 THEN NULL ELSE c.assignee_id::text END,
           'archived_at', CASE WHEN g % 10 < 8 THEN (c.opened_at + interval '1 day')::text END,
           'due_at', CASE WHEN g % 10 < 8 THEN 'infinity' ELSE (c.opened_at + (g % 720) * interval '1 hour')::text END
         ))).*
         FROM cases c, generate_series(1, 8000) g WHERE c.id = $1`,
        [seed.id, agentId, shopId],
      );
      await dataSource.query(
        `INSERT INTO case_timers (case_id, timer_id, shop_id, event, due_at)
         SELECT id, 'merchant-response', shop_id, '{"type":"MERCHANT_RESPONSE_EXPIRED"}', due_at FROM cases
         WHERE shop_id = $1 AND archived_at IS NULL AND due_at < 'infinity' AND id <> $2`,
        [shopId, seed.id],
      );
      // As autovacuum would have: statistics, and the visibility map index-only scans rely on.
      for (const table of ['cases', 'case_timers', 'orders']) await dataSource.query(`VACUUM (ANALYZE) ${table}`);
      sample = { platformCaseId: 'PC-1234', buyerId: 'buyer-1234', orderId: 'VOL-1234' };
    }, 60_000);

    it('should count the queue badges from the partial indexes of open cases and the near deadlines', async () => {
      const repository = t.app.get(QueueCountsRepository);
      const now = t.clock.now();
      const until = new Date(now.getTime() + 6 * HOUR);
      const [mine] = await capture((tx) => repository.slaCounts(tx, shopId, agentId, now, until));
      const [unassigned] = await capture((tx) => repository.slaCounts(tx, shopId, null, now, until));
      const [atStake] = await capture((tx) => repository.autoApprovalsDue(tx, shopId, until, agentId));
      expect(await plan(mine)).toMatch(/Index Only Scan using cases_assignee_queue_idx/);
      expect(await plan(unassigned)).toMatch(/Index Only Scan using cases_unassigned_queue_idx/);
      // A range of the deadlines due by then (the shop's, or all shops' on a database this small), never all of them.
      expect(await plan(atStake)).toMatch(/Index Scan using case_timers_(shop_)?due_idx[^\n]*\n\s*Index Cond: \([^\n]*due_at <=/);
      for (const query of [mine, unassigned, atStake]) expect(await plan(query)).not.toMatch(/Seq Scan/);
    });

    it('should search by platform case id, buyer and order through their indexes', async () => {
      const repository = t.app.get(CaseRepository);
      const planOf = async (filter: Record<string, string>) => plan((await capture((tx) => repository.list(tx, shopId, { ...filter, limit: 50 })))[0]);
      const byPlatformId = await planOf({ platformCaseId: sample.platformCaseId });
      expect(byPlatformId).toMatch(/cases_shop_platform_case_id_idx/);
      const byBuyer = await planOf({ buyer: sample.buyerId });
      expect(byBuyer).toMatch(/cases_shop_buyer_id_idx/);
      expect(byBuyer).toMatch(/cases_shop_buyer_nickname_idx/);
      const byNicknamePrefix = await planOf({ buyer: '买家1234' });
      expect(byNicknamePrefix).toMatch(/cases_shop_buyer_nickname_idx/);
      const byOrder = await planOf({ externalOrderId: sample.orderId });
      expect(byOrder).toMatch(/orders_shop_external_key/);
      for (const text of [byPlatformId, byBuyer, byNicknamePrefix, byOrder]) expect(text).not.toMatch(/Seq Scan on cases/);
    });
  });
});
