import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectProblem } from './support/fixtures.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const INDEX =
  '<!doctype html><html><head><link rel="icon" href="/favicon.svg"><script type="module" src="/assets/index-3f9a1c2b.js"></script></head><body><div id="root"></div></body></html>';
const SCRIPT = 'console.log("售后工作台");';
const ICON = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle cx="8" cy="8" r="7"/></svg>';

/** A built console as Vite lays it out: index.html, hashed assets, an SVG icon. */
function consoleFixture(): string {
  const dir = mkdtempSync(join(tmpdir(), 'console-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), INDEX);
  writeFileSync(join(dir, 'assets', 'index-3f9a1c2b.js'), SCRIPT);
  writeFileSync(join(dir, 'favicon.svg'), ICON);
  return dir;
}

describe('serving the web console', () => {
  let t: TestApp;
  let dir: string;

  beforeAll(async () => {
    dir = consoleFixture();
    t = await createTestApp({ CONSOLE_DIR: dir });
  });

  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function expectIndex(res: { status: number; headers: Record<string, string>; text: string }) {
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.text).toBe(INDEX);
  }

  it('should serve index.html at / and for every deep link of the single-page app', async () => {
    for (const path of ['/', '/queue', '/cases/0b7c2f0e-3b8f-4a53-9d54-2f1f1e9b7a10', '/metrics?from=2026-11-01', '/login?next=%2Fqueue', '/index.html']) {
      expectIndex(await t.http.get(path));
    }
  });

  it('should serve hashed assets to be cached for good', async () => {
    const res = await t.http.get('/assets/index-3f9a1c2b.js');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.text).toBe(SCRIPT);
  });

  it('should keep problem+json 404s for the API, documents, health and missing files', async () => {
    expectProblem(await t.http.get('/v1/nope'), 404, 'ROUTE_NOT_FOUND');
    expectProblem(await t.http.get('/v1'), 404, 'ROUTE_NOT_FOUND');
    expectProblem(await t.http.get('/health/nope'), 404, 'ROUTE_NOT_FOUND');
    expectProblem(await t.http.get('/docs/nope'), 404, 'ROUTE_NOT_FOUND');
    expectProblem(await t.http.get('/assets/missing.js'), 404, 'ROUTE_NOT_FOUND');
    expectProblem(await t.http.get('/queue/export.csv'), 404, 'ROUTE_NOT_FOUND');
    // Only reads are pages.
    expectProblem(await t.http.post('/queue').send({}), 404, 'ROUTE_NOT_FOUND');
  });

  it('should leave the API, its documents and the health probes as they were', async () => {
    expect((await t.http.get('/health/live')).body).toEqual({ status: 'ok' });
    const docs = await t.http.get('/docs/json');
    expect(docs.status).toBe(200);
    expect(docs.body.openapi).toMatch(/^3\./);
    expectProblem(await t.http.get('/v1/cases'), 401, 'UNAUTHENTICATED');
  });

  it('should serve the icon, and point /favicon.ico to it', async () => {
    const svg = await t.http.get('/favicon.svg');
    expect(svg.status).toBe(200);
    expect(svg.headers['content-type']).toMatch(/^image\/svg\+xml/);
    const ico = await t.http.get('/favicon.ico');
    expect(ico.status).toBe(302);
    expect(ico.headers.location).toBe('/favicon.svg');
  });

  it('should send the security headers, without the https upgrade over plain HTTP', async () => {
    for (const path of ['/', '/queue', '/assets/index-3f9a1c2b.js']) {
      const res = await t.http.get(path);
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
      expect(res.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    }
  });
});

describe('without a built console', () => {
  it('should serve nothing at / (an API-only deployment, or a folder without index.html)', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'console-empty-'));
    const t = await createTestApp({ CONSOLE_DIR: empty });
    try {
      expectProblem(await t.http.get('/'), 404, 'ROUTE_NOT_FOUND');
      expectProblem(await t.http.get('/queue'), 404, 'ROUTE_NOT_FOUND');
      expectProblem(await t.http.get('/favicon.ico'), 404, 'ROUTE_NOT_FOUND');
    } finally {
      await t.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
