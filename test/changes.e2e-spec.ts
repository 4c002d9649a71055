import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CaseEngine } from '../src/cases/case-engine.js';
import { changesPage, openCase, readChangesUntil, send, sweeperOf, type ChangeItem, type TimelineEntry } from './support/cases.js';
import { bearer, createAgent, createApiKey, createShop, expectProblem, type AgentFixture, type ShopFixture } from './support/fixtures.js';
import { createTestApp, type TestApp } from './support/test-app.js';

interface OpenedCase {
  id: string;
  platformCaseId: string | null;
  order: { orderId: string };
}

// The feed may lag behind other files' transactions (polled up to 10 s): more than jest's default 5 s per test.
const TIMEOUT = 60_000;

describe('change feed (GET /v1/changes)', () => {
  let t: TestApp;

  beforeAll(async () => {
    // The clock moves past the 48 h merchant window here: keep agent sessions alive across it.
    t = await createTestApp({ SESSION_TTL_HOURS: '2000', DB_POOL_SIZE: '10' });
  }, TIMEOUT);
  afterAll(async () => {
    await t?.close();
  }, TIMEOUT);

  async function newShop(): Promise<{ shop: ShopFixture; key: string; keyId: string; supervisor: AgentFixture }> {
    const shop = await createShop(t);
    const apiKey = await createApiKey(t, shop.id);
    return { shop, key: apiKey.key, keyId: apiKey.id, supervisor: await createAgent(t, shop, 'supervisor') };
  }

  async function timelineOf(token: string, caseId: string): Promise<TimelineEntry[]> {
    const res = await t.http.get(`/v1/cases/${caseId}/events`).set(bearer(token));
    if (res.status !== 200) throw new Error(`timeline ${caseId}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  const keyOf = (item: { caseId: string; version: number }) => `${item.caseId}#${item.version}`;

  function duplicatesOf(items: ChangeItem[]): string[] {
    const seen = new Set<string>();
    const duplicates: string[] = [];
    for (const item of items) {
      if (seen.has(keyOf(item))) duplicates.push(keyOf(item));
      seen.add(keyOf(item));
    }
    return duplicates;
  }

  /** Versions of each case in the order the feed listed them. */
  function versionsPerCase(items: ChangeItem[]): Map<string, number[]> {
    const perCase = new Map<string, number[]>();
    for (const item of items) perCase.set(item.caseId, [...(perCase.get(item.caseId) ?? []), item.version]);
    return perCase;
  }

  const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

  /**
   * The feed items are exactly the timelines of `cases`: every event once, nothing else, each case's
   * events in version order, and each item carrying what the timeline recorded.
   */
  async function expectFeedIsTimelines(items: ChangeItem[], token: string, cases: OpenedCase[]): Promise<Map<string, TimelineEntry[]>> {
    const timelines = new Map<string, TimelineEntry[]>();
    for (const c of cases) timelines.set(c.id, await timelineOf(token, c.id));
    const total = [...timelines.values()].reduce((sum, tl) => sum + tl.length, 0);

    expect(duplicatesOf(items)).toEqual([]);
    expect(items.filter((item) => !timelines.has(item.caseId))).toEqual([]);
    expect(items).toHaveLength(total);

    const perCase = versionsPerCase(items);
    for (const c of cases) {
      const timeline = timelines.get(c.id)!;
      expect({ caseId: c.id, versions: perCase.get(c.id) ?? [] }).toEqual({ caseId: c.id, versions: oneTo(timeline.length) });
      expect({ caseId: c.id, types: items.filter((i) => i.caseId === c.id).map((i) => i.type) }).toEqual({ caseId: c.id, types: timeline.map((e) => e.type) });
    }
    const byCase = new Map(cases.map((c) => [c.id, c]));
    for (const item of items) {
      const entry = timelines.get(item.caseId)![item.version - 1];
      const c = byCase.get(item.caseId)!;
      expect(item).toEqual({
        caseId: c.id,
        version: entry.seq,
        type: entry.type,
        fromState: entry.fromState,
        toState: entry.toState,
        at: entry.at,
        actor: entry.actor,
        orderId: c.order.orderId,
        platformCaseId: c.platformCaseId,
        payload: entry.payload,
      });
    }
    return timelines;
  }

  function expectPagesWellFormed(pages: Array<{ items: unknown[]; hasMore: boolean; nextCursor: string | null }>, limit: number): void {
    for (const page of pages) {
      expect(page.items.length).toBeLessThanOrEqual(limit);
      if (page.hasMore) expect(page.items).toHaveLength(limit);
      if (page.items.length > 0) expect(typeof page.nextCursor).toBe('string');
    }
  }

  it(
    'should list every change exactly once across small pages, in version order per case, including fired deadlines',
    async () => {
      const { key, supervisor } = await newShop();
      const agent = supervisor.token;
      const c: OpenedCase[] = [];

      // c0: opened, auto-approved by the 48 h deadline, then refunded.
      c.push(await openCase(t, key, { platformCaseId: `TM-${randomBytes(4).toString('hex')}` }));
      // c1: contacted, then auto-approved by the deadline.
      c.push(await openCase(t, key));
      await send(t, agent, c[1].id, { type: 'CONTACT_BUYER', note: '已联系' });
      // c2: the whole playbook, approved and refunded before the deadline.
      c.push(await openCase(t, key));
      await send(t, agent, c[2].id, { type: 'CONTACT_BUYER', note: '已联系' });
      await send(t, agent, c[2].id, { type: 'VERIFY', verifiedReasonCode: 'quality_problem', findings: '开胶' });
      await send(t, agent, c[2].id, { type: 'APOLOGISE', note: '抱歉' });
      await send(t, agent, c[2].id, { type: 'PROPOSE', resolution: 'full_refund', note: '全额退款' });
      await send(t, key, c[2].id, { type: 'REFUND_EXECUTED', amount: 29900, refundId: `RF-${randomBytes(3).toString('hex')}` });
      // c3: a return, approved and shipped back before the deadline, received after it.
      c.push(await openCase(t, key, { type: 'return' }));
      await send(t, agent, c[3].id, { type: 'PROPOSE', resolution: 'return_and_refund', note: '同意退货' });
      await send(t, key, c[3].id, { type: 'RETURN_SHIPPED', carrier: '顺丰速运', trackingNo: 'SF100' });
      // c4: withdrawn by the buyer.
      c.push(await openCase(t, key));
      await send(t, key, c[4].id, { type: 'BUYER_WITHDRAW' });
      // c5: a partial offer the buyer declines, then an apology after the deadline (no merchant deadline any more).
      c.push(await openCase(t, key));
      await send(t, agent, c[5].id, { type: 'CONTACT_BUYER', note: '已联系' });
      await send(t, agent, c[5].id, { type: 'VERIFY', verifiedReasonCode: 'quality_problem', findings: '轻微' });
      await send(t, agent, c[5].id, { type: 'PROPOSE', resolution: 'partial_refund', amount: 10000, note: '部分退款' });
      await send(t, key, c[5].id, { type: 'BUYER_DECLINE' });

      t.clock.advanceHours(49);
      const swept = await sweeperOf(t).drain();
      expect(swept.fired).toBeGreaterThanOrEqual(2);

      await send(t, key, c[0].id, { type: 'REFUND_EXECUTED', amount: 29900, refundId: `RF-${randomBytes(3).toString('hex')}` });
      await send(t, agent, c[3].id, { type: 'GOODS_RECEIVED', inspection: '完好' });
      await send(t, agent, c[5].id, { type: 'APOLOGISE', note: '再次致歉' });

      const expectedTypes = [
        ['CASE_OPENED', 'MERCHANT_RESPONSE_EXPIRED', 'REFUND_EXECUTED'],
        ['CASE_OPENED', 'CONTACT_BUYER', 'MERCHANT_RESPONSE_EXPIRED'],
        ['CASE_OPENED', 'CONTACT_BUYER', 'VERIFY', 'APOLOGISE', 'PROPOSE', 'REFUND_EXECUTED'],
        ['CASE_OPENED', 'PROPOSE', 'RETURN_SHIPPED', 'GOODS_RECEIVED'],
        ['CASE_OPENED', 'BUYER_WITHDRAW'],
        ['CASE_OPENED', 'CONTACT_BUYER', 'VERIFY', 'PROPOSE', 'BUYER_DECLINE', 'APOLOGISE'],
      ];
      const total = expectedTypes.flat().length;

      const limit = 3;
      const read = await readChangesUntil(t, key, { expected: total, limit });
      expectPagesWellFormed(read.pages, limit);
      expect(read.pages.length).toBeGreaterThanOrEqual(Math.ceil(total / limit));

      const timelines = await expectFeedIsTimelines(read.items, key, c);
      expect(c.map((x) => timelines.get(x.id)!.map((e) => e.type))).toEqual(expectedTypes);

      // The deadlines the sweeper fired are there, recorded as the system's.
      const expired = read.items.filter((item) => item.type === 'MERCHANT_RESPONSE_EXPIRED');
      expect(expired.map((item) => item.caseId).sort()).toEqual([c[0].id, c[1].id].sort());
      for (const item of expired) {
        expect(item).toMatchObject({ actor: { kind: 'system' }, fromState: expect.stringMatching(/^open\./), toState: 'followUp.refunding' });
      }
      expect(read.items.filter((item) => item.type === 'CASE_OPENED').find((item) => item.caseId === c[0].id)?.platformCaseId).toBe(c[0].platformCaseId);

      // Caught up: the cursor of the last page answers an empty page with the same cursor.
      const after = await changesPage(t, key, read.cursor, limit);
      expect(after).toEqual({ items: [], nextCursor: read.cursor, hasMore: false });

      // The supervisor reads the same feed.
      const bySupervisor = await readChangesUntil(t, agent, { expected: total, limit: 100 });
      expect(bySupervisor.items).toEqual(read.items);
    },
    TIMEOUT,
  );

  it(
    'should resume from a saved cursor with only the changes made since',
    async () => {
      const { key, supervisor } = await newShop();
      const agent = supervisor.token;
      const a: OpenedCase = await openCase(t, key);
      const b: OpenedCase = await openCase(t, key);
      await send(t, agent, a.id, { type: 'CONTACT_BUYER', note: '已联系' });

      const first = await readChangesUntil(t, key, { expected: 3, limit: 2 });
      expect(first.items.map((i) => [i.caseId, i.version]).sort()).toEqual(
        [
          [a.id, 1],
          [a.id, 2],
          [b.id, 1],
        ].sort(),
      );
      const saved = first.cursor;
      expect(saved).toEqual(expect.any(String));
      expect(await changesPage(t, key, saved, 2)).toEqual({ items: [], nextCursor: saved, hasMore: false });

      // Further changes: an agent event, an integration event, two fired deadlines (merchant response, dispute evidence) and a new case.
      await send(t, agent, a.id, { type: 'VERIFY', verifiedReasonCode: 'quality_problem', findings: '开胶' });
      await send(t, key, b.id, { type: 'PLATFORM_INTERVENED' });
      t.clock.advanceHours(49);
      await sweeperOf(t).drain();
      const c: OpenedCase = await openCase(t, key);

      const resumed = await readChangesUntil(t, key, { cursor: saved, expected: 5, limit: 2 });
      expectPagesWellFormed(resumed.pages, 2);
      expect(duplicatesOf(resumed.items)).toEqual([]);
      expect(resumed.items.map((i) => `${i.caseId}#${i.version}#${i.type}`).sort()).toEqual(
        [
          `${a.id}#3#VERIFY`,
          `${a.id}#4#MERCHANT_RESPONSE_EXPIRED`,
          `${b.id}#2#PLATFORM_INTERVENED`,
          `${b.id}#3#DISPUTE_EVIDENCE_EXPIRED`,
          `${c.id}#1#CASE_OPENED`,
        ].sort(),
      );
      // Nothing already read comes again; everything is in the timelines.
      await expectFeedIsTimelines([...first.items, ...resumed.items], key, [a, b, c]);

      // From the start, the feed is the first read followed by the resumed one: new changes never land before a read position.
      const fromStart = await readChangesUntil(t, key, { expected: 8, limit: 3 });
      expect(fromStart.items).toEqual([...first.items, ...resumed.items]);
      expect(await changesPage(t, key, resumed.cursor, 2)).toEqual({ items: [], nextCursor: resumed.cursor, hasMore: false });
    },
    TIMEOUT,
  );

  it(
    'should give a reader paging during 40 concurrent events every change exactly once and each case in order',
    async () => {
      const { key, supervisor } = await newShop();
      const agent = supervisor.token;

      let writing = true;
      let reads = 0;
      const seen: ChangeItem[] = [];
      let cursor: string | null = null;
      const reader = (async () => {
        while (writing) {
          const page = await changesPage(t, key, cursor, 4);
          seen.push(...page.items);
          cursor = page.nextCursor ?? cursor;
          reads++;
        }
      })();

      let cases: OpenedCase[] = [];
      const outcomes: Array<{ what: string; status: number; body: unknown }> = [];
      try {
        // Eight cases brought to negotiating concurrently, where agents may contact and apologise again and again.
        cases = await Promise.all(
          Array.from({ length: 8 }, async (_, i) => {
            const opened: OpenedCase = await openCase(t, key);
            await send(t, agent, opened.id, { type: 'CONTACT_BUYER', note: `联系 ${i}` });
            await send(t, agent, opened.id, { type: 'VERIFY', verifiedReasonCode: 'quality_problem', findings: `核实 ${i}` });
            await send(t, agent, opened.id, { type: 'PROPOSE', resolution: 'partial_refund', amount: 5000, note: `部分退款 ${i}` });
            await send(t, key, opened.id, { type: 'BUYER_DECLINE' });
            return opened;
          }),
        );

        // 40 agent events at once, five per case.
        const requests = Array.from({ length: 40 }, (_, i) => {
          const event = i % 2 === 0 ? { type: 'CONTACT_BUYER', note: `再次联系 ${i}` } : { type: 'APOLOGISE', note: `致歉 ${i}` };
          return t.http
            .post(`/v1/cases/${cases[i % 8].id}/events`)
            .set(bearer(agent))
            .send(event)
            .then((res) => ({ what: `${event.type} ${i}`, status: res.status, body: res.status === 200 ? null : res.body }));
        });
        outcomes.push(...(await Promise.all(requests)));
      } finally {
        writing = false;
        await reader;
      }
      expect(outcomes.filter((o) => o.status !== 200)).toEqual([]);
      expect(reads).toBeGreaterThan(1);

      // Every case recorded what was sent: 5 setup events and 5 of the burst.
      const timelines = await Promise.all(cases.map((c) => timelineOf(key, c.id)));
      expect(timelines.map((tl) => tl.length)).toEqual(Array(8).fill(10));
      const total = timelines.reduce((sum, tl) => sum + tl.length, 0);

      // The concurrent reader never saw a case's versions out of order or twice; a final catch-up completes it.
      expect(duplicatesOf(seen)).toEqual([]);
      for (const [caseId, versions] of versionsPerCase(seen)) {
        expect({ caseId, versions }).toEqual({ caseId, versions: oneTo(versions.length) });
      }
      const rest = await readChangesUntil(t, key, { cursor, expected: total - seen.length, limit: 50 });
      await expectFeedIsTimelines([...seen, ...rest.items], key, cases);
      expect(await changesPage(t, key, rest.cursor, 50)).toEqual({ items: [], nextCursor: rest.cursor, hasMore: false });
    },
    TIMEOUT,
  );

  it(
    'should not let a reader pass a change whose transaction started earlier but commits later',
    async () => {
      const { shop, key, supervisor } = await newShop();
      const a: OpenedCase = await openCase(t, key);
      const b: OpenedCase = await openCase(t, key);
      const start = await readChangesUntil(t, key, { expected: 2 });
      expect(start.items.map(keyOf).sort()).toEqual([`${a.id}#1`, `${b.id}#1`].sort());

      // A's event is written in a transaction that stays open while B's event, written later, commits first.
      let written!: () => void;
      let release!: () => void;
      const isWritten = new Promise<void>((resolve) => (written = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      const slow = t.app.get(DataSource).transaction(async (tx) => {
        await t.app.get(CaseEngine).applyIn(tx, {
          shopId: shop.id,
          caseId: a.id,
          event: { type: 'CONTACT_BUYER', note: '慢事务' },
          actor: { kind: 'agent', id: supervisor.id },
        });
        written();
        await released;
      });
      const seen: ChangeItem[] = [];
      let cursor = start.cursor;
      try {
        await isWritten;
        await send(t, supervisor.token, b.id, { type: 'CONTACT_BUYER', note: '快事务' });
        // Read (several times) while A's transaction is still open.
        for (let i = 0; i < 5; i++) {
          const page = await changesPage(t, key, cursor, 10);
          seen.push(...page.items);
          cursor = page.nextCursor ?? cursor;
        }
      } finally {
        release();
        await slow;
      }
      // Whatever was read meanwhile, continuing from that position finds both changes, once.
      const rest = await readChangesUntil(t, key, { cursor, expected: 2 - seen.length });
      const both = [...seen, ...rest.items];
      expect(both.map(keyOf).sort()).toEqual([`${a.id}#2`, `${b.id}#2`].sort());
      await expectFeedIsTimelines([...start.items, ...both], key, [a, b]);
    },
    TIMEOUT,
  );

  it(
    'should show each shop only its own changes and refuse agents, bad cursors and bad limits',
    async () => {
      const p = await newShop();
      const q = await newShop();
      const pCase: OpenedCase = await openCase(t, p.key);
      const qCase: OpenedCase = await openCase(t, q.key, { order: { orderId: pCase.order.orderId } });
      await send(t, p.supervisor.token, pCase.id, { type: 'CONTACT_BUYER', note: 'p' });
      await send(t, q.supervisor.token, qCase.id, { type: 'CONTACT_BUYER', note: 'q' });
      await send(t, q.key, qCase.id, { type: 'BUYER_WITHDRAW' });

      const pFeed = await readChangesUntil(t, p.key, { expected: 2 });
      await expectFeedIsTimelines(pFeed.items, p.key, [pCase]);
      const qFeed = await readChangesUntil(t, q.supervisor.token, { expected: 3 });
      await expectFeedIsTimelines(qFeed.items, q.key, [qCase]);
      // Q continuing from P's position still gets nothing of P.
      const qFromP = await readChangesUntil(t, q.key, { cursor: pFeed.cursor, expected: 0 });
      expect(qFromP.items.filter((i) => i.caseId === pCase.id)).toEqual([]);

      const auditor = await createAgent(t, p.shop, 'auditor');
      expect((await readChangesUntil(t, auditor.token, { expected: 2 })).items).toEqual(pFeed.items);
      const agent = await createAgent(t, p.shop, 'agent');
      expectProblem(await t.http.get('/v1/changes').set(bearer(agent.token)), 403, 'FORBIDDEN');
      expectProblem(await t.http.get('/v1/changes').set(bearer(t.adminToken)), 403, 'FORBIDDEN');
      expect((await t.http.get('/v1/changes')).status).toBe(401);

      expectProblem(await t.http.get('/v1/changes').query({ cursor: 'not-a-cursor' }).set(bearer(p.key)), 400, 'INVALID_CURSOR');
      const malformed = Buffer.from(`12.${pCase.id}.x`, 'utf8').toString('base64url');
      expectProblem(await t.http.get('/v1/changes').query({ cursor: malformed }).set(bearer(p.key)), 400, 'INVALID_CURSOR');
      for (const limit of ['0', '1001', 'abc']) {
        const res = await t.http.get('/v1/changes').query({ limit }).set(bearer(p.key));
        expectProblem(res, 400, 'VALIDATION_FAILED');
        expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('limit');
      }

      // A shop without any case: an empty first page.
      const empty = await newShop();
      expect(await changesPage(t, empty.key)).toEqual({ items: [], nextCursor: null, hasMore: false });
    },
    TIMEOUT,
  );

  it(
    "should list each order update once for every case of the order that is not archived, in order with the case's other changes",
    async () => {
      const { key, keyId, supervisor } = await newShop();
      const agent = supervisor.token;
      const orderId = `ORD-FEED-${randomBytes(5).toString('hex')}`;
      const x: OpenedCase = await openCase(t, key, { requestedAmount: 5000, order: { orderId } });
      const y: OpenedCase = await openCase(t, key, { requestedAmount: 5000, order: { orderId } });
      const archived: OpenedCase = await openCase(t, key, { requestedAmount: 5000, order: { orderId } });
      await send(t, key, archived.id, { type: 'BUYER_WITHDRAW' });

      // Three order updates at once with the playbook steps of both open cases.
      const chain = async (caseId: string) => {
        await send(t, agent, caseId, { type: 'CONTACT_BUYER', note: '联系' });
        await send(t, agent, caseId, { type: 'VERIFY', verifiedReasonCode: 'quality_problem', findings: '核实' });
        await send(t, agent, caseId, { type: 'APOLOGISE', note: '致歉' });
      };
      const patches = [30000, 31000, 32000].map((paidTotal) =>
        t.http
          .patch(`/v1/orders/${orderId}`)
          .set(bearer(key))
          .send({ paidTotal })
          .then((res) => ({ paidTotal, status: res.status, body: res.body })),
      );
      const [patched] = await Promise.all([Promise.all(patches), chain(x.id), chain(y.id)]);
      expect(patched.filter((p) => p.status !== 200)).toEqual([]);

      const read = await readChangesUntil(t, key, { expected: 7 + 7 + 2, limit: 5 });
      const timelines = await expectFeedIsTimelines(read.items, key, [x, y, archived]);
      expect(timelines.get(archived.id)!.map((e) => e.type)).toEqual(['CASE_OPENED', 'BUYER_WITHDRAW']);

      const order = (await t.http.get(`/v1/orders/${orderId}`).set(bearer(key))).body;
      for (const c of [x, y]) {
        const updates = read.items.filter((i) => i.caseId === c.id && i.type === 'ORDER_UPDATED');
        expect(updates).toHaveLength(3);
        for (const u of updates) {
          expect(u).toMatchObject({ actor: { kind: 'integration', id: keyId }, orderId, payload: { orderId } });
          expect(u.fromState).toBe(u.toState);
          expect(Object.keys(u.payload.changes as object)).toEqual(['paidTotal']);
        }
        // The updates chain in version order: each starts where the previous ended, and the last is the order now.
        const steps = updates.map((u) => (u.payload.changes as { paidTotal: { from: number; to: number } }).paidTotal);
        expect(steps[0].from).toBe(29900);
        for (let i = 1; i < steps.length; i++) expect(steps[i].from).toBe(steps[i - 1].to);
        expect(steps[steps.length - 1].to).toBe(order.paidTotal);
        expect(steps.map((s) => s.to).sort()).toEqual([30000, 31000, 32000]);
      }
      // One update is one transaction: both cases list the same updates in the same order.
      const payloadsOf = (c: OpenedCase) => read.items.filter((i) => i.caseId === c.id && i.type === 'ORDER_UPDATED').map((i) => i.payload);
      expect(payloadsOf(x)).toEqual(payloadsOf(y));
    },
    TIMEOUT,
  );
});
