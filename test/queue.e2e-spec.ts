import { DataSource } from 'typeorm';
import { QueueRepository } from '../src/queue/queue.repository.js';
import { pngBytes } from './support/evidence-files.js';
import { caseBody, intake, openCase, send, sweeperOf, type TimelineEntry } from './support/cases.js';
import { bearer, createAgent, createApiKey, createShop, expectProblem, type AgentFixture, type ShopFixture } from './support/fixtures.js';
import { openCaseCounters } from './support/metrics.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const HOUR = 3_600_000;

interface QueueItem {
  caseId: string;
  type: string;
  step: string;
  amount: number;
  reason: { code: string; category: string };
  intervened: boolean;
  assigneeId: string | null;
  deadline: { timer: string; event: string; dueAt: string } | null;
  timeLeftSeconds: number | null;
  sla: 'ok' | 'due_soon' | 'overdue';
}

describe('agent queue, claims, assignment, presence and distribution', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ SESSION_TTL_HOURS: '2000' });
  });

  afterAll(async () => {
    await t.close();
  });

  async function queue(agent: AgentFixture, query: Record<string, string | number> = {}): Promise<{ items: QueueItem[]; nextCursor: string | null }> {
    const res = await t.http.get('/v1/queue').query(query).set(bearer(agent.token));
    if (res.status !== 200) throw new Error(`queue: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async function allPages(agent: AgentFixture, query: Record<string, string | number> = {}): Promise<QueueItem[]> {
    const items: QueueItem[] = [];
    let cursor: string | null = null;
    do {
      const page = await queue(agent, { ...query, ...(cursor ? { cursor } : {}) });
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return items;
  }

  async function timeline(token: string, caseId: string): Promise<TimelineEntry[]> {
    const res = await t.http.get(`/v1/cases/${caseId}/events`).set(bearer(token));
    expect(res.status).toBe(200);
    return res.body;
  }

  async function presence(agent: AgentFixture, value: 'online' | 'away' | 'suspended') {
    const res = await t.http.put('/v1/agents/me/presence').set(bearer(agent.token)).send({ presence: value });
    expect(res.status).toBe(200);
    return res.body;
  }

  async function setMax(shop: ShopFixture, agent: AgentFixture, maxOpenCases: number | null) {
    const res = await t.http.patch(`/v1/shops/${shop.id}/agents/${agent.id}`).set(bearer(t.adminToken)).send({ maxOpenCases });
    expect(res.status).toBe(200);
  }

  async function claim(agent: AgentFixture) {
    return t.http.post('/v1/queue/claim').set(bearer(agent.token));
  }

  async function assign(agent: AgentFixture, caseId: string, agentId: string | null, note?: string) {
    return t.http
      .put(`/v1/cases/${caseId}/assignee`)
      .set(bearer(agent.token))
      .send({ agentId, ...(note ? { note } : {}) });
  }

  describe('order', () => {
    let shop: ShopFixture;
    let key: string;
    let agent: AgentFixture;
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      shop = await createShop(t);
      key = (await createApiKey(t, shop.id)).key;
      agent = await createAgent(t, shop);
      const now = t.clock.now().getTime();
      const at = (offsetHours: number) => new Date(now + offsetHours * HOUR).toISOString();
      // Merchant response due in 8 h, two amounts: the larger one first.
      ids.small8h = (await openCase(t, key, { requestedAmount: 10_000, requestedAt: at(-40) })).id;
      ids.large8h = (await openCase(t, key, { requestedAmount: 29_900, requestedAt: at(-40) })).id;
      // Merchant response due in 47 h.
      ids.response47h = (await openCase(t, key, { requestedAmount: 29_900, requestedAt: at(-1) })).id;
      // The platform intervened: 48 h from now to submit evidence (the response clock stops).
      ids.dispute48h = (await openCase(t, key, { requestedAmount: 500, requestedAt: at(-10) })).id;
      await send(t, key, ids.dispute48h, { type: 'PLATFORM_INTERVENED' });
      // A shipped return: the merchant has 10 days to confirm receipt.
      ids.receipt10d = (await openCase(t, key, { type: 'return', reasonCode: 'not_as_described', requestedAmount: 800 })).id;
      await send(t, agent.token, ids.receipt10d, { type: 'PROPOSE', resolution: 'return_and_refund', note: '同意退货退款' });
      await send(t, key, ids.receipt10d, { type: 'RETURN_SHIPPED', carrier: '顺丰速运', trackingNo: 'SF1234567890' });
      // No merchant deadline: a complaint, and a partial offer waiting on the buyer (only the buyer's window runs).
      ids.complaint = (await openCase(t, key, { type: 'complaint', requestedAmount: 20_000 })).id;
      ids.awaitingBuyer = (await openCase(t, key, { requestedAmount: 15_000 })).id;
      await send(t, agent.token, ids.awaitingBuyer, { type: 'CONTACT_BUYER', note: '您好，已收到您的退款申请' });
      await send(t, agent.token, ids.awaitingBuyer, { type: 'VERIFY', verifiedReasonCode: 'quality_problem', findings: '照片显示开胶' });
      await send(t, agent.token, ids.awaitingBuyer, { type: 'PROPOSE', resolution: 'partial_refund', amount: 5_000, note: '补偿50元' });
    });

    it('should put the most urgent merchant deadline first, then the most money at stake, and cases without a deadline last', async () => {
      const { items } = await queue(agent);
      expect(items.map((i) => i.caseId)).toEqual([ids.large8h, ids.small8h, ids.response47h, ids.dispute48h, ids.receipt10d, ids.complaint, ids.awaitingBuyer]);
      const byId = Object.fromEntries(items.map((i) => [i.caseId, i]));
      const now = t.clock.now().getTime();
      expect(byId[ids.large8h]).toMatchObject({
        type: 'refund',
        step: 'contact',
        amount: 29_900,
        reason: { category: 'quality' },
        intervened: false,
        assigneeId: null,
        deadline: { timer: 'merchant-response', event: 'MERCHANT_RESPONSE_EXPIRED', dueAt: new Date(now + 8 * HOUR).toISOString() },
        timeLeftSeconds: 8 * 3600,
        sla: 'ok',
      });
      expect(byId[ids.dispute48h]).toMatchObject({
        step: 'dispute',
        intervened: true,
        deadline: { timer: 'dispute-evidence', dueAt: new Date(now + 48 * HOUR).toISOString() },
      });
      expect(byId[ids.receipt10d]).toMatchObject({
        type: 'return',
        step: 'followUp',
        deadline: { timer: 'merchant-receipt', dueAt: new Date(now + 240 * HOUR).toISOString() },
      });
      expect(byId[ids.complaint]).toMatchObject({ deadline: null, timeLeftSeconds: null, sla: 'ok' });
      expect(byId[ids.awaitingBuyer]).toMatchObject({ step: 'propose', deadline: null });
    });

    it('should drop the evidence deadline from the order once the evidence package is submitted', async () => {
      const disputed = (await openCase(t, key, { requestedAmount: 100 })).id;
      await send(t, key, disputed, { type: 'PLATFORM_INTERVENED' });
      const before = (await queue(agent, { step: 'dispute' })).items.find((i) => i.caseId === disputed);
      expect(before?.deadline?.timer).toBe('dispute-evidence');
      const upload = await t.http
        .post(`/v1/cases/${disputed}/evidence`)
        .set(bearer(agent.token))
        .field('party', 'merchant')
        .field('kind', 'photo')
        .attach('file', pngBytes(7), { filename: 'stamp.png', contentType: 'image/png' });
      expect(upload.status).toBe(201);
      await send(t, agent.token, disputed, { type: 'SUBMIT_EVIDENCE' });
      const after = (await queue(agent, { step: 'dispute' })).items.find((i) => i.caseId === disputed);
      expect(after).toMatchObject({ deadline: null, sla: 'ok' });
      // Withdrawn (archived): the case leaves the queue, and the fixture of the tests below is as before.
      await send(t, key, disputed, { type: 'BUYER_WITHDRAW' });
      expect((await queue(agent)).items.map((i) => i.caseId)).not.toContain(disputed);
    });

    it('should page through the same order with a cursor', async () => {
      const whole = (await queue(agent)).items.map((i) => i.caseId);
      const paged = (await allPages(agent, { limit: 2 })).map((i) => i.caseId);
      expect(paged).toEqual(whole);
    });

    it('should show due soon within the warning lead, overdue past the deadline, and move a case once its deadline fires', async () => {
      t.clock.advanceHours(3); // 5 h left: inside the 6 h warning lead
      let items = (await queue(agent)).items;
      expect(items[0]).toMatchObject({ caseId: ids.large8h, sla: 'due_soon', timeLeftSeconds: 5 * 3600 });
      expect(items.find((i) => i.caseId === ids.response47h)?.sla).toBe('ok');

      t.clock.advanceHours(5.5); // 30 minutes past, before the sweeper has run
      items = (await queue(agent)).items;
      expect(items.slice(0, 2).map((i) => [i.caseId, i.sla, i.timeLeftSeconds])).toEqual([
        [ids.large8h, 'overdue', -1800],
        [ids.small8h, 'overdue', -1800],
      ]);

      await sweeperOf(t).drain();
      items = (await queue(agent)).items;
      // Auto-approved: the refund is the order system's to pay now; no merchant deadline is left.
      expect(items[0].caseId).toBe(ids.response47h);
      expect(items.find((i) => i.caseId === ids.large8h)).toMatchObject({ step: 'followUp', deadline: null });
    });

    it('should filter by type, step, intervention and assignee, and name a bad filter', async () => {
      expect((await queue(agent, { type: 'return' })).items.map((i) => i.caseId)).toEqual([ids.receipt10d]);
      expect((await queue(agent, { step: 'dispute' })).items.map((i) => i.caseId)).toEqual([ids.dispute48h]);
      expect((await queue(agent, { intervened: 'true' })).items.map((i) => i.caseId)).toEqual([ids.dispute48h]);
      expect((await queue(agent, { intervened: 'false' })).items).toHaveLength(6);
      expect((await queue(agent, { assignee: 'me' })).items).toEqual([]);
      expect((await queue(agent, { assignee: 'unassigned' })).items).toHaveLength(7);
      for (const [field, value] of [
        ['type', 'gift'],
        ['step', 'lunch'],
        ['intervened', 'maybe'],
        ['assignee', 'someone'],
        ['cursor', 'nope'],
        ['limit', '0'],
      ]) {
        const res = await t.http
          .get('/v1/queue')
          .query({ [field]: value })
          .set(bearer(agent.token));
        expect(res.status).toBe(400);
        if (field !== 'cursor') expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      }
    });

    it('should serve a page and a claim from the queue indexes, not by reading every case', async () => {
      const dataSource = t.app.get(DataSource);
      const repository = t.app.get(QueueRepository);
      const plans: string[] = [];
      await dataSource.transaction(async (tx) => {
        // Tiny test tables make a sequential scan cheapest; forbid it to see which index each part uses.
        await tx.query('SET LOCAL enable_seqscan = off');
        const explaining = {
          query: async (sql: string, params: unknown[]) => {
            const rows = await tx.query(`EXPLAIN ${sql}`, params);
            plans.push(rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n'));
            return [];
          },
        };
        await repository.page(explaining as never, shop.id, { scope: { kind: 'mineAndUnassigned', agentId: agent.id }, limit: 50 });
        await repository.lockNextUnassigned(explaining as never, shop.id);
      });
      expect(plans[0]).toContain('cases_assignee_queue_idx');
      expect(plans[0]).toContain('cases_unassigned_queue_idx');
      expect(plans[0]).toMatch(/Merge Append/);
      expect(plans[0]).not.toMatch(/Seq Scan on cases|Sort Key: c\.due_at.*\n.*Seq Scan/);
      expect(plans[1]).toContain('cases_unassigned_queue_idx');
      expect(plans[1]).not.toContain('Sort');
    });
  });

  describe('claims and assignment', () => {
    let shop: ShopFixture;
    let key: string;
    let supervisor: AgentFixture;
    let a1: AgentFixture;
    let a2: AgentFixture;
    let auditor: AgentFixture;

    beforeAll(async () => {
      shop = await createShop(t);
      key = (await createApiKey(t, shop.id)).key;
      supervisor = await createAgent(t, shop, 'supervisor');
      a1 = await createAgent(t, shop);
      a2 = await createAgent(t, shop);
      auditor = await createAgent(t, shop, 'auditor');
    });

    it('should give the caller the most urgent unassigned case, record it, and answer 204 when none is left', async () => {
      const now = t.clock.now().getTime();
      const later = await openCase(t, key, { requestedAt: new Date(now - 1 * HOUR).toISOString() });
      const sooner = await openCase(t, key, { requestedAt: new Date(now - 30 * HOUR).toISOString() });

      const first = await claim(a1);
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ id: sooner.id, assigneeId: a1.id, version: sooner.version + 1 });
      expect(first.headers.etag).toBe(`"${sooner.version + 1}"`);
      const events = await timeline(a1.token, sooner.id);
      expect(events.at(-1)).toMatchObject({ type: 'ASSIGNEE_CHANGED', actor: { kind: 'agent', id: a1.id }, payload: { from: null, to: a1.id, via: 'claim' } });

      // a1's own case shows in a1's queue only; a2 sees the unassigned one.
      expect((await queue(a1)).items.map((i) => i.caseId)).toEqual([sooner.id, later.id]);
      expect((await queue(a2)).items.map((i) => i.caseId)).toEqual([later.id]);
      expect((await queue(supervisor, { assignee: a1.id })).items.map((i) => i.caseId)).toEqual([sooner.id]);

      expect((await claim(a2)).body.id).toBe(later.id);
      const empty = await claim(a2);
      expect(empty.status).toBe(204);
      expect(empty.text).toBe('');
    });

    it('should hand every case to exactly one of 20 agents claiming at once', async () => {
      const claimShop = await createShop(t);
      const claimKey = (await createApiKey(t, claimShop.id)).key;
      const opened = [];
      for (let i = 0; i < 30; i++) opened.push((await openCase(t, claimKey, { requestedAmount: 1_000 + i })).id);
      const agents = await Promise.all(Array.from({ length: 20 }, () => createAgent(t, claimShop)));

      const claims = await Promise.all(
        agents.map(async (agent) => {
          const mine: string[] = [];
          for (;;) {
            const res = await claim(agent);
            if (res.status === 204) return { agent, mine };
            expect(res.status).toBe(200);
            mine.push(res.body.id);
          }
        }),
      );
      const claimed = claims.flatMap((c) => c.mine);
      expect(claimed).toHaveLength(30);
      expect(new Set(claimed)).toEqual(new Set(opened));
      for (const { agent, mine } of claims) {
        for (const caseId of mine) {
          const assigned = (await timeline(claimKey, caseId)).filter((e) => e.type === 'ASSIGNEE_CHANGED');
          expect(assigned).toEqual([expect.objectContaining({ payload: { from: null, to: agent.id, via: 'claim' } })]);
        }
      }
      const verify = await t.http.get('/v1/audit/verify').set(bearer((await createAgent(t, claimShop, 'supervisor')).token));
      expect(verify.body).toMatchObject({ valid: true, casesChecked: 30 });
    });

    it('should let an agent transfer their own case to an online teammate, audited, and refuse what a transfer may not do', async () => {
      await presence(a2, 'online');
      const opened = await openCase(t, key);
      expect((await claim(a1)).body.id).toBe(opened.id);

      const transferred = await assign(a1, opened.id, a2.id, '买家要求换人跟进');
      expect(transferred.status).toBe(200);
      expect(transferred.body.assigneeId).toBe(a2.id);
      expect((await timeline(a1.token, opened.id)).at(-1)).toMatchObject({
        type: 'ASSIGNEE_CHANGED',
        actor: { kind: 'agent', id: a1.id },
        payload: { from: a1.id, to: a2.id, via: 'transfer', note: '买家要求换人跟进' },
      });

      expectProblem(await assign(a1, opened.id, a1.id), 403, 'CASE_NOT_YOURS');
      await presence(a1, 'away');
      expectProblem(await assign(a2, opened.id, a1.id), 409, 'ASSIGNEE_UNAVAILABLE');
      await presence(a1, 'online');
      await setMax(shop, a1, 1);
      expectProblem(await assign(a2, opened.id, a1.id), 409, 'AGENT_AT_CAPACITY'); // a1 still holds the first claimed case
      expectProblem(await claim(a1), 409, 'AGENT_AT_CAPACITY');
      await setMax(shop, a1, null);
      expectProblem(await assign(a2, opened.id, auditor.id), 422, 'ASSIGNEE_CANNOT_WORK_CASES');
      expectProblem(await assign(a2, opened.id, '00000000-0000-4000-8000-000000000000'), 422, 'ASSIGNEE_NOT_FOUND');
      const bad = await assign(a2, opened.id, 'nobody' as string);
      expectProblem(bad, 400, 'VALIDATION_FAILED');
      expect(bad.body.errors[0].field).toBe('agentId');
      expectProblem(await t.http.put(`/v1/cases/${opened.id}/assignee`).set(bearer(auditor.token)).send({ agentId: null }), 403, 'FORBIDDEN');

      // Released: back in the queue for everybody.
      const released = await assign(a2, opened.id, null);
      expect(released.body.assigneeId).toBeNull();
      expect((await timeline(a2.token, opened.id)).at(-1)).toMatchObject({ payload: { from: a2.id, to: null, via: 'release' } });
      expect((await queue(a1, { assignee: 'unassigned' })).items.map((i) => i.caseId)).toContain(opened.id);
    });

    it('should let a supervisor assign any case to anyone who works cases, even when away, and answer a stale If-Match', async () => {
      await presence(a1, 'away');
      const opened = await openCase(t, key);
      const stale = await t.http.put(`/v1/cases/${opened.id}/assignee`).set(bearer(supervisor.token)).set('If-Match', '"99"').send({ agentId: a1.id });
      expectProblem(stale, 412, 'VERSION_MISMATCH');
      const assigned = await t.http
        .put(`/v1/cases/${opened.id}/assignee`)
        .set(bearer(supervisor.token))
        .set('If-Match', `"${opened.version}"`)
        .send({ agentId: a1.id });
      expect(assigned.status).toBe(200);
      expect((await timeline(a1.token, opened.id)).at(-1)).toMatchObject({ actor: { id: supervisor.id }, payload: { from: null, to: a1.id, via: 'assign' } });
      // The same assignee again changes nothing.
      const again = await assign(supervisor, opened.id, a1.id);
      expect(again.body.version).toBe(assigned.body.version);

      await send(t, key, opened.id, { type: 'BUYER_WITHDRAW' });
      expectProblem(await assign(supervisor, opened.id, a2.id), 409, 'CASE_ARCHIVED');
      await presence(a1, 'online');
    });

    it('should refuse the queue to auditors and the API key', async () => {
      expectProblem(await t.http.get('/v1/queue').set(bearer(auditor.token)), 403, 'FORBIDDEN');
      expectProblem(await t.http.get('/v1/queue').set(bearer(key)), 403, 'FORBIDDEN');
      expectProblem(await t.http.post('/v1/queue/claim').set(bearer(auditor.token)), 403, 'FORBIDDEN');
    });
  });

  describe('presence and distribution', () => {
    it('should record presence, refuse an unknown one, and set an agent away when their last session ends', async () => {
      const shop = await createShop(t);
      const agent = await createAgent(t, shop);
      expect((await t.http.get('/v1/auth/me').set(bearer(agent.token))).body.presence).toBe('away');
      expect(await presence(agent, 'suspended')).toMatchObject({ presence: 'suspended', presenceChangedAt: t.clock.now().toISOString() });
      const bad = await t.http.put('/v1/agents/me/presence').set(bearer(agent.token)).send({ presence: 'lunch' });
      expectProblem(bad, 400, 'VALIDATION_FAILED');
      expect(bad.body.errors[0].field).toBe('presence');
      await presence(agent, 'online');
      expect(await t.http.post('/v1/auth/logout').set(bearer(agent.token))).toMatchObject({ status: 204 });
      const listed = await t.http.get(`/v1/shops/${shop.id}/agents`).set(bearer(t.adminToken));
      expect(listed.body.find((a: { id: string }) => a.id === agent.id).presence).toBe('away');
    });

    it('should give new cases to the online agent with the fewest open cases, never to away or suspended agents, never above a maximum', async () => {
      const shop = await createShop(t, { distributionEnabled: true });
      expect(shop).toMatchObject({ distributionEnabled: true });
      const key = (await createApiKey(t, shop.id)).key;
      const first = await createAgent(t, shop);
      const second = await createAgent(t, shop);
      const away = await createAgent(t, shop);
      const suspended = await createAgent(t, shop);
      const supervisor = await createAgent(t, shop, 'supervisor');
      await presence(first, 'online');
      t.clock.advance(1000);
      await presence(second, 'online');
      await presence(suspended, 'suspended');
      await presence(supervisor, 'online');
      await setMax(shop, first, 2);

      const assignees: Array<string | null> = [];
      for (let i = 0; i < 6; i++) assignees.push((await openCase(t, key)).assigneeId);
      // Ties go to whoever has been online longest; `first` stops at its maximum of 2.
      expect(assignees).toEqual([first.id, second.id, first.id, second.id, second.id, second.id]);

      await presence(second, 'suspended');
      const waiting = await openCase(t, key);
      expect(waiting.assigneeId).toBeNull();
      expect((await queue(away, { assignee: 'unassigned' })).items.map((i) => i.caseId)).toEqual([waiting.id]);

      const distributed = (await timeline(key, (await queue(first, { assignee: 'me' })).items[0].caseId)).find((e) => e.type === 'ASSIGNEE_CHANGED');
      expect(distributed).toMatchObject({ actor: { kind: 'system', id: 'distribution' }, payload: { from: null, to: first.id, via: 'distribution' } });
    });

    it('should hold every maximum when many cases arrive at once', async () => {
      const shop = await createShop(t, { distributionEnabled: true });
      const key = (await createApiKey(t, shop.id)).key;
      const agents = [await createAgent(t, shop), await createAgent(t, shop)];
      for (const agent of agents) {
        await presence(agent, 'online');
        await setMax(shop, agent, 3);
      }
      const opened = await Promise.all(Array.from({ length: 10 }, () => intake(t, key).send(caseBody(t))));
      expect(opened.map((r) => r.status)).toEqual(Array(10).fill(201));
      const counts = new Map<string | null, number>();
      for (const res of opened) counts.set(res.body.assigneeId, (counts.get(res.body.assigneeId) ?? 0) + 1);
      expect(Object.fromEntries(counts)).toEqual({ [agents[0].id]: 3, [agents[1].id]: 3, null: 4 });
    });

    it('should leave distribution off unless the shop turns it on', async () => {
      const shop = await createShop(t);
      expect(shop).toMatchObject({ distributionEnabled: false });
      const key = (await createApiKey(t, shop.id)).key;
      const agent = await createAgent(t, shop);
      await presence(agent, 'online');
      expect((await openCase(t, key)).assigneeId).toBeNull();
      const supervisor = await createAgent(t, shop, 'supervisor');
      const res = await t.http.patch(`/v1/shops/${shop.id}`).set(bearer(supervisor.token)).send({ distributionEnabled: true });
      expect(res.body.distributionEnabled).toBe(true);
      expect((await openCase(t, key)).assigneeId).toBe(agent.id);
    });
  });

  describe('shops', () => {
    it("should never show, claim or assign another shop's cases", async () => {
      const mine = await createShop(t);
      const other = await createShop(t, { distributionEnabled: true });
      const otherKey = (await createApiKey(t, other.id)).key;
      const otherAgent = await createAgent(t, other);
      const otherCase = await openCase(t, otherKey, { requestedAt: new Date(t.clock.now().getTime() - 47 * HOUR).toISOString() });
      const agent = await createAgent(t, mine);
      const supervisor = await createAgent(t, mine, 'supervisor');

      expect((await queue(agent)).items).toEqual([]);
      expect((await queue(supervisor, { assignee: otherAgent.id })).items).toEqual([]);
      expect((await claim(agent)).status).toBe(204);
      expectProblem(await assign(supervisor, otherCase.id, agent.id), 404, 'CASE_NOT_FOUND');
      const mineKey = (await createApiKey(t, mine.id)).key;
      const mineCase = await openCase(t, mineKey);
      expectProblem(await assign(supervisor, mineCase.id, otherAgent.id), 422, 'ASSIGNEE_NOT_FOUND');
      expect((await queue(otherAgent)).items.map((i) => i.caseId)).toEqual([otherCase.id]);
    });
  });

  // Runs last: every claim, transfer, release, assignment and distribution above has moved the counters.
  describe('open-case counters', () => {
    it('should keep each agent’s count of open cases equal to the open cases they hold, down again when one is archived', async () => {
      const shop = await createShop(t);
      const key = (await createApiKey(t, shop.id)).key;
      const agent = await createAgent(t, shop);
      const held = await openCase(t, key);
      expect((await claim(agent)).body.id).toBe(held.id);
      const counterOf = async (id: string) => (await openCaseCounters(t)).find((row) => row.agentId === id);
      expect(await counterOf(agent.id)).toEqual({ agentId: agent.id, counter: 1, live: 1 });
      await send(t, key, held.id, { type: 'BUYER_WITHDRAW' });
      expect(await counterOf(agent.id)).toEqual({ agentId: agent.id, counter: 0, live: 0 });

      const all = await openCaseCounters(t);
      expect(all.filter((row) => row.live > 0).length).toBeGreaterThanOrEqual(20);
      expect(all.filter((row) => row.counter !== row.live)).toEqual([]);
    });
  });
});
