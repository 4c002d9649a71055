import { StreamHub } from '../src/stream/stream-hub.js';
import type { CaseChangedData, HelloData, ResetData } from '../src/stream/stream-events.js';
import { openCase, readChangesUntil, send } from './support/cases.js';
import { bearer, createAgent, createApiKey, createShop, type AgentFixture, type ShopFixture } from './support/fixtures.js';
import { dataOf, listen, SseClient, type SseEvent } from './support/sse.js';
import { createTestApp, createTestDatabase, startTestInstance, type TestApp } from './support/test-app.js';

// A change shows in the feed once every older transaction on the server has ended; other files run
// beside this one, so waits are generous (but end as soon as the events are there).
const TIMEOUT = 60_000;

interface ShopSetup {
  shop: ShopFixture;
  key: string;
  agent: AgentFixture;
  supervisor: AgentFixture;
}

describe('live updates (GET /v1/stream)', () => {
  let t: TestApp;
  let base: string;
  let a: ShopSetup;
  let b: ShopSetup;
  const clients: SseClient[] = [];

  beforeAll(async () => {
    t = await createTestApp({ STREAM_POLL_INTERVAL_MS: '50', STREAM_HEARTBEAT_MS: '100' });
    base = await listen(t.app);
    a = await setupShop();
    b = await setupShop();
  }, TIMEOUT);

  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });

  afterAll(async () => {
    await t?.close();
  }, TIMEOUT);

  async function setupShop(): Promise<ShopSetup> {
    const shop = await createShop(t);
    const { key } = await createApiKey(t, shop.id);
    return { shop, key, agent: await createAgent(t, shop, 'agent'), supervisor: await createAgent(t, shop, 'supervisor') };
  }

  async function connect(headers: Record<string, string>, query = ''): Promise<SseClient> {
    const client = await SseClient.connect(`${base}/v1/stream${query}`, headers);
    clients.push(client);
    return client;
  }

  const changed = (client: SseClient) => client.named('case.changed').map((event) => dataOf<CaseChangedData>(event));
  const keyOf = (change: { caseId: string; version: number }) => `${change.caseId}#${change.version}`;

  async function openCases(setup: ShopSetup, count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i += 1) ids.push((await openCase(t, setup.key)).id);
    return ids;
  }

  async function waitUntilLive(client: SseClient): Promise<HelloData> {
    const [hello] = await client.waitForCount('hello', 1);
    // Live once the hub lists no subscriber of the shop catching up.
    const hub = t.app.get(StreamHub);
    const deadline = Date.now() + 10_000;
    while (hub.stats().shops.some((shop) => shop.catchingUp > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    return dataOf<HelloData>(hello);
  }

  async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error('condition not met in time');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  it(
    'should greet with the server time and a cursor, ask for a 3 s retry, and send heartbeats',
    async () => {
      const client = await connect(bearer(a.agent.token));
      expect(client.status).toBe(200);
      expect(client.headers['content-type']).toMatch(/^text\/event-stream/);
      const [hello] = await client.waitForCount('hello', 1);
      expect(hello.id).toEqual(dataOf<HelloData>(hello).cursor);
      expect(dataOf<HelloData>(hello).serverTime).toBe(t.clock.now().toISOString());
      expect(client.retry).toBe(3000);
      await client.waitFor(() => client.comments.includes('ping'), 5000, 'a heartbeat');
    },
    TIMEOUT,
  );

  it(
    'should refuse callers without a session, and integrations',
    async () => {
      const anonymous = await connect({});
      expect(anonymous.status).toBe(401);
      expect(JSON.parse(anonymous.body!).code).toBe('UNAUTHENTICATED');
      const integration = await connect(bearer(a.key));
      expect(integration.status).toBe(403);
    },
    TIMEOUT,
  );

  it(
    'should send an agent and a supervisor every change of their shop only, from one reader per shop',
    async () => {
      const agent = await connect(bearer(a.agent.token));
      const supervisor = await connect(bearer(a.supervisor.token));
      const other = await connect(bearer(b.agent.token));
      await Promise.all([waitUntilLive(agent), waitUntilLive(supervisor), waitUntilLive(other)]);

      const hub = t.app.get(StreamHub);
      // Streams of earlier tests are gone once the server has seen their sockets close.
      await until(() => hub.stats().openStreams === 3);
      const shopA = hub.stats().shops.find((shop) => shop.shopId === a.shop.id);
      expect(shopA).toMatchObject({ subscribers: 2, catchingUp: 0 });
      expect(hub.stats().readers).toBe(2);

      const [caseA] = await openCases(a, 1);
      const [caseB] = await openCases(b, 1);
      const claimed = await t.http.post('/v1/queue/claim').set(bearer(a.agent.token));
      expect(claimed.body.id).toBe(caseA);

      await agent.waitForCount('case.changed', 2);
      await supervisor.waitForCount('case.changed', 2);
      await other.waitForCount('case.changed', 1);
      expect(changed(agent)).toEqual([
        expect.objectContaining({
          caseId: caseA,
          version: 1,
          type: 'CASE_OPENED',
          fromState: null,
          toState: 'open.contact',
          actor: expect.objectContaining({ kind: 'integration' }),
        }),
        expect.objectContaining({ caseId: caseA, version: 2, type: 'ASSIGNEE_CHANGED', assigneeId: a.agent.id, actor: { kind: 'agent', id: a.agent.id } }),
      ]);
      expect(changed(supervisor)).toEqual(changed(agent));
      expect(changed(other)).toEqual([expect.objectContaining({ caseId: caseB, version: 1 })]);
      // Each event's id is the change-feed cursor after it: GET /v1/changes from the hello cursor agrees.
      const fromHello = await readChangesUntil(t, a.supervisor.token, { expected: 2, cursor: dataOf<HelloData>(agent.named('hello')[0]).cursor });
      expect(fromHello.items.map(keyOf)).toEqual(changed(agent).map(keyOf));
      expect(agent.named('case.changed')[1].id).toBe(fromHello.cursor);
      // The reader of shop A read for both subscribers: still one reader per shop.
      expect(hub.stats().readers).toBe(2);
    },
    TIMEOUT,
  );

  it(
    'should resume after Last-Event-ID with exactly the changes after it: none missed, none twice',
    async () => {
      const first = await connect(bearer(a.agent.token));
      await waitUntilLive(first);
      const before = await openCases(a, 3);
      await first.waitFor(() => changed(first).filter((c) => before.includes(c.caseId)).length === 3);
      const seen = first.named('case.changed').filter((event) => before.includes(dataOf<CaseChangedData>(event).caseId));
      const resumeAfter = seen[1].id!;
      first.close();

      // Missed while away: one of the three, plus new ones.
      const whileAway = await openCases(a, 2);
      const resumed = await connect({ ...bearer(a.agent.token), 'Last-Event-ID': resumeAfter });
      const [hello] = await resumed.waitForCount('hello', 1);
      expect(dataOf<HelloData>(hello).cursor).toBe(resumeAfter);
      await waitUntilLive(resumed);
      const later = await openCases(a, 1);

      const expected = [before[2], ...whileAway, ...later];
      await resumed.waitFor(() => changed(resumed).some((c) => c.caseId === later[0]));
      expect(changed(resumed).map((c) => c.caseId)).toEqual(expected);
      expect(resumed.named('reset')).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    'should let a subscriber catch up from an old cursor while changes keep coming, then share the reader without gap or duplicate',
    async () => {
      // A live subscriber keeps the shop's shared reader running throughout.
      const live = await connect(bearer(a.supervisor.token));
      const liveHello = await waitUntilLive(live);
      const backlog = await openCases(a, 12);
      await live.waitFor(() => changed(live).filter((c) => backlog.includes(c.caseId)).length === 12);
      const oldCursor = liveHello.cursor;

      // Changes keep being written while the latecomer catches up and joins.
      let writing = true;
      const written: string[] = [];
      const writer = (async () => {
        while (writing) written.push(...(await openCases(a, 1)));
      })();
      await new Promise((r) => setTimeout(r, 100));
      const latecomer = await connect({ ...bearer(a.agent.token), 'Last-Event-ID': oldCursor });
      await waitUntilLive(latecomer);
      await new Promise((r) => setTimeout(r, 300));
      writing = false;
      await writer;
      const sentinel = (await openCases(a, 1))[0];
      await latecomer.waitFor(() => changed(latecomer).some((c) => c.caseId === sentinel));
      await live.waitFor(() => changed(live).some((c) => c.caseId === sentinel));

      const got = changed(latecomer).map(keyOf);
      expect(new Set(got).size).toBe(got.length);
      // Exactly what the feed holds after the old cursor, in the feed's order; and what the live one saw since.
      const feed = await readChangesUntil(t, a.supervisor.token, { expected: got.length, cursor: oldCursor });
      expect(got).toEqual(feed.items.map(keyOf));
      expect(got).toEqual(changed(live).map(keyOf));
      expect(written.length).toBeGreaterThan(0);
      for (const id of [...backlog, ...written, sentinel]) expect(got).toContain(`${id}#1`);
      expect(
        t.app
          .get(StreamHub)
          .stats()
          .shops.find((shop) => shop.shopId === a.shop.id)?.subscribers,
      ).toBe(2);
    },
    TIMEOUT,
  );

  it(
    'should answer a Last-Event-ID it cannot resume with reset, then go on from now',
    async () => {
      for (const bad of ['not-a-cursor', Buffer.from('999999999999.ffffffff-ffff-ffff-ffff-ffffffffffff.1').toString('base64url')]) {
        const client = await connect({ ...bearer(a.agent.token), 'Last-Event-ID': bad });
        const events = await client.waitForCount('reset', 1);
        const [hello] = client.named('hello');
        expect(client.events.map((e: SseEvent) => e.event)).toEqual(['hello', 'reset']);
        expect(dataOf<ResetData>(events[0])).toMatchObject({ reason: 'INVALID_CURSOR', cursor: dataOf<HelloData>(hello).cursor });
        await waitUntilLive(client);
        const [caseId] = await openCases(a, 1);
        await client.waitFor(() => changed(client).some((c) => c.caseId === caseId));
        client.close();
      }
    },
    TIMEOUT,
  );

  it(
    'should authenticate the stream with the session cookie alone',
    async () => {
      const login = await t.http.post('/v1/auth/login').send({ shop: a.shop.slug, email: a.agent.email, password: a.agent.password });
      const cookie = (login.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
      const client = await connect({ cookie });
      expect(client.status).toBe(200);
      await waitUntilLive(client);
      const [caseId] = await openCases(a, 1);
      await client.waitFor(() => changed(client).some((c) => c.caseId === caseId));
      // The agent works the case from the same browser: the cookie authenticates the action too.
      const claim = await t.http.post('/v1/queue/claim').set('cookie', cookie).set('origin', base).set('sec-fetch-site', 'same-origin');
      expect(claim.status).toBe(200);
      await send(t, a.agent.token, claim.body.id, { type: 'CONTACT_BUYER', note: '已联系买家' });
      await client.waitFor(() => changed(client).some((c) => c.caseId === claim.body.id && c.type === 'CONTACT_BUYER'));
    },
    TIMEOUT,
  );

  it(
    'should end open streams when the application closes, so shutdown does not hang',
    async () => {
      const database = await createTestDatabase();
      try {
        const adminToken = `test-admin-${'x'.repeat(40)}`;
        const other = await startTestInstance(database.url, adminToken, { STREAM_POLL_INTERVAL_MS: '50' });
        const otherT = { ...other, adminToken, databaseUrl: database.url, close: async () => undefined };
        const otherBase = await listen(other.app);
        const shop = await createShop(otherT);
        const agent = await createAgent(otherT, shop, 'agent');
        const client = await SseClient.connect(`${otherBase}/v1/stream`, bearer(agent.token));
        clients.push(client);
        await client.waitForCount('hello', 1);
        expect(other.app.get(StreamHub).stats().openStreams).toBe(1);
        const started = Date.now();
        await other.app.close();
        expect(Date.now() - started).toBeLessThan(2000);
        await client.ended;
        expect(client.isEnded).toBe(true);
      } finally {
        await database.drop();
      }
    },
    TIMEOUT,
  );
});
