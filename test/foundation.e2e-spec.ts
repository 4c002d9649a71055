import { Writable } from 'node:stream';
import { pino } from 'pino';
import { bearer, createShop, expectProblem } from './support/fixtures.js';
import { createTestApp, type TestApp } from './support/test-app.js';

describe('service foundation', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('health', () => {
    it('should answer live without credentials', async () => {
      const res = await t.http.get('/health/live');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok' });
    });

    it('should report the database as up when ready', async () => {
      const res = await t.http.get('/health/ready');
      expect(res.status).toBe(200);
      expect(res.body.details.database.status).toBe('up');
    });
  });

  describe('problem details', () => {
    it('should answer unknown routes with a problem 404', async () => {
      const res = await t.http.get('/v1/does-not-exist');
      expectProblem(res, 404, 'ROUTE_NOT_FOUND');
      expect(res.body.instance).toBe('/v1/does-not-exist');
    });

    it('should name every failing field of an invalid body', async () => {
      const res = await t.http
        .post('/v1/shops')
        .set(bearer(t.adminToken))
        .send({ slug: 'Not A Slug', platform: 'amazon', policy: { merchantResponseHours: 0 } });
      expectProblem(res, 400, 'VALIDATION_FAILED');
      const fields = (res.body.errors as Array<{ field: string }>).map((e) => e.field);
      expect(new Set(fields)).toEqual(new Set(['slug', 'name', 'platform', 'policy.merchantResponseHours']));
    });

    it('should refuse unknown fields', async () => {
      const res = await t.http.post('/v1/shops').set(bearer(t.adminToken)).send({ slug: 'extra-field', name: 'x', platform: 'jd', isAdmin: true });
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'isAdmin' })]);
    });

    it('should answer malformed JSON with a problem 400, not a 500', async () => {
      const res = await t.http.post('/v1/shops').set(bearer(t.adminToken)).set('content-type', 'application/json').send('{"slug": ');
      expectProblem(res, 400, 'MALFORMED_JSON');
    });

    it('should answer an unsupported content type with a problem 415', async () => {
      const res = await t.http.post('/v1/shops').set(bearer(t.adminToken)).set('content-type', 'application/xml').send('<shop/>');
      expectProblem(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    });

    it('should answer an oversized body with a problem 413', async () => {
      const res = await t.http
        .post('/v1/shops')
        .set(bearer(t.adminToken))
        .send({ slug: 'big', name: 'x'.repeat(2 * 1024 * 1024), platform: 'jd' });
      expectProblem(res, 413, 'PAYLOAD_TOO_LARGE');
    });

    it('should answer a malformed id in the path with a problem naming the parameter', async () => {
      const res = await t.http.get('/v1/shops/not-a-uuid').set(bearer(t.adminToken));
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(res.body.errors).toEqual([{ field: 'shopId', message: 'shopId must be a UUID' }]);
    });

    it('should answer a broken pagination cursor with a problem 400', async () => {
      const res = await t.http.get('/v1/shops?cursor=garbage').set(bearer(t.adminToken));
      expectProblem(res, 400, 'INVALID_CURSOR');
    });
  });

  describe('request ids', () => {
    it('should echo a sane caller request id and carry it in problems', async () => {
      const res = await t.http.get('/v1/nothing-here').set('X-Request-Id', 'trace-abc.123');
      expect(res.headers['x-request-id']).toBe('trace-abc.123');
      expect(res.body.requestId).toBe('trace-abc.123');
    });

    it('should replace an unacceptable request id with a fresh UUID', async () => {
      const res = await t.http.get('/health/live').set('X-Request-Id', 'has spaces and <tags>');
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  describe('request logs', () => {
    it('should log one JSON line per request with its id, without the credentials', async () => {
      const lines: string[] = [];
      const sink = new Writable({
        write(chunk, _encoding, done) {
          lines.push(...String(chunk).split('\n').filter(Boolean));
          done();
        },
      });
      const logged = await createTestApp({ LOG_LEVEL: 'info' }, pino({ level: 'info' }, sink));
      try {
        await logged.http.get('/v1/shops').set('X-Request-Id', 'log-check-1').set('Authorization', 'Bearer secret-token-value');
        await logged.http.get('/health/live');
        const entries = lines.map((line) => JSON.parse(line)).filter((entry) => entry.msg === 'request completed');
        expect(entries).toEqual([expect.objectContaining({ requestId: 'log-check-1', method: 'GET', url: '/v1/shops', statusCode: 401 })]);
        expect(lines.join('\n')).not.toContain('secret-token-value');
      } finally {
        await logged.close();
      }
    });
  });

  describe('secure headers', () => {
    it('should send the helmet security headers', async () => {
      const res = await t.http.get('/health/live');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
      // Over plain HTTP (a LAN address) an https upgrade would blank /docs and the console.
      expect(res.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    });
  });

  describe('admin token', () => {
    it('should refuse administration without a token', async () => {
      const res = await t.http.post('/v1/shops').send({ slug: 'no-token', name: 'x', platform: 'jd' });
      expectProblem(res, 401, 'UNAUTHENTICATED');
    });

    it('should refuse a wrong admin token', async () => {
      const res = await t.http.get('/v1/shops').set(bearer(`${t.adminToken}x`));
      expectProblem(res, 401, 'INVALID_CREDENTIALS');
    });

    it('should accept the configured admin token', async () => {
      const shop = await createShop(t);
      const res = await t.http.get(`/v1/shops/${shop.id}`).set(bearer(t.adminToken));
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(shop.id);
    });
  });

  describe('OpenAPI', () => {
    it('should serve the OpenAPI document with the shop routes', async () => {
      const res = await t.http.get('/docs/json');
      expect(res.status).toBe(200);
      expect(res.body.openapi).toMatch(/^3\./);
      expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/v1/shops', '/v1/auth/login', '/health/ready']));
    });

    it('should serve the documentation page', async () => {
      const res = await t.http.get('/docs');
      expect(res.status).toBe(200);
      expect(res.text).toContain('swagger-ui');
    });
  });
});
