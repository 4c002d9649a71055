import { randomBytes } from 'node:crypto';
import { DEFAULT_CANNED_REPLIES } from '../src/replies/canned/default-canned-replies.js';
import { REPLY_STEPS } from '../src/replies/canned/reply-steps.js';
import { openCase, send, type TimelineEntry } from './support/cases.js';
import { bearer, createAgent, createApiKey, createShop, expectProblem, type AgentFixture, type ShopFixture } from './support/fixtures.js';
import { createTestApp, type TestApp } from './support/test-app.js';

interface CannedReplyView {
  id: string;
  defaultKey: string | null;
  step: string;
  caseType: string | null;
  title: string;
  body: string;
  variables: string[];
}

interface Finding {
  rule: string;
  category: string;
  severity: 'block' | 'warn';
  message: string;
  match: string;
  start: number;
  end: number;
}

/** The rule ids the guard promises to keep stable. */
const GUARD_RULE_IDS = [
  'other-platform',
  'off-platform-payment',
  'contact-details',
  'external-link',
  'abusive',
  'invoice-refusal',
  'out-of-stock',
  'payment-method-refusal',
  'offline-payment',
  'blunt-refusal',
];

const NAMES_TAOBAO = '亲，这款是淘宝旗舰店同款，请您放心使用。';
const WITH_PHONE = '您好，有问题请直接拨打 138-0013-8000 联系我们。';

/** Everyone the tests act as, in one shop. */
interface ShopActors {
  shop: ShopFixture;
  key: string;
  agent: AgentFixture;
  supervisor: AgentFixture;
  auditor: AgentFixture;
}

/**
 * An agent whose display name is what buyers should see: the fixture's default name holds an e-mail
 * address, which the guard rightly flags in a reply.
 */
async function createNamedAgent(t: TestApp, shop: ShopFixture, displayName: string): Promise<AgentFixture> {
  const email = `named-${randomBytes(3).toString('hex')}@example.com`;
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const created = await t.http.post(`/v1/shops/${shop.id}/agents`).set(bearer(t.adminToken)).send({ email, displayName, role: 'agent', password });
  if (created.status !== 201) throw new Error(`createNamedAgent: ${created.status} ${JSON.stringify(created.body)}`);
  const login = await t.http.post('/v1/auth/login').send({ shop: shop.slug, email, password });
  if (login.status !== 201) throw new Error(`login: ${login.status} ${JSON.stringify(login.body)}`);
  return { id: created.body.id, email, password, token: login.body.token };
}

/** The distinct fields a 400 names. */
const fieldsOf = (res: { body: { errors?: Array<{ field: string }> } }) => [...new Set((res.body.errors ?? []).map((e) => e.field))];

async function shopWithActors(t: TestApp, overrides: Record<string, unknown>): Promise<ShopActors> {
  const shop = await createShop(t, overrides);
  const [apiKey, agent, supervisor, auditor] = await Promise.all([
    createApiKey(t, shop.id),
    createNamedAgent(t, shop, '客服小美'),
    createAgent(t, shop, 'supervisor'),
    createAgent(t, shop, 'auditor'),
  ]);
  return { shop, key: apiKey.key, agent, supervisor, auditor };
}

describe('replies: canned replies, rendering for a case and the reply guard', () => {
  let t: TestApp;
  /** A Tmall shop in Asia/Shanghai: the shop most tests work in. */
  let tmall: ShopActors;
  /** A Pinduoduo shop on UTC, for platform and time zone differences. */
  let pdd: ShopActors;

  beforeAll(async () => {
    t = await createTestApp();
    [tmall, pdd] = await Promise.all([
      shopWithActors(t, { platform: 'tmall', name: '优选鞋服旗舰店' }),
      shopWithActors(t, { platform: 'pinduoduo', name: '拼团好货店', timezone: 'UTC' }),
    ]);
  });

  afterAll(async () => {
    await t?.close();
  });

  const listCanned = async (token: string, query: Record<string, string> = {}): Promise<CannedReplyView[]> => {
    const res = await t.http.get('/v1/replies/canned').query(query).set(bearer(token));
    expect(res.status).toBe(200);
    return res.body.items;
  };

  const createCanned = (token: string, body: Record<string, unknown>) => t.http.post('/v1/replies/canned').set(bearer(token)).send(body);

  const render = (token: string, caseId: string, body: Record<string, unknown>) =>
    t.http.post(`/v1/cases/${caseId}/replies/render`).set(bearer(token)).send(body);

  describe('canned replies', () => {
    it('should seed a new shop with the default set, every playbook step present, in playbook order', async () => {
      const items = await listCanned(tmall.agent.token);
      expect(items.map((item) => item.defaultKey)).toEqual(DEFAULT_CANNED_REPLIES.map((reply) => reply.key));
      expect(new Set(items.map((item) => item.step))).toEqual(new Set(REPLY_STEPS));
      const stepIndexes = items.map((item) => REPLY_STEPS.indexOf(item.step as (typeof REPLY_STEPS)[number]));
      expect(stepIndexes).toEqual([...stepIndexes].sort((a, b) => a - b));

      const greeting = items.find((item) => item.defaultKey === 'contact.greeting')!;
      const seeded = DEFAULT_CANNED_REPLIES.find((reply) => reply.key === 'contact.greeting')!;
      expect(greeting).toEqual({
        id: expect.any(String),
        defaultKey: 'contact.greeting',
        step: 'contact',
        caseType: seeded.caseType,
        title: seeded.title,
        body: seeded.body,
        variables: expect.arrayContaining(['buyerName', 'shopName']),
      });
    });

    it('should give each shop its own copy, readable by auditors and refused to the admin and API keys', async () => {
      const [own, other] = await Promise.all([listCanned(tmall.auditor.token), listCanned(pdd.agent.token)]);
      expect(own).toHaveLength(DEFAULT_CANNED_REPLIES.length);
      expect(other).toHaveLength(DEFAULT_CANNED_REPLIES.length);
      const ownIds = new Set(own.map((item) => item.id));
      expect(other.some((item) => ownIds.has(item.id))).toBe(false);

      expectProblem(await t.http.get('/v1/replies/canned').set(bearer(tmall.key)), 403, 'FORBIDDEN');
      expectProblem(await t.http.get('/v1/replies/canned').set(bearer(t.adminToken)), 403, 'FORBIDDEN');
      expectProblem(await t.http.get('/v1/replies/canned'), 401, 'UNAUTHENTICATED');
    });

    it('should filter by step, and by case type returning that type plus the type-agnostic replies', async () => {
      const propose = await listCanned(tmall.agent.token, { step: 'propose' });
      expect(propose.length).toBe(DEFAULT_CANNED_REPLIES.filter((reply) => reply.step === 'propose').length);
      expect(propose.every((item) => item.step === 'propose')).toBe(true);

      const complaint = await listCanned(tmall.agent.token, { caseType: 'complaint' });
      const expected = DEFAULT_CANNED_REPLIES.filter((reply) => reply.caseType === null || reply.caseType === 'complaint');
      expect(complaint.map((item) => item.defaultKey)).toEqual(expected.map((reply) => reply.key));
      expect(complaint.some((item) => item.caseType === null)).toBe(true);
      expect(complaint.every((item) => item.caseType === null || item.caseType === 'complaint')).toBe(true);

      const both = await listCanned(tmall.agent.token, { step: 'propose', caseType: 'exchange' });
      expect(both.length).toBeGreaterThan(0);
      expect(both.every((item) => item.step === 'propose' && (item.caseType === null || item.caseType === 'exchange'))).toBe(true);
      expect(both.some((item) => item.defaultKey === 'propose.exchange')).toBe(true);
    });

    it('should refuse an unknown step or case type filter naming the parameter', async () => {
      const badStep = await t.http.get('/v1/replies/canned').query({ step: 'negotiate' }).set(bearer(tmall.agent.token));
      expectProblem(badStep, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(badStep)).toEqual(['step']);
      const badType = await t.http.get('/v1/replies/canned').query({ caseType: 'repair' }).set(bearer(tmall.agent.token));
      expectProblem(badType, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(badType)).toEqual(['caseType']);
    });

    it('should let a supervisor create, change and delete a reply, and refuse agents and auditors', async () => {
      const draft = {
        step: 'followUp',
        caseType: 'return',
        title: '提醒寄回商品',
        body: '您好，{buyerName}，请在{deadline}前寄回商品，寄出后填写快递单号即可。',
      };
      expectProblem(await createCanned(tmall.agent.token, draft), 403, 'FORBIDDEN');
      expectProblem(await createCanned(tmall.auditor.token, draft), 403, 'FORBIDDEN');

      const created = await createCanned(tmall.supervisor.token, draft);
      expect(created.status).toBe(201);
      expect(created.body).toEqual({ id: expect.any(String), defaultKey: null, ...draft, variables: ['buyerName', 'deadline'] });
      const followUps = await listCanned(tmall.agent.token, { step: 'followUp' });
      expect(followUps.at(-1)!.id).toBe(created.body.id);

      const id = created.body.id as string;
      expectProblem(await t.http.patch(`/v1/replies/canned/${id}`).set(bearer(tmall.agent.token)).send({ title: '改' }), 403, 'FORBIDDEN');
      const patched = await t.http
        .patch(`/v1/replies/canned/${id}`)
        .set(bearer(tmall.supervisor.token))
        .send({ title: '寄回提醒', caseType: null, body: '{buyerName}您好，退货请在{deadline}前寄出，{{运费}}按页面说明处理。' });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ id, step: 'followUp', caseType: null, title: '寄回提醒', variables: ['buyerName', 'deadline'] });
      const forExchange = await listCanned(tmall.agent.token, { caseType: 'exchange' });
      expect(forExchange.some((item) => item.id === id)).toBe(true);

      expectProblem(await t.http.delete(`/v1/replies/canned/${id}`).set(bearer(tmall.agent.token)), 403, 'FORBIDDEN');
      const deleted = await t.http.delete(`/v1/replies/canned/${id}`).set(bearer(tmall.supervisor.token));
      expect(deleted.status).toBe(204);
      expect((await listCanned(tmall.agent.token)).some((item) => item.id === id)).toBe(false);
      expectProblem(await t.http.delete(`/v1/replies/canned/${id}`).set(bearer(tmall.supervisor.token)), 404, 'CANNED_REPLY_NOT_FOUND');
    });

    it('should keep the default key when a shop edits a seeded reply', async () => {
      const [greeting] = await listCanned(tmall.agent.token, { step: 'contact' });
      const res = await t.http
        .patch(`/v1/replies/canned/${greeting.id}`)
        .set(bearer(tmall.supervisor.token))
        .send({ body: '{buyerName}您好，我是{agentName}，您的售后由我跟进。' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: greeting.id, defaultKey: greeting.defaultKey, title: greeting.title, variables: ['buyerName', 'agentName'] });
    });

    it('should refuse a body with an unknown variable with 400 naming body, on create and on change', async () => {
      const created = await createCanned(tmall.supervisor.token, { step: 'contact', title: '问候', body: '您好，{买家}，我是{agent_name}。' });
      expectProblem(created, 400, 'VALIDATION_FAILED');
      expect(created.body.errors).toEqual([{ field: 'body', message: expect.stringContaining('{买家}') }]);
      expect(created.body.errors[0].message).toContain('{agent_name}');

      const [any] = await listCanned(tmall.agent.token);
      const patched = await t.http.patch(`/v1/replies/canned/${any.id}`).set(bearer(tmall.supervisor.token)).send({ body: '订单{orderNo}' });
      expectProblem(patched, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(patched)).toEqual(['body']);
    });

    it('should refuse invalid fields naming them (missing title, too long body, null step on change)', async () => {
      const missing = await createCanned(tmall.supervisor.token, { step: 'contact', body: '您好' });
      expectProblem(missing, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(missing)).toEqual(['title']);
      const long = await createCanned(tmall.supervisor.token, { step: 'contact', title: '长', body: '好'.repeat(2001) });
      expectProblem(long, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(long)).toEqual(['body']);

      const [any] = await listCanned(tmall.agent.token);
      const nulled = await t.http.patch(`/v1/replies/canned/${any.id}`).set(bearer(tmall.supervisor.token)).send({ step: null });
      expectProblem(nulled, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(nulled)).toEqual(['step']);
    });

    it('should refuse a body the guard blocks on the shop’s platform with 422 and the findings, and accept warnings', async () => {
      const blocked = await createCanned(tmall.supervisor.token, { step: 'contact', title: '电话', body: WITH_PHONE });
      expectProblem(blocked, 422, 'REPLY_BLOCKED');
      expect(blocked.body.detail).toContain('contact-details');
      expect(blocked.body.findings).toEqual([
        expect.objectContaining({ rule: 'contact-details', severity: 'block', match: '138-0013-8000', start: WITH_PHONE.indexOf('138') }),
      ]);

      // The same sentence is fine for a Tmall shop and blocked for a Pinduoduo one.
      const onTmall = await createCanned(tmall.supervisor.token, { step: 'contact', title: '同款', body: NAMES_TAOBAO });
      expect(onTmall.status).toBe(201);
      const onPdd = await createCanned(pdd.supervisor.token, { step: 'contact', title: '同款', body: NAMES_TAOBAO });
      expectProblem(onPdd, 422, 'REPLY_BLOCKED');
      expect(onPdd.body.findings.map((f: Finding) => f.rule)).toEqual(['other-platform']);

      const [any] = await listCanned(pdd.agent.token);
      const patched = await t.http.patch(`/v1/replies/canned/${any.id}`).set(bearer(pdd.supervisor.token)).send({ body: NAMES_TAOBAO });
      expectProblem(patched, 422, 'REPLY_BLOCKED');
      expect((await listCanned(pdd.agent.token)).find((item) => item.id === any.id)!.body).toBe(any.body);

      const warned = await createCanned(tmall.supervisor.token, { step: 'propose', title: '说明', body: '这个方案不行的话，我们再为您换一个。' });
      expect(warned.status).toBe(201);
    });

    it('should answer 404 for another shop’s reply, and 400 for an id that is not a UUID', async () => {
      const [foreign] = await listCanned(pdd.agent.token);
      expectProblem(
        await t.http.patch(`/v1/replies/canned/${foreign.id}`).set(bearer(tmall.supervisor.token)).send({ title: '改' }),
        404,
        'CANNED_REPLY_NOT_FOUND',
      );
      expectProblem(await t.http.delete(`/v1/replies/canned/${foreign.id}`).set(bearer(tmall.supervisor.token)), 404, 'CANNED_REPLY_NOT_FOUND');
      expect((await listCanned(pdd.agent.token)).find((item) => item.id === foreign.id)).toEqual(foreign);

      const notUuid = await t.http.delete('/v1/replies/canned/42').set(bearer(tmall.supervisor.token));
      expectProblem(notUuid, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(notUuid)).toEqual(['id']);
    });
  });

  describe('rendering a reply for a case', () => {
    it('should fill the case’s facts in the shop’s time zone and leave the tracking number open before shipping', async () => {
      const opened = await openCase(t, tmall.key, { order: { orderId: '3921837712345678' } });
      const body = '{buyerName}您好，{shopName}的{agentName}为您处理订单{orderId}的{caseType}，金额{amount}，请在{deadline}前回复。单号{trackingNo}';
      const res = await render(tmall.agent.token, opened.id, { body });
      expect(res.status).toBe(200);
      // Opened at 2026-11-02 09:00Z; the merchant answers within 48 hours: 11-04 09:00Z is 17:00 in Shanghai.
      expect(opened.deadlines[0].dueAt).toBe('2026-11-04T09:00:00.000Z');
      expect(res.body).toEqual({
        text: `小明您好，优选鞋服旗舰店的客服小美为您处理订单3921837712345678的退款，金额¥299.00，请在11月4日 17:00前回复。单号{trackingNo}`,
        unresolved: ['trackingNo'],
        findings: [],
        blocked: false,
      });
    });

    it('should write the deadline on the clock of a shop in another time zone', async () => {
      const opened = await openCase(t, pdd.key);
      const res = await render(pdd.agent.token, opened.id, { body: '请在{deadline}前回复' });
      expect(res.status).toBe(200);
      expect(res.body.text).toBe('请在11月4日 09:00前回复');
    });

    it('should render a saved canned reply, leaving variables without a value open', async () => {
      const opened = await openCase(t, tmall.key, { buyer: { id: 'tb_anon_1' } });
      const created = await createCanned(tmall.supervisor.token, { step: 'contact', title: '称呼', body: '{buyerName}您好，您的{caseType}申请已收到。' });
      const res = await render(tmall.agent.token, opened.id, { cannedReplyId: created.body.id });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ text: '{buyerName}您好，您的退款申请已收到。', unresolved: ['buyerName'], findings: [], blocked: false });

      const seeded = (await listCanned(tmall.agent.token, { step: 'followUp' })).find((item) => item.variables.includes('deadline'))!;
      const filled = await render(tmall.supervisor.token, opened.id, { cannedReplyId: seeded.id });
      expect(filled.status).toBe(200);
      expect(filled.body.text).toContain('11月4日 17:00');
      expect(filled.body.blocked).toBe(false);
    });

    it('should use the proposed amount once there is an offer, next to the requested one', async () => {
      const opened = await openCase(t, tmall.key);
      await send(t, tmall.agent.token, opened.id, { type: 'CONTACT_BUYER', note: '已联系买家' });
      await send(t, tmall.agent.token, opened.id, { type: 'VERIFY', verifiedReasonCode: 'quality_problem', findings: '轻微瑕疵' });
      await send(t, tmall.agent.token, opened.id, { type: 'PROPOSE', resolution: 'partial_refund', amount: 10000, note: '部分退款' });
      const res = await render(tmall.agent.token, opened.id, { body: '申请{requestedAmount}，可退{amount}' });
      expect(res.body).toMatchObject({ text: '申请¥299.00，可退¥100.00', unresolved: [] });
    });

    it('should fill the latest tracking number once the return has shipped', async () => {
      const opened = await openCase(t, tmall.key, { type: 'return' });
      await send(t, tmall.agent.token, opened.id, { type: 'PROPOSE', resolution: 'return_and_refund', note: '同意退货' });
      const before = await render(tmall.agent.token, opened.id, { body: '单号{trackingNo}' });
      expect(before.body).toMatchObject({ text: '单号{trackingNo}', unresolved: ['trackingNo'] });
      await send(t, tmall.key, opened.id, { type: 'RETURN_SHIPPED', carrier: '顺丰速运', trackingNo: 'SF1234567890' });
      const after = await render(tmall.agent.token, opened.id, { body: '单号{trackingNo}' });
      expect(after.body).toEqual({ text: '单号SF1234567890', unresolved: [], findings: [], blocked: false });
    });

    it('should return the guard’s findings for the case’s platform instead of refusing', async () => {
      const opened = await openCase(t, tmall.key);
      const res = await render(tmall.agent.token, opened.id, { body: `{buyerName}${WITH_PHONE}` });
      expect(res.status).toBe(200);
      expect(res.body.blocked).toBe(true);
      const text = `小明${WITH_PHONE}`;
      expect(res.body.text).toBe(text);
      expect(res.body.findings).toEqual([expect.objectContaining({ rule: 'contact-details', start: text.indexOf('138'), match: '138-0013-8000' })]);

      // A case the shop took from another platform is judged by that platform's rules.
      const fromPdd = await openCase(t, tmall.key, { platform: 'pinduoduo' });
      const onPdd = await render(tmall.agent.token, fromPdd.id, { body: NAMES_TAOBAO });
      expect(onPdd.body).toMatchObject({ blocked: true, findings: [expect.objectContaining({ rule: 'other-platform', match: '淘宝' })] });
    });

    it('should need exactly one of cannedReplyId and body, and known variables only', async () => {
      const opened = await openCase(t, tmall.key);
      const [canned] = await listCanned(tmall.agent.token);
      for (const body of [{}, { cannedReplyId: canned.id, body: '您好' }]) {
        const res = await render(tmall.agent.token, opened.id, body);
        expectProblem(res, 400, 'VALIDATION_FAILED');
        expect(fieldsOf(res)).toContain('cannedReplyId');
      }
      const unknown = await render(tmall.agent.token, opened.id, { body: '您好{nickname}' });
      expectProblem(unknown, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(unknown)).toEqual(['body']);
      expectProblem(await render(tmall.auditor.token, opened.id, { body: '您好' }), 403, 'FORBIDDEN');
      expectProblem(await render(tmall.key, opened.id, { body: '您好' }), 403, 'FORBIDDEN');
    });

    it('should answer 404 for another shop’s case or canned reply', async () => {
      const foreignCase = await openCase(t, pdd.key);
      expectProblem(await render(tmall.agent.token, foreignCase.id, { body: '您好' }), 404, 'CASE_NOT_FOUND');
      const own = await openCase(t, tmall.key);
      const [foreignReply] = await listCanned(pdd.agent.token);
      expectProblem(await render(tmall.agent.token, own.id, { cannedReplyId: foreignReply.id }), 404, 'CANNED_REPLY_NOT_FOUND');
    });
  });

  describe('checking a reply (POST /v1/replies/check) and the rules (GET /v1/replies/rules)', () => {
    const check = (token: string, body: Record<string, unknown>) => t.http.post('/v1/replies/check').set(bearer(token)).send(body);

    it('should flag a text naming 淘宝 for a Pinduoduo shop only', async () => {
      const onTmall = await check(tmall.agent.token, { text: NAMES_TAOBAO });
      expect(onTmall.status).toBe(200);
      expect(onTmall.body).toEqual({ platform: 'tmall', blocked: false, findings: [] });

      const onPdd = await check(pdd.supervisor.token, { text: NAMES_TAOBAO });
      expect(onPdd.status).toBe(200);
      expect(onPdd.body).toEqual({
        platform: 'pinduoduo',
        blocked: true,
        findings: [
          {
            rule: 'other-platform',
            category: expect.any(String),
            severity: 'block',
            message: expect.any(String),
            match: '淘宝',
            start: NAMES_TAOBAO.indexOf('淘宝'),
            end: NAMES_TAOBAO.indexOf('淘宝') + 2,
          },
        ],
      });
    });

    it('should report a warning without blocking', async () => {
      const res = await check(tmall.agent.token, { text: '这样处理不行，我们再想想办法。' });
      expect(res.status).toBe(200);
      expect(res.body.blocked).toBe(false);
      expect(res.body.findings.map((f: Finding) => [f.rule, f.severity])).toContainEqual(['blunt-refusal', 'warn']);
    });

    it('should judge by the case’s platform when a case is named, and 404 for another shop’s case', async () => {
      const fromPdd = await openCase(t, tmall.key, { platform: 'pinduoduo' });
      const res = await check(tmall.agent.token, { text: NAMES_TAOBAO, caseId: fromPdd.id });
      expect(res.body).toMatchObject({ platform: 'pinduoduo', blocked: true });

      const foreign = await openCase(t, pdd.key);
      expectProblem(await check(tmall.agent.token, { text: '您好', caseId: foreign.id }), 404, 'CASE_NOT_FOUND');
    });

    it('should validate the text and caseId, and refuse auditors and API keys', async () => {
      for (const [body, field] of [
        [{ text: '' }, 'text'],
        [{ text: '好'.repeat(4001) }, 'text'],
        [{}, 'text'],
        [{ text: '您好', caseId: 'case-1' }, 'caseId'],
      ] as const) {
        const res = await check(tmall.agent.token, body);
        expectProblem(res, 400, 'VALIDATION_FAILED');
        expect(fieldsOf(res)).toEqual([field]);
      }
      expectProblem(await check(tmall.auditor.token, { text: '您好' }), 403, 'FORBIDDEN');
      expectProblem(await check(tmall.key, { text: '您好' }), 403, 'FORBIDDEN');
    });

    it('should list every rule for the shop’s platform, to any agent role', async () => {
      const res = await t.http.get('/v1/replies/rules').set(bearer(pdd.auditor.token));
      expect(res.status).toBe(200);
      expect(res.body.platform).toBe('pinduoduo');
      expect(res.body.rules.map((rule: { id: string }) => rule.id).sort()).toEqual([...GUARD_RULE_IDS].sort());
      for (const rule of res.body.rules) {
        expect(rule).toMatchObject({ id: expect.any(String), category: expect.any(String), severity: expect.stringMatching(/^(block|warn)$/) });
        expect(rule.message).toEqual(expect.any(String));
        expect(rule.description).toEqual(expect.any(String));
      }
      expectProblem(await t.http.get('/v1/replies/rules').set(bearer(pdd.key)), 403, 'FORBIDDEN');
    });
  });

  describe('buyer-facing notes of case events, screened by the reply guard', () => {
    const sendEvent = (token: string, caseId: string, event: Record<string, unknown>) =>
      t.http.post(`/v1/cases/${caseId}/events`).set(bearer(token)).send(event);
    const timeline = async (caseId: string): Promise<TimelineEntry[]> => (await t.http.get(`/v1/cases/${caseId}/events`).set(bearer(tmall.agent.token))).body;

    it('should refuse an agent’s note with a phone number with 422 and the findings, leaving the case unchanged', async () => {
      const opened = await openCase(t, tmall.key);
      const res = await sendEvent(tmall.agent.token, opened.id, { type: 'CONTACT_BUYER', note: WITH_PHONE });
      expectProblem(res, 422, 'REPLY_BLOCKED');
      expect(res.body.findings).toEqual([expect.objectContaining({ rule: 'contact-details', severity: 'block', match: '138-0013-8000' })]);
      const after = await t.http.get(`/v1/cases/${opened.id}`).set(bearer(tmall.agent.token));
      expect(after.body).toMatchObject({ version: opened.version, state: opened.state });
    });

    it('should refuse an override from an agent with 403', async () => {
      const opened = await openCase(t, tmall.key);
      const res = await sendEvent(tmall.agent.token, opened.id, {
        type: 'CONTACT_BUYER',
        note: WITH_PHONE,
        guardOverride: { reason: '买家要求电话沟通' },
      });
      expectProblem(res, 403, 'GUARD_OVERRIDE_FORBIDDEN');
      expect((await t.http.get(`/v1/cases/${opened.id}`).set(bearer(tmall.agent.token))).body.version).toBe(opened.version);
    });

    it('should let a supervisor override a block, recording who, why and the findings on the event', async () => {
      const opened = await openCase(t, tmall.key);
      const reason = '买家多次要求电话沟通，主管确认';
      const res = await sendEvent(tmall.supervisor.token, opened.id, { type: 'CONTACT_BUYER', note: WITH_PHONE, guardOverride: { reason } });
      expect(res.status).toBe(200);
      expect(res.body.version).toBeGreaterThan(opened.version);
      const contact = (await timeline(opened.id)).find((entry) => entry.type === 'CONTACT_BUYER')!;
      expect(contact.actor).toEqual({ kind: 'agent', id: tmall.supervisor.id });
      expect(contact.payload.guard).toEqual({
        findings: [expect.objectContaining({ rule: 'contact-details', severity: 'block', match: '138-0013-8000' })],
        override: { by: tmall.supervisor.id, reason },
      });
    });

    it('should accept a note with only a warning and record the finding', async () => {
      const opened = await openCase(t, tmall.key);
      const res = await sendEvent(tmall.agent.token, opened.id, { type: 'CONTACT_BUYER', note: '您好，这个要求不行，我们为您看看其他办法。' });
      expect(res.status).toBe(200);
      const contact = (await timeline(opened.id)).find((entry) => entry.type === 'CONTACT_BUYER')!;
      expect(contact.payload.guard).toEqual({
        findings: [expect.objectContaining({ rule: 'blunt-refusal', severity: 'warn', match: '不行' })],
        override: null,
      });
    });

    it('should record no guard entry for a clean note', async () => {
      const opened = await openCase(t, tmall.key);
      const res = await sendEvent(tmall.agent.token, opened.id, { type: 'CONTACT_BUYER', note: '您好，您的退款申请已收到，我们正在核实。' });
      expect(res.status).toBe(200);
      const contact = (await timeline(opened.id)).find((entry) => entry.type === 'CONTACT_BUYER')!;
      expect(contact.payload).not.toHaveProperty('guard');
    });
  });
});
