import { randomBytes } from 'node:crypto';
import { WebhookDispatcher } from '../src/webhooks/webhook-dispatcher.js';
import { caseBody, intake, openCase, send } from './support/cases.js';
import { bearer, createAgent, createApiKey, createShop, expectProblem, type AgentFixture } from './support/fixtures.js';
import { createTestApp, createTestDatabase, startTestInstance, type TestApp } from './support/test-app.js';
import { WebhookReceiver, type ReceivedWebhook } from './support/webhook-receiver.js';

const SECOND = 1000;
const HOUR = 3_600_000;
/** The receivers run on this machine: loopback must be allowed explicitly (see webhook-safety.e2e-spec.ts). */
const LOOPBACK = { WEBHOOK_ALLOWED_TARGETS: '127.0.0.0/8,::1' };

interface Endpoint {
  id: string;
  secret: string;
}

interface Integration {
  key: string;
  agent: AgentFixture;
  receiver: WebhookReceiver;
  endpoint: Endpoint;
}

describe('webhooks', () => {
  let t: TestApp;
  const receivers: WebhookReceiver[] = [];
  const dispatcher = (app: Pick<TestApp, 'app'> = t) => app.app.get(WebhookDispatcher);

  /** A shop with an API key, a supervisor and a webhook endpoint pointing at a new local receiver. */
  async function integration(app: TestApp, eventTypes?: string[]): Promise<Integration> {
    const shop = await createShop(app);
    const key = (await createApiKey(app, shop.id)).key;
    const agent = await createAgent(app, shop, 'supervisor');
    const receiver = new WebhookReceiver();
    receivers.push(receiver);
    const url = await receiver.start();
    const res = await app.http
      .post('/v1/webhooks/endpoints')
      .set(bearer(key))
      .send({ url, description: 'test receiver', ...(eventTypes ? { eventTypes } : {}) });
    expect(res.status).toBe(201);
    receiver.verifyWith(res.body.secret);
    return { key, agent, receiver, endpoint: res.body };
  }

  const types = (received: ReceivedWebhook[]) => received.map((r) => r.verified?.type);
  const ofCase = (received: ReceivedWebhook[], caseId: string) => received.filter((r) => r.verified?.data.caseId === caseId);

  function expectAllVerified(received: ReceivedWebhook[]): void {
    expect(received.length).toBeGreaterThan(0);
    for (const message of received) {
      expect(message.verifyError).toBeUndefined();
      expect(message.verified).toBeDefined();
      expect(message.headers['webhook-id']).toEqual(expect.any(String));
    }
  }

  async function messagesOf(app: TestApp, { key, endpoint }: Integration) {
    const res = await app.http.get(`/v1/webhooks/endpoints/${endpoint.id}/messages`).set(bearer(key));
    expect(res.status).toBe(200);
    return res.body.items as Array<Record<string, unknown> & { id: string; eventType: string; status: string; attempts: number }>;
  }

  beforeAll(async () => {
    // Retries span a day of the manual clock: keep sessions alive; a short timeout for the hanging receiver.
    t = await createTestApp({ ...LOOPBACK, SESSION_TTL_HOURS: String(24 * 90), WEBHOOK_TIMEOUT_MS: '500' });
  });
  afterAll(async () => {
    for (const receiver of receivers) await receiver.stop();
    await t?.close();
  });

  it('should manage endpoints over the API, showing the secret only on creation and rotation', async () => {
    const shop = await createShop(t);
    const key = (await createApiKey(t, shop.id)).key;
    const created = await t.http
      .post('/v1/webhooks/endpoints')
      .set(bearer(key))
      .send({ url: 'https://oms.example.com/hooks', eventTypes: ['refund.approved'] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      url: 'https://oms.example.com/hooks',
      eventTypes: ['refund.approved'],
      enabled: true,
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{32}$/),
    });

    const listed = await t.http.get('/v1/webhooks/endpoints').set(bearer(key));
    expect(listed.body.items).toHaveLength(1);
    expect(listed.body.items[0]).not.toHaveProperty('secret');

    const patched = await t.http
      .patch(`/v1/webhooks/endpoints/${created.body.id}`)
      .set(bearer(key))
      .send({ enabled: false, eventTypes: ['case.opened', 'case.archived'] });
    expect(patched.body).toMatchObject({ enabled: false, eventTypes: ['case.opened', 'case.archived'] });
    expect(patched.body).not.toHaveProperty('secret');

    const rotated = await t.http.post(`/v1/webhooks/endpoints/${created.body.id}/rotate-secret`).set(bearer(key));
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(created.body.secret);

    expect((await t.http.delete(`/v1/webhooks/endpoints/${created.body.id}`).set(bearer(key))).status).toBe(204);
    expectProblem(await t.http.get(`/v1/webhooks/endpoints/${created.body.id}`).set(bearer(key)), 404, 'WEBHOOK_ENDPOINT_NOT_FOUND');
  });

  it('should refuse invalid endpoints naming the field, other shops and plain agents', async () => {
    const { key, agent, endpoint } = await integration(t);
    const bad = await t.http
      .post('/v1/webhooks/endpoints')
      .set(bearer(key))
      .send({ url: 'ftp://example.com/x', eventTypes: ['case.exploded'], colour: 'red' });
    expectProblem(bad, 400, 'VALIDATION_FAILED');
    expect(new Set(bad.body.errors.map((e: { field: string }) => e.field.split('.')[0]))).toEqual(new Set(['url', 'eventTypes', 'colour']));

    const other = await createShop(t);
    const otherKey = (await createApiKey(t, other.id)).key;
    expectProblem(await t.http.get(`/v1/webhooks/endpoints/${endpoint.id}`).set(bearer(otherKey)), 404, 'WEBHOOK_ENDPOINT_NOT_FOUND');
    expectProblem(await t.http.delete(`/v1/webhooks/endpoints/${endpoint.id}`).set(bearer(otherKey)), 404, 'WEBHOOK_ENDPOINT_NOT_FOUND');
    expect((await t.http.get('/v1/webhooks/endpoints').set(bearer(otherKey))).body.items).toEqual([]);

    const plainAgent = await createAgent(t, await createShop(t), 'agent');
    expectProblem(await t.http.post('/v1/webhooks/endpoints').set(bearer(plainAgent.token)).send({ url: 'https://x.example.com' }), 403, 'FORBIDDEN');
    // A supervisor of the shop may manage them.
    expect((await t.http.get('/v1/webhooks/endpoints').set(bearer(agent.token))).body.items).toHaveLength(1);
  });

  it('should deliver signed events a receiver verifies with the standardwebhooks package, with what the order system must pay', async () => {
    const shop = await integration(t);
    const body = caseBody(t, { platformCaseId: `TB-${randomBytes(4).toString('hex')}` });
    const opened = (await intake(t, shop.key).send(body)).body;
    await send(t, shop.agent.token, opened.id, { type: 'PROPOSE', resolution: 'full_refund', note: '同意全额退款' });
    await dispatcher().drain();

    const received = shop.receiver.received;
    expectAllVerified(received);
    expect(types(received)).toEqual(['case.opened', 'case.state_changed', 'refund.approved']);
    const approved = received[2].verified!;
    expect(approved.data).toMatchObject({
      caseId: opened.id,
      orderId: (body.order as { orderId: string }).orderId,
      platformCaseId: body.platformCaseId,
      state: 'followUp.refunding',
      amount: 29900,
      currency: 'CNY',
      approvedVia: 'merchant',
      version: 2,
    });
    expect(received[1].verified!.data).toMatchObject({ previousState: 'open.contact', state: 'followUp.refunding', event: 'PROPOSE' });
    expect(new Set(received.map((r) => r.headers['webhook-id'])).size).toBe(3);
    // A body that was tampered with does not verify.
    const forged = { ...received[2], rawBody: received[2].rawBody.replace('29900', '99900') };
    const { Webhook } = await import('standardwebhooks');
    expect(() => new Webhook(shop.endpoint.secret).verify(forged.rawBody, forged.headers as Record<string, string>)).toThrow();

    await send(t, shop.key, opened.id, { type: 'REFUND_EXECUTED', amount: 29900, refundId: 'RF-1' });
    await dispatcher().drain();
    expect(types(received).slice(3)).toEqual(['case.state_changed', 'case.archived']);
    expect(received[4].verified!.data).toMatchObject({ state: 'archived', outcome: 'refunded' });
    expect((await messagesOf(t, shop)).every((m) => m.status === 'delivered')).toBe(true);
  });

  it('should retry a receiver that answers 500 twice and mark the event delivered on the third attempt', async () => {
    const shop = await integration(t, ['case.opened']);
    shop.receiver.answer(500, 500);
    const opened = await openCase(t, shop.key);

    expect(await dispatcher().runOnce()).toMatchObject({ claimed: 1, retrying: 1 });
    let [message] = await messagesOf(t, shop);
    expect(message).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: 500, caseId: opened.id });
    expect(message.nextAttemptAt).toBe(new Date(t.clock.now().getTime() + 10 * SECOND).toISOString());

    // Not due yet: nothing is sent.
    expect((await dispatcher().runOnce()).claimed).toBe(0);
    t.clock.advance(10 * SECOND);
    expect(await dispatcher().runOnce()).toMatchObject({ claimed: 1, retrying: 1 });
    t.clock.advance(20 * SECOND);
    expect(await dispatcher().runOnce()).toMatchObject({ claimed: 1, delivered: 1 });

    const received = shop.receiver.received;
    expect(received.map((r) => r.status)).toEqual([500, 500, 200]);
    expectAllVerified(received);
    expect(new Set(received.map((r) => r.headers['webhook-id'])).size).toBe(1);
    expect(new Set(received.map((r) => r.rawBody)).size).toBe(1);

    [message] = await messagesOf(t, shop);
    expect(message).toMatchObject({ status: 'delivered', attempts: 3, lastStatusCode: 200, nextAttemptAt: null });
    const detail = await t.http.get(`/v1/webhooks/messages/${message.id}`).set(bearer(shop.key));
    expect(detail.body.attemptLog.map((a: { statusCode: number }) => a.statusCode)).toEqual([500, 500, 200]);
    expect(detail.body.attemptLog[0].responseBody).toBe('failing on purpose (500)');
    expect(detail.body.eventId).toBe(received[0].headers['webhook-id']);
  });

  it('should hold a case’s later events back while an earlier one is retried, without holding back other cases', async () => {
    const shop = await integration(t);
    const a = await openCase(t, shop.key);
    for (const event of [
      { type: 'CONTACT_BUYER', note: '联系' },
      { type: 'VERIFY', verifiedReasonCode: 'quality_problem', findings: '核实' },
      { type: 'APOLOGISE', note: '抱歉' },
      { type: 'PROPOSE', resolution: 'full_refund', note: '全额退款' },
    ]) {
      await send(t, shop.agent.token, a.id, event);
    }
    shop.receiver.answer(503);
    await dispatcher().drain();
    expect(shop.receiver.received).toHaveLength(1);
    expect(shop.receiver.received[0].status).toBe(503);

    const b = await openCase(t, shop.key);
    await dispatcher().drain();
    expect(types(ofCase(shop.receiver.received, b.id))).toEqual(['case.opened']);
    expect(ofCase(shop.receiver.received, a.id)).toHaveLength(1);

    t.clock.advance(10 * SECOND);
    await dispatcher().drain();
    const ofA = ofCase(shop.receiver.received, a.id).filter((r) => r.status === 200);
    expectAllVerified(ofA);
    expect(types(ofA)).toEqual(['case.opened', 'case.state_changed', 'case.state_changed', 'case.state_changed', 'case.state_changed', 'refund.approved']);
    expect(ofA.map((r) => r.verified!.data.version)).toEqual([1, 2, 3, 4, 5, 5]);
  });

  it('should deliver every event once and in order per case with two instances dispatching at the same time', async () => {
    const shop = await integration(t);
    const second = await startTestInstance(t.databaseUrl, t.adminToken, { ...LOOPBACK, SESSION_TTL_HOURS: String(24 * 90) });
    second.clock.set(t.clock.now());
    try {
      const cases = await Promise.all(Array.from({ length: 8 }, () => openCase(t, shop.key)));
      await Promise.all(
        cases.map(async (c) => {
          await send(t, shop.agent.token, c.id, { type: 'CONTACT_BUYER', note: '联系' });
          await send(t, shop.agent.token, c.id, { type: 'VERIFY', verifiedReasonCode: 'quality_problem', findings: '核实' });
          await send(t, shop.agent.token, c.id, { type: 'PROPOSE', resolution: 'full_refund', note: '全额退款' });
        }),
      );
      await Promise.all([dispatcher().drain(), dispatcher(second).drain(), dispatcher().drain(), dispatcher(second).drain()]);

      const received = shop.receiver.received;
      expectAllVerified(received);
      // 8 cases × (opened + 3 state changes + refund.approved); no event twice.
      expect(received).toHaveLength(40);
      expect(new Set(received.map((r) => r.headers['webhook-id'])).size).toBe(40);
      for (const c of cases) {
        expect(ofCase(received, c.id).map((r) => `${r.verified!.type}@${r.verified!.data.version}`)).toEqual([
          'case.opened@1',
          'case.state_changed@2',
          'case.state_changed@3',
          'case.state_changed@4',
          'refund.approved@4',
        ]);
      }
    } finally {
      await second.app.close();
    }
  });

  it('should send an endpoint only the event types it subscribed to', async () => {
    const shop = await integration(t, ['refund.approved', 'refund.auto_approved']);
    const manual = await openCase(t, shop.key);
    await send(t, shop.agent.token, manual.id, { type: 'PROPOSE', resolution: 'full_refund', note: '全额退款' });
    const auto = await openCase(t, shop.key, { requestedAt: new Date(t.clock.now().getTime() - 49 * HOUR).toISOString() });
    await dispatcher().drain();
    const received = shop.receiver.received;
    expectAllVerified(received);
    expect(ofCase(received, manual.id).map((r) => r.verified!.type)).toEqual(['refund.approved']);
    expect(ofCase(received, auto.id).map((r) => r.verified!.type)).toEqual(['refund.auto_approved', 'refund.approved']);
    expect(ofCase(received, auto.id)[1].verified!.data).toMatchObject({ approvedVia: 'auto', amount: 29900 });
  });

  it('should give up after 24 h, then go on with the case’s later events, and redeliver on request', async () => {
    const shop = await integration(t, ['case.opened', 'case.state_changed']);
    shop.receiver.answer(...Array<number>(200).fill(500));
    const opened = await openCase(t, shop.key);
    await send(t, shop.agent.token, opened.id, { type: 'CONTACT_BUYER', note: '联系' });
    const start = t.clock.now().getTime();

    let head: Awaited<ReturnType<typeof messagesOf>>[number] | undefined;
    for (let round = 0; round < 40; round++) {
      await dispatcher().drain();
      head = (await messagesOf(t, shop)).find((m) => m.eventType === 'case.opened');
      if (head?.status === 'failed') break;
      t.clock.advance(2 * HOUR);
    }
    expect(head).toMatchObject({ status: 'failed', lastStatusCode: 500 });
    expect(Date.parse(head!.failedAt as string) - start).toBeLessThanOrEqual(24 * HOUR);
    expect(Date.parse(head!.failedAt as string) - start).toBeGreaterThan(20 * HOUR);
    expect(head!.attempts).toBeGreaterThan(10);
    // The second event waited behind the first until it failed, and was only tried after.
    const sequence = types(shop.receiver.received).join(',');
    expect(sequence).toMatch(/^(case\.opened,)+(case\.state_changed,?)*$/);
    expect(types(shop.receiver.received).filter((type) => type === 'case.opened')).toHaveLength(head!.attempts);

    shop.receiver.clear();
    t.clock.advance(HOUR);
    await dispatcher().drain();
    expect(types(shop.receiver.received)).toEqual(['case.state_changed']);

    const redelivered = await t.http.post(`/v1/webhooks/messages/${head!.id}/redeliver`).set(bearer(shop.key));
    expect(redelivered.status).toBe(202);
    expect(redelivered.body).toMatchObject({ status: 'pending', failedAt: null });
    await dispatcher().drain();
    expect(types(shop.receiver.received)).toEqual(['case.state_changed', 'case.opened']);
    expect((await messagesOf(t, shop)).map((m) => m.status)).toEqual(['delivered', 'delivered']);

    const other = await createApiKey(t, (await createShop(t)).id);
    expectProblem(await t.http.post(`/v1/webhooks/messages/${head!.id}/redeliver`).set(bearer(other.key)), 404, 'WEBHOOK_MESSAGE_NOT_FOUND');
    expectProblem(await t.http.get(`/v1/webhooks/messages/${head!.id}`).set(bearer(other.key)), 404, 'WEBHOOK_MESSAGE_NOT_FOUND');
  });

  it('should end an attempt at the timeout when the receiver never answers, and retry it', async () => {
    const shop = await integration(t, ['case.opened']);
    shop.receiver.hangUp(true);
    await openCase(t, shop.key);
    expect(await dispatcher().runOnce()).toMatchObject({ claimed: 1, retrying: 1 });
    const [message] = await messagesOf(t, shop);
    expect(message).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: null, lastError: 'timed out after 500 ms' });

    shop.receiver.hangUp(false);
    t.clock.advance(10 * SECOND);
    expect(await dispatcher().runOnce()).toMatchObject({ delivered: 1 });
  });

  it('should warn before the 48 h response deadline once, at the configured lead time', async () => {
    const shop = await integration(t, ['deadline.approaching']);
    const opened = await openCase(t, shop.key);
    const due = new Date(t.clock.now().getTime() + 48 * HOUR);

    t.clock.advance(42 * HOUR - 60 * SECOND);
    await dispatcher().drain();
    expect(ofCase(shop.receiver.received, opened.id)).toEqual([]);

    t.clock.advance(2 * 60 * SECOND);
    await dispatcher().drain();
    await dispatcher().drain();
    const warnings = ofCase(shop.receiver.received, opened.id);
    expectAllVerified(warnings);
    expect(warnings).toHaveLength(1);
    expect(warnings[0].verified).toMatchObject({
      type: 'deadline.approaching',
      data: { caseId: opened.id, deadline: 'merchant-response', dueAt: due.toISOString(), state: 'open.contact' },
    });
  });

  it('should deliver what was committed before the service restarted, and retry a delivery whose process died', async () => {
    const database = await createTestDatabase();
    const adminToken = `test-admin-${randomBytes(24).toString('hex')}`;
    const first = await startTestInstance(database.url, adminToken, LOOPBACK);
    const firstApp = { ...first, adminToken, databaseUrl: database.url, close: async () => undefined };
    const shop = await integration(firstApp, ['case.opened']);
    const lost = await openCase(firstApp, shop.key);
    // The first instance claims that event (the attempt is counted and leased) and dies before sending it.
    const claim = (dispatcher(first) as unknown as { claim(): Promise<unknown[]> }).claim.bind(dispatcher(first));
    expect(await claim()).toHaveLength(1);
    const committed = await openCase(firstApp, shop.key);
    await first.app.close();

    const second = await startTestInstance(database.url, adminToken, LOOPBACK);
    try {
      second.clock.set(first.clock.now());
      await dispatcher(second).drain();
      expect(ofCase(shop.receiver.received, committed.id)).toHaveLength(1);
      expect(ofCase(shop.receiver.received, lost.id)).toHaveLength(0);

      // Once the lease (timeout + 30 s) has run out, the lost attempt is made again.
      second.clock.advance(10 * SECOND + 30 * SECOND + 1);
      await dispatcher(second).drain();
      expect(ofCase(shop.receiver.received, lost.id)).toHaveLength(1);
      expectAllVerified(shop.receiver.received);
      const log = await messagesOf({ ...second, adminToken, databaseUrl: database.url, close: async () => undefined }, shop);
      expect(log.find((m) => m.caseId === lost.id)).toMatchObject({ status: 'delivered', attempts: 2 });
    } finally {
      await second.app.close();
      await database.drop();
    }
  });

  it('should document the integration endpoints in OpenAPI with examples', async () => {
    const { paths } = (await t.http.get('/docs/json')).body;
    for (const path of ['/v1/cases', '/v1/orders/{orderId}', '/v1/changes', '/v1/webhooks/endpoints', '/v1/webhooks/messages/{messageId}/redeliver']) {
      expect(paths).toHaveProperty([path]);
    }
    const examplesOf = (operation: { requestBody?: { content: Record<string, { examples?: object }> } }) =>
      Object.keys(operation.requestBody?.content['application/json'].examples ?? {});
    expect(examplesOf(paths['/v1/cases'].post)).toEqual(['refund', 'return']);
    expect(examplesOf(paths['/v1/orders/{orderId}'].patch)).toEqual(expect.arrayContaining(['delivered', 'priceChange']));
    expect(examplesOf(paths['/v1/webhooks/endpoints'].post)).toEqual(expect.arrayContaining(['all', 'money']));
    expect(examplesOf(paths['/v1/cases/{caseId}/events'].post)).toEqual(expect.arrayContaining(['refundExecuted', 'returnShipped']));
    expect(paths['/v1/changes'].get.responses['200'].content['application/json'].schema.example.items[0]).toHaveProperty('version');
    expect(paths['/v1/webhooks/endpoints'].post.description).toContain('webhook-signature');
  });
});
