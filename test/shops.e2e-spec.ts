import { bearer, createAgent, createShop, expectProblem } from './support/fixtures.js';
import { createTestApp, type TestApp } from './support/test-app.js';

describe('shops', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('should create a shop with the platform default policy windows', async () => {
    const res = await t.http.post('/v1/shops').set(bearer(t.adminToken)).send({ slug: 'acme-tmall', name: 'ACME 官方旗舰店', platform: 'tmall' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      slug: 'acme-tmall',
      name: 'ACME 官方旗舰店',
      platform: 'tmall',
      timezone: 'Asia/Shanghai',
      policy: { merchantResponseHours: 48, buyerReturnShippingDays: 7, merchantReceiptDays: 10, disputeEvidenceHours: 48, buyerEscalationDays: 7 },
    });
    expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('should keep a custom policy and fill the windows not given', async () => {
    const shop = await createShop(t, { platform: 'pinduoduo', policy: { merchantResponseHours: 24, merchantReceiptDays: 5 } });
    expect(shop.policy).toEqual({
      merchantResponseHours: 24,
      buyerReturnShippingDays: 7,
      merchantReceiptDays: 5,
      disputeEvidenceHours: 48,
      buyerEscalationDays: 7,
    });
  });

  it('should refuse a duplicate slug with a conflict', async () => {
    const shop = await createShop(t);
    const res = await t.http.post('/v1/shops').set(bearer(t.adminToken)).send({ slug: shop.slug, name: 'again', platform: 'jd' });
    expectProblem(res, 409, 'SHOP_SLUG_TAKEN');
  });

  it.each([
    [{ merchantResponseHours: 0 }, 'policy.merchantResponseHours'],
    [{ buyerReturnShippingDays: 61 }, 'policy.buyerReturnShippingDays'],
    [{ merchantReceiptDays: 2.5 }, 'policy.merchantReceiptDays'],
    [{ disputeEvidenceHours: '48' }, 'policy.disputeEvidenceHours'],
    [{ buyerEscalationDays: -1 }, 'policy.buyerEscalationDays'],
    [{ refundWithinHours: 3 }, 'policy.refundWithinHours'],
  ])('should refuse the policy %j naming %s', async (policy, field) => {
    const res = await t.http.post('/v1/shops').set(bearer(t.adminToken)).send({ slug: 'bad-policy', name: 'x', platform: 'jd', policy });
    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect((res.body.errors as Array<{ field: string }>).map((e) => e.field)).toContain(field);
  });

  it('should refuse an unknown time zone', async () => {
    const res = await t.http.post('/v1/shops').set(bearer(t.adminToken)).send({ slug: 'bad-tz', name: 'x', platform: 'jd', timezone: 'Mars/Olympus' });
    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(res.body.errors[0].field).toBe('timezone');
  });

  it('should let a supervisor edit the own shop policy, only the windows given', async () => {
    const shop = await createShop(t);
    const supervisor = await createAgent(t, shop, 'supervisor');
    const res = await t.http
      .patch(`/v1/shops/${shop.id}`)
      .set(bearer(supervisor.token))
      .send({ policy: { merchantResponseHours: 36 }, timezone: 'Asia/Hong_Kong' });
    expect(res.status).toBe(200);
    expect(res.body.timezone).toBe('Asia/Hong_Kong');
    expect(res.body.policy).toEqual({ ...shop.policy, merchantResponseHours: 36 });
    const reread = await t.http.get(`/v1/shops/${shop.id}`).set(bearer(supervisor.token));
    expect(reread.body.policy.merchantResponseHours).toBe(36);
  });

  it('should not let a plain agent edit the shop', async () => {
    const shop = await createShop(t);
    const agent = await createAgent(t, shop, 'agent');
    const res = await t.http
      .patch(`/v1/shops/${shop.id}`)
      .set(bearer(agent.token))
      .send({ policy: { merchantResponseHours: 1 } });
    expectProblem(res, 403, 'FORBIDDEN');
  });

  it('should page through shops with a cursor, each shop once', async () => {
    for (let i = 0; i < 5; i++) await createShop(t);
    const seen: string[] = [];
    let cursor: string | null = null;
    let res: { status: number; body: { items: Array<{ id: string }>; nextCursor: string | null } };
    do {
      res = await t.http
        .get('/v1/shops')
        .query({ limit: 2, ...(cursor ? { cursor } : {}) })
        .set(bearer(t.adminToken));
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((s: { id: string }) => s.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    const all = await t.http.get('/v1/shops').query({ limit: 200 }).set(bearer(t.adminToken));
    expect(seen).toEqual(all.body.items.map((s: { id: string }) => s.id));
  });

  it('should refuse a limit outside 1..200', async () => {
    const res = await t.http.get('/v1/shops').query({ limit: 500 }).set(bearer(t.adminToken));
    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(res.body.errors[0].field).toBe('limit');
  });
});
