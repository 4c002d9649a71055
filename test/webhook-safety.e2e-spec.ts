import { Webhook } from 'standardwebhooks';
import { DataSource } from 'typeorm';
import { WebhookDispatcher } from '../src/webhooks/webhook-dispatcher.js';
import { WebhookRetention } from '../src/webhooks/webhook-retention.js';
import { openCase, send } from './support/cases.js';
import { bearer, createApiKey, createShop, expectProblem } from './support/fixtures.js';
import { createTestApp, startTestInstance, type TestApp } from './support/test-app.js';
import { WebhookReceiver, type ReceivedWebhook } from './support/webhook-receiver.js';

const SECOND = 1000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** What an operator sets for receivers on a private network; here the receivers run on this machine. */
const LOOPBACK = { WEBHOOK_ALLOWED_TARGETS: '127.0.0.0/8,::1' };

type Instance = Pick<TestApp, 'app' | 'http' | 'clock'>;
interface Message {
  id: string;
  eventId: string;
  endpointId: string;
  caseId: string;
  eventType: string;
  status: string;
  attempts: number;
  nextAttemptAt: string | null;
  failedAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
}

describe('webhook safety', () => {
  /** Loopback allowed, as WEBHOOK_ALLOWED_TARGETS would allow a private network. */
  let t: TestApp;
  /** The defaults with DATABASE_URL: no private, loopback or metadata target allowed. */
  let strict: TestApp;
  const receivers: WebhookReceiver[] = [];
  const dispatcher = (instance: Instance) => instance.app.get(WebhookDispatcher);

  async function newReceiver(): Promise<{ receiver: WebhookReceiver; url: string }> {
    const receiver = new WebhookReceiver();
    receivers.push(receiver);
    return { receiver, url: await receiver.start() };
  }

  async function shopKey(app: TestApp): Promise<string> {
    return (await createApiKey(app, (await createShop(app)).id)).key;
  }

  async function endpoint(app: Instance, key: string, url: string, eventTypes = ['case.opened']): Promise<{ id: string; secret: string }> {
    const res = await app.http.post('/v1/webhooks/endpoints').set(bearer(key)).send({ url, eventTypes });
    expect(res.status).toBe(201);
    return res.body;
  }

  async function messagesOf(app: Instance, key: string, endpointId: string): Promise<Message[]> {
    const res = await app.http.get(`/v1/webhooks/endpoints/${endpointId}/messages`).set(bearer(key));
    expect(res.status).toBe(200);
    return res.body.items;
  }

  /** A URL stored before registration checked targets (or written behind the API's back): only delivery stands in the way. */
  async function pointAt(app: TestApp, endpointId: string, url: string): Promise<void> {
    await app.app.get(DataSource).query(`UPDATE webhook_endpoints SET url = $2 WHERE id = $1`, [endpointId, url]);
  }

  const verifies = (secret: string, message: ReceivedWebhook) => {
    try {
      new Webhook(secret).verify(message.rawBody, message.headers as Record<string, string>);
      return true;
    } catch {
      return false;
    }
  };

  beforeAll(async () => {
    const long = { SESSION_TTL_HOURS: String(24 * 90) };
    [t, strict] = await Promise.all([
      createTestApp({ ...LOOPBACK, ...long, WEBHOOK_RETENTION_DAYS: '30', WEBHOOK_FAILED_RETENTION_DAYS: '90' }),
      createTestApp(long),
    ]);
  });
  afterAll(async () => {
    for (const receiver of receivers) await receiver.stop();
    await Promise.all([t?.close(), strict?.close()]);
  });

  describe('SSRF protection', () => {
    it.each([
      ['http://10.1.2.3/hook', 'private'],
      ['http://127.0.0.1:4000/hooks', 'loopback'],
      ['http://localhost:4000/hooks', 'loopback'],
      ['http://169.254.169.254/latest/meta-data/iam/', 'cloud metadata'],
      ['http://[::ffff:169.254.169.254]/latest/meta-data/', 'cloud metadata'],
      ['http://[fd00:ec2::254]/latest/meta-data/', 'cloud metadata'],
      ['http://100.64.1.1/hook', 'cgnat'],
      ['http://[fe80::1]/hook', 'link-local'],
      ['http://0.0.0.0:8080/hook', 'unspecified'],
    ])('should refuse to register %s, naming the url field (%s)', async (url, kind) => {
      const key = await shopKey(strict);
      const res = await strict.http.post('/v1/webhooks/endpoints').set(bearer(key)).send({ url });
      expectProblem(res, 422, 'WEBHOOK_TARGET_NOT_ALLOWED');
      expect(res.body.detail).toContain(`(${kind}); allow it with WEBHOOK_ALLOWED_TARGETS`);
      expect(res.body.errors).toEqual([{ field: 'url', message: res.body.detail }]);
      expect((await strict.http.get('/v1/webhooks/endpoints').set(bearer(key))).body.items).toEqual([]);
    });

    it('should refuse a private URL on update too, and take public ones and what the allow-list allows', async () => {
      const key = await shopKey(strict);
      const created = await endpoint(strict, key, 'https://oms.example.com/hooks');
      const patched = await strict.http.patch(`/v1/webhooks/endpoints/${created.id}`).set(bearer(key)).send({ url: 'http://192.168.1.20/hooks' });
      expectProblem(patched, 422, 'WEBHOOK_TARGET_NOT_ALLOWED');
      expect(patched.body.errors[0].field).toBe('url');
      expect((await strict.http.get(`/v1/webhooks/endpoints/${created.id}`).set(bearer(key))).body.url).toBe('https://oms.example.com/hooks');
      // Another shop of the instance that allows loopback may register one; not a private address.
      const allowedKey = await shopKey(t);
      await endpoint(t, allowedKey, 'http://127.0.0.1:4000/hooks');
      expectProblem(
        await t.http.post('/v1/webhooks/endpoints').set(bearer(allowedKey)).send({ url: 'http://10.1.2.3/hook' }),
        422,
        'WEBHOOK_TARGET_NOT_ALLOWED',
      );
    });

    it('should refuse a loopback target at delivery time without sending anything, and deliver once loopback is allowed', async () => {
      const key = await shopKey(strict);
      const { receiver, url } = await newReceiver();
      const created = await endpoint(strict, key, 'https://hooks.example.com/in');
      receiver.verifyWith(created.secret);
      await pointAt(strict, created.id, url);
      const opened = await openCase(strict, key);

      expect(await dispatcher(strict).runOnce()).toMatchObject({ claimed: 1, retrying: 1 });
      expect(receiver.received).toHaveLength(0);
      let [message] = await messagesOf(strict, key, created.id);
      expect(message).toMatchObject({
        caseId: opened.id,
        status: 'pending',
        attempts: 1,
        lastStatusCode: null,
        lastError: 'target address 127.0.0.1 is not allowed (loopback); allow it with WEBHOOK_ALLOWED_TARGETS',
        // The usual retry schedule: the fix (an allow-list entry, a new URL) lets it go out by itself.
        nextAttemptAt: new Date(strict.clock.now().getTime() + 10 * SECOND).toISOString(),
      });

      // A name resolving to loopback is refused on its resolved address.
      await pointAt(strict, created.id, url.replace('127.0.0.1', 'localhost'));
      strict.clock.advance(10 * SECOND);
      expect(await dispatcher(strict).runOnce()).toMatchObject({ claimed: 1, retrying: 1 });
      [message] = await messagesOf(strict, key, created.id);
      expect(message.lastError).toMatch(/^target address (127\.0\.0\.1|::1) \(localhost\) is not allowed \(loopback\); allow it with WEBHOOK_ALLOWED_TARGETS$/);
      expect(receiver.received).toHaveLength(0);

      // The operator allows loopback (a restart with WEBHOOK_ALLOWED_TARGETS): the waiting message goes out.
      const allowed = await startTestInstance(strict.databaseUrl, strict.adminToken, LOOPBACK);
      try {
        allowed.clock.set(strict.clock.advance(20 * SECOND));
        expect(await dispatcher(allowed).runOnce()).toMatchObject({ claimed: 1, delivered: 1 });
      } finally {
        await allowed.app.close();
      }
      expect(receiver.received).toHaveLength(1);
      expect(receiver.received[0].verifyError).toBeUndefined();
      expect(receiver.received[0].verified).toMatchObject({ type: 'case.opened', data: { caseId: opened.id } });
      const detail = await strict.http.get(`/v1/webhooks/messages/${message.id}`).set(bearer(key));
      expect(detail.body.attemptLog).toMatchObject([
        { statusCode: null, error: 'target address 127.0.0.1 is not allowed (loopback); allow it with WEBHOOK_ALLOWED_TARGETS' },
        { statusCode: null, error: expect.stringMatching(/\(localhost\) is not allowed \(loopback\)/) },
        { statusCode: 200, error: null },
      ]);
    });

    it('should refuse private and metadata targets before connecting, on every retry, until the window ends and the message fails', async () => {
      const key = await shopKey(strict);
      const privateTarget = await endpoint(strict, key, 'https://one.example.com/in');
      const metadataTarget = await endpoint(strict, key, 'https://two.example.com/in');
      // Literal addresses: refused without a lookup or a connection, so the test sends nothing anywhere.
      await pointAt(strict, privateTarget.id, 'http://10.1.2.3/hook');
      await pointAt(strict, metadataTarget.id, 'http://[::ffff:169.254.169.254]/latest/meta-data/');
      await openCase(strict, key);
      const start = strict.clock.now().getTime();

      let messages: Message[] = [];
      for (let round = 0; round < 40; round++) {
        await dispatcher(strict).drain();
        messages = [...(await messagesOf(strict, key, privateTarget.id)), ...(await messagesOf(strict, key, metadataTarget.id))];
        if (messages.every((m) => m.status === 'failed')) break;
        strict.clock.advance(2 * HOUR);
      }
      const [toPrivate, toMetadata] = messages;
      expect(toPrivate).toMatchObject({
        status: 'failed',
        lastStatusCode: null,
        lastError: 'target address 10.1.2.3 is not allowed (private); allow it with WEBHOOK_ALLOWED_TARGETS',
      });
      expect(toMetadata).toMatchObject({
        status: 'failed',
        lastStatusCode: null,
        lastError: expect.stringMatching(/^target address ::ffff:a9fe:a9fe is not allowed \(cloud metadata\)/),
      });
      for (const message of messages) {
        expect(message.attempts).toBeGreaterThan(10);
        expect(Date.parse(message.failedAt!) - start).toBeLessThanOrEqual(24 * HOUR);
      }
      const log = (await strict.http.get(`/v1/webhooks/messages/${toPrivate.id}`).set(bearer(key))).body.attemptLog as Array<{
        statusCode: number | null;
        error: string;
      }>;
      expect(log).toHaveLength(toPrivate.attempts);
      expect(new Set(log.map((a) => `${a.statusCode} ${a.error}`))).toEqual(new Set([`null ${toPrivate.lastError}`]));

      // Failed for good: no further attempts.
      strict.clock.advance(DAY);
      expect((await dispatcher(strict).drain()).claimed).toBe(0);
    });
  });

  describe('secret rotation', () => {
    it('should sign with the old and the new secret during the overlap, and with the new one only after it', async () => {
      const key = await shopKey(t);
      const { receiver, url } = await newReceiver();
      const created = await endpoint(t, key, url);
      const rotated = await t.http.post(`/v1/webhooks/endpoints/${created.id}/rotate-secret`).set(bearer(key));
      expect(rotated.status).toBe(200);
      expect(rotated.body.previousSecretExpiresAt).toBe(new Date(t.clock.now().getTime() + 24 * HOUR).toISOString());
      const [oldSecret, newSecret] = [created.secret, rotated.body.secret as string];
      expect(newSecret).not.toBe(oldSecret);

      await openCase(t, key);
      await dispatcher(t).drain();
      const during = receiver.received[0];
      expect(during.status).toBe(200);
      expect(String(during.headers['webhook-signature']).split(' ')).toHaveLength(2);
      expect(verifies(oldSecret, during)).toBe(true);
      expect(verifies(newSecret, during)).toBe(true);

      t.clock.advance(24 * HOUR - SECOND);
      await openCase(t, key);
      await dispatcher(t).drain();
      expect(verifies(oldSecret, receiver.received[1])).toBe(true);

      t.clock.advance(2 * SECOND);
      await openCase(t, key);
      await dispatcher(t).drain();
      const after = receiver.received[2];
      expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1);
      expect(verifies(newSecret, after)).toBe(true);
      expect(verifies(oldSecret, after)).toBe(false);
      expect((await t.http.get(`/v1/webhooks/endpoints/${created.id}`).set(bearer(key))).body.previousSecretExpiresAt).toBeNull();
    });

    it('should take an overlap per rotation, end an earlier overlap on the next rotation, and sign a pending retry with the current secrets', async () => {
      const key = await shopKey(t);
      const { receiver, url } = await newReceiver();
      const created = await endpoint(t, key, url);
      const rotate = (body?: object) => {
        const req = t.http.post(`/v1/webhooks/endpoints/${created.id}/rotate-secret`).set(bearer(key));
        return body ? req.send(body) : req;
      };

      const first = await rotate({ overlapHours: 2 });
      expect(first.body.previousSecretExpiresAt).toBe(new Date(t.clock.now().getTime() + 2 * HOUR).toISOString());
      // A delivery that fails during the overlap is retried after it: signed with the new secret only.
      receiver.answer(500);
      await openCase(t, key);
      await dispatcher(t).drain();
      expect(verifies(created.secret, receiver.received[0])).toBe(true);
      t.clock.advance(2 * HOUR + SECOND);
      await dispatcher(t).drain();
      expect(receiver.received[1].status).toBe(200);
      expect(verifies(first.body.secret, receiver.received[1])).toBe(true);
      expect(verifies(created.secret, receiver.received[1])).toBe(false);

      const second = await rotate();
      const third = await rotate();
      await openCase(t, key);
      await dispatcher(t).drain();
      const latest = receiver.received[2];
      expect([first.body.secret, second.body.secret, third.body.secret].map((secret) => verifies(secret, latest))).toEqual([false, true, true]);

      const immediate = await rotate({ overlapHours: 0 });
      expect(immediate.body.previousSecretExpiresAt).toBeNull();
      await openCase(t, key);
      await dispatcher(t).drain();
      expect([third.body.secret, immediate.body.secret].map((secret) => verifies(secret, receiver.received[3]))).toEqual([false, true]);

      for (const overlapHours of [-1, 721, 1.5, null, '24']) {
        const bad = await rotate({ overlapHours });
        expectProblem(bad, 400, 'VALIDATION_FAILED');
        expect(bad.body.errors[0].field).toBe('overlapHours');
      }
    });
  });

  describe('retention', () => {
    it('should purge delivered messages after the retention and failed ones after theirs, never pending ones, keeping each case in order', async () => {
      const retention = t.app.get(WebhookRetention);
      const db = t.app.get(DataSource);
      const attemptsOf = async (messageId: string) =>
        Number((await db.query(`SELECT count(*) AS n FROM webhook_attempts WHERE message_id = $1`, [messageId]))[0].n);
      const exists = async (key: string, messageId: string) => (await t.http.get(`/v1/webhooks/messages/${messageId}`).set(bearer(key))).status === 200;

      const okKey = await shopKey(t);
      const ok = await newReceiver();
      const okEndpoint = await endpoint(t, okKey, ok.url, ['case.opened', 'case.state_changed', 'case.archived']);
      ok.receiver.verifyWith(okEndpoint.secret);
      const failingKey = await shopKey(t);
      const failing = await newReceiver();
      const failingEndpoint = await endpoint(t, failingKey, failing.url);
      failing.receiver.answer(...Array<number>(200).fill(500));
      const waitingKey = await shopKey(t);
      const waitingEndpoint = await endpoint(t, waitingKey, (await newReceiver()).url);

      const start = t.clock.now().getTime();
      const old = await openCase(t, okKey);
      await openCase(t, failingKey);
      await openCase(t, waitingKey);
      // Disabled after its event was written: the message stays pending for as long as it stays disabled.
      await t.http.patch(`/v1/webhooks/endpoints/${waitingEndpoint.id}`).set(bearer(waitingKey)).send({ enabled: false });
      for (let round = 0; round < 40; round++) {
        await dispatcher(t).drain();
        if ((await messagesOf(t, failingKey, failingEndpoint.id))[0].status === 'failed') break;
        t.clock.advance(2 * HOUR);
      }
      const [oldMessage] = await messagesOf(t, okKey, okEndpoint.id);
      const [failedMessage] = await messagesOf(t, failingKey, failingEndpoint.id);
      const [pendingMessage] = await messagesOf(t, waitingKey, waitingEndpoint.id);
      expect([oldMessage.status, failedMessage.status, pendingMessage.status]).toEqual(['delivered', 'failed', 'pending']);
      expect(await attemptsOf(oldMessage.id)).toBe(1);

      // 31 days after the first delivery: a new case, and a later event of the old case its receiver refuses once.
      t.clock.set(new Date(start + 31 * DAY));
      const recent = await openCase(t, okKey);
      await dispatcher(t).drain();
      ok.receiver.answer(503);
      await send(t, okKey, old.id, { type: 'BUYER_WITHDRAW' });
      await dispatcher(t).drain();
      const beforePurge = await messagesOf(t, okKey, okEndpoint.id);
      const heldBack = beforePurge.filter((m) => m.caseId === old.id && m.status === 'pending');
      expect(heldBack.map((m) => m.eventType)).toEqual(['case.archived', 'case.state_changed']);

      const firstPurge = await retention.purge(1);
      expect(firstPurge.delivered).toBeGreaterThanOrEqual(1);
      expect(await exists(okKey, oldMessage.id)).toBe(false);
      expect(await attemptsOf(oldMessage.id)).toBe(0);
      const recentMessage = (await messagesOf(t, okKey, okEndpoint.id)).find((m) => m.caseId === recent.id)!;
      expect(recentMessage.status).toBe('delivered');
      expect(await exists(failingKey, failedMessage.id)).toBe(true);
      expect(await exists(waitingKey, pendingMessage.id)).toBe(true);
      for (const message of heldBack) expect(await exists(okKey, message.id)).toBe(true);

      // With the case's first message gone, its held-back events still go out, in order.
      t.clock.advance(10 * SECOND);
      await dispatcher(t).drain();
      expect(ok.receiver.received.filter((r) => r.verified?.data.caseId === old.id).map((r) => `${r.verified!.type}:${r.status}`)).toEqual([
        'case.opened:200',
        'case.state_changed:503',
        'case.state_changed:200',
        'case.archived:200',
      ]);

      // Failed messages are kept 90 days: past that, they go too; the pending one stays whatever its age.
      t.clock.set(new Date(start + 89 * DAY));
      await retention.purge();
      expect(await exists(failingKey, failedMessage.id)).toBe(true);
      expect(await exists(okKey, recentMessage.id)).toBe(false);
      t.clock.set(new Date(start + 92 * DAY));
      expect((await retention.purge()).failed).toBeGreaterThanOrEqual(1);
      expect(await exists(failingKey, failedMessage.id)).toBe(false);
      expect(await exists(waitingKey, pendingMessage.id)).toBe(true);
      expect(await retention.purge()).toEqual({ delivered: 0, failed: 0 });
    });
  });

  describe('lookup by webhook-id', () => {
    it('should find the message a receiver got by its webhook-id, with its attempts, in the caller’s shop only', async () => {
      const key = await shopKey(t);
      const first = await newReceiver();
      const second = await newReceiver();
      const firstEndpoint = await endpoint(t, key, first.url);
      const secondEndpoint = await endpoint(t, key, second.url);
      first.receiver.answer(502);
      await openCase(t, key);
      await dispatcher(t).drain();
      t.clock.advance(10 * SECOND);
      await dispatcher(t).drain();

      const webhookId = String(first.receiver.received[0].headers['webhook-id']);
      expect(second.receiver.received[0].headers['webhook-id']).toBe(webhookId);
      const lookup = (token: string, id: string, endpointId?: string) =>
        t.http
          .get(`/v1/webhooks/messages/by-webhook-id/${id}`)
          .query(endpointId ? { endpointId } : {})
          .set(bearer(token));

      // The same event went to both endpoints of the shop: the caller picks one.
      const ambiguous = await lookup(key, webhookId);
      expectProblem(ambiguous, 409, 'WEBHOOK_ID_AMBIGUOUS');
      expect(new Set(ambiguous.body.endpointIds)).toEqual(new Set([firstEndpoint.id, secondEndpoint.id]));

      const found = await lookup(key, webhookId, firstEndpoint.id);
      expect(found.status).toBe(200);
      expect(found.body).toMatchObject({ eventId: webhookId, endpointId: firstEndpoint.id, eventType: 'case.opened', status: 'delivered', attempts: 2 });
      expect(found.body.attemptLog.map((a: { statusCode: number }) => a.statusCode)).toEqual([502, 200]);
      expect(found.body).toEqual((await t.http.get(`/v1/webhooks/messages/${found.body.id}`).set(bearer(key))).body);
      expect((await lookup(key, webhookId.toUpperCase(), secondEndpoint.id)).body).toMatchObject({ endpointId: secondEndpoint.id, attempts: 1 });

      const otherKey = await shopKey(t);
      expectProblem(await lookup(otherKey, webhookId), 404, 'WEBHOOK_MESSAGE_NOT_FOUND');
      expectProblem(await lookup(otherKey, webhookId, firstEndpoint.id), 404, 'WEBHOOK_MESSAGE_NOT_FOUND');
      expectProblem(await lookup(key, '5f0c1c9e-8d43-4d0e-9a55-0d2f2b1f6a71'), 404, 'WEBHOOK_MESSAGE_NOT_FOUND');
      expectProblem(await lookup(key, 'msg_2x9'), 404, 'WEBHOOK_MESSAGE_NOT_FOUND');
      const bad = await lookup(key, webhookId, 'not-an-id');
      expectProblem(bad, 400, 'VALIDATION_FAILED');
      expect(bad.body.errors[0].field).toBe('endpointId');

      // One endpoint: no need to name it.
      const singleKey = await shopKey(t);
      const single = await newReceiver();
      const singleEndpoint = await endpoint(t, singleKey, single.url);
      await openCase(t, singleKey);
      await dispatcher(t).drain();
      const singleId = String(single.receiver.received[0].headers['webhook-id']);
      expect((await lookup(singleKey, singleId)).body).toMatchObject({ eventId: singleId, endpointId: singleEndpoint.id, status: 'delivered' });
    });

    it('should document the lookup and the rotation overlap in OpenAPI', async () => {
      const { paths } = (await t.http.get('/docs/json')).body;
      const lookup = paths['/v1/webhooks/messages/by-webhook-id/{webhookId}'].get;
      expect(lookup.summary).toContain('webhook-id');
      expect(lookup.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['webhookId', 'endpointId']));
      const rotate = paths['/v1/webhooks/endpoints/{endpointId}/rotate-secret'].post;
      expect(rotate.description).toContain('previousSecretExpiresAt');
      expect(Object.keys(rotate.requestBody.content['application/json'].examples)).toEqual(expect.arrayContaining(['twoDays', 'now']));
      expect(paths['/v1/webhooks/endpoints'].post.description).toContain('WEBHOOK_ALLOWED_TARGETS');
    });
  });
});
