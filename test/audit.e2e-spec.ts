import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import canonicalize from 'canonicalize';
import { parse as parseDisposition } from 'content-disposition';
import pg from 'pg';
import { openCase, send, type TimelineEntry } from './support/cases.js';
import { csvObjects, parseCsv } from './support/csv.js';
import { binaryParser, pdfBytes, pngBytes } from './support/evidence-files.js';
import { bearer, createAgent, createApiKey, createShop, expectProblem, type AgentFixture, type ShopFixture } from './support/fixtures.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { unzip } from './support/zip.js';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const GENESIS = '0'.repeat(64);
const EXPORT_BATCH_ROWS = 100;
const EXPORT_COLUMNS = [
  'caseId',
  'platformCaseId',
  'orderId',
  'caseType',
  'seq',
  'type',
  'actorKind',
  'actorId',
  'fromState',
  'toState',
  'at',
  'payload',
  'prevHash',
  'hash',
  'buyerId',
  'buyerPhone',
  'buyerAddress',
];
const CHAIN_HEAD_REASON = "the case's chain head does not match its last event";

interface Team {
  shop: ShopFixture;
  key: string;
  keyId: string;
  agent: AgentFixture;
  supervisor: AgentFixture;
  auditor: AgentFixture;
}

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');
const maskPhone = (phone: string) => `${phone.slice(0, 3)}****${phone.slice(-4)}`;
const maskAddress = (address: string) => `${[...address].slice(0, 6).join('')}****`;

describe('audit: chain verification, dossier, export and access log', () => {
  let t: TestApp;
  let evidenceDir: string;

  beforeAll(async () => {
    evidenceDir = await mkdtemp(join(tmpdir(), 'audit-e2e-evidence-'));
    // The smallest export batch, so an export of a few hundred rows spans several cursor fetches.
    t = await createTestApp({ EVIDENCE_DIR: evidenceDir, SESSION_TTL_HOURS: String(24 * 90), EXPORT_BATCH_ROWS: String(EXPORT_BATCH_ROWS) });
  });
  afterAll(async () => {
    await t?.close();
    if (evidenceDir) await rm(evidenceDir, { recursive: true, force: true });
  });

  async function team(): Promise<Team> {
    const shop = await createShop(t);
    const apiKey = await createApiKey(t, shop.id);
    const [agent, supervisor, auditor] = [await createAgent(t, shop, 'agent'), await createAgent(t, shop, 'supervisor'), await createAgent(t, shop, 'auditor')];
    return { shop, key: apiKey.key, keyId: apiKey.id, agent, supervisor, auditor };
  }
  async function timeline(caseId: string, token: string): Promise<TimelineEntry[]> {
    const res = await t.http.get(`/v1/cases/${caseId}/events`).set(bearer(token));
    if (res.status !== 200) throw new Error(`timeline: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }
  const verify = (token: string, caseId?: string) =>
    t.http
      .get('/v1/audit/verify')
      .query(caseId ? { caseId } : {})
      .set(bearer(token));
  async function uploaded(caseId: string, token: string, bytes: Buffer, filename: string, fields: Record<string, string>) {
    let req = t.http.post(`/v1/cases/${caseId}/evidence`).set(bearer(token));
    for (const [name, value] of Object.entries(fields)) req = req.field(name, value);
    const res = await req.attach('file', bytes, { filename, contentType: 'application/octet-stream' });
    if (res.status !== 201) throw new Error(`upload ${filename}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as {
      id: string;
      sha256: string;
      size: number;
      contentType: string;
      party: string;
      kind: string;
      note: string | null;
      filename: string;
      uploadedAt: string;
      submitted: boolean;
    };
  }

  /** Runs SQL as the database owner, with the append-only trigger switched off around it. */
  async function behindTheTriggersBack(sql: string, params: unknown[]): Promise<number> {
    const client = new pg.Client({ connectionString: t.databaseUrl });
    await client.connect();
    try {
      await client.query('ALTER TABLE case_events DISABLE TRIGGER case_events_append_only');
      try {
        return (await client.query(sql, params)).rowCount ?? 0;
      } finally {
        await client.query('ALTER TABLE case_events ENABLE TRIGGER case_events_append_only');
      }
    } finally {
      await client.end();
    }
  }

  /** A case with CASE_OPENED, CONTACT_BUYER and VERIFY (seq 1..3), plus APOLOGISE (seq 4) when `extra` is 1. */
  async function caseWithEvents(tm: Team, extra = 0): Promise<{ id: string; events: TimelineEntry[] }> {
    const opened = await openCase(t, tm.key);
    await send(t, tm.agent.token, opened.id, { type: 'CONTACT_BUYER', note: '已联系买家' });
    await send(t, tm.agent.token, opened.id, { type: 'VERIFY', verifiedReasonCode: 'quality_problem', findings: '照片确认开胶' });
    if (extra > 0) await send(t, tm.agent.token, opened.id, { type: 'APOLOGISE', note: '抱歉' });
    return { id: opened.id, events: await timeline(opened.id, tm.key) };
  }

  describe('GET /v1/audit/verify', () => {
    let v: Team;
    const cases: Array<{ id: string; events: TimelineEntry[] }> = [];

    beforeAll(async () => {
      v = await team();
      const plain = await openCase(t, v.key);
      cases.push({ id: plain.id, events: await timeline(plain.id, v.key) });
      cases.push(await caseWithEvents(v, 1));
      const withEvidence = await openCase(t, v.key);
      await uploaded(withEvidence.id, v.key, pngBytes(1), 'photo.png', { party: 'buyer', kind: 'photo' });
      await send(t, v.agent.token, withEvidence.id, { type: 'PROPOSE', resolution: 'full_refund', note: '同意退款' });
      cases.push({ id: withEvidence.id, events: await timeline(withEvidence.id, v.key) });
    });

    it('should report every chain of the shop valid, counting the cases and events it checked', async () => {
      const eventsCreated = cases.reduce((sum, c) => sum + c.events.length, 0);
      expect(eventsCreated).toBeGreaterThan(cases.length);
      for (const token of [v.supervisor.token, v.auditor.token]) {
        const res = await verify(token);
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ scope: 'shop', casesChecked: cases.length, eventsChecked: eventsCreated, valid: true, firstBroken: null });
        expect(res.body.caseId ?? null).toBeNull();
      }
      for (const c of cases) {
        const res = await verify(v.auditor.token, c.id);
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ scope: 'case', caseId: c.id, casesChecked: 1, eventsChecked: c.events.length, valid: true, firstBroken: null });
      }
    });

    it('should refuse agents and the API key, and hide other shops’ cases', async () => {
      expectProblem(await verify(v.agent.token), 403, 'FORBIDDEN');
      expectProblem(await verify(v.key), 403, 'FORBIDDEN');
      expectProblem(await verify(v.agent.token, cases[0].id), 403, 'FORBIDDEN');
      const other = await team();
      expectProblem(await verify(other.supervisor.token, cases[0].id), 404, 'CASE_NOT_FOUND');
      expectProblem(await verify(v.supervisor.token, randomUUID()), 404, 'CASE_NOT_FOUND');
      // An empty shop has nothing to check and nothing broken.
      expect((await verify(other.auditor.token)).body).toMatchObject({ scope: 'shop', casesChecked: 0, eventsChecked: 0, valid: true, firstBroken: null });
    });

    it('should keep the append-only trigger in force for ordinary writes', async () => {
      const client = new pg.Client({ connectionString: t.databaseUrl });
      await client.connect();
      try {
        await expect(client.query(`UPDATE case_events SET payload = '{}'::jsonb WHERE case_id = $1 AND seq = 1`, [cases[0].id])).rejects.toThrow(/append-only/);
        await expect(client.query(`DELETE FROM case_events WHERE case_id = $1`, [cases[0].id])).rejects.toThrow(/append-only/);
      } finally {
        await client.end();
      }
      expect((await verify(v.supervisor.token)).body.valid).toBe(true);
    });

    it('should find a payload edited behind the trigger’s back, in that case only', async () => {
      const x = await team();
      const tampered = await caseWithEvents(x);
      const intact = await caseWithEvents(x, 1);
      expect((await verify(x.supervisor.token)).body.valid).toBe(true);

      const changed = await behindTheTriggersBack(
        `UPDATE case_events SET payload = jsonb_set(payload, '{note}', to_jsonb('改过的备注'::text), true) WHERE case_id = $1 AND seq = 2`,
        [tampered.id],
      );
      expect(changed).toBe(1);
      expect((await timeline(tampered.id, x.key))[1].payload.note).toBe('改过的备注');

      const shopWide = await verify(x.auditor.token);
      expect(shopWide.status).toBe(200);
      expect(shopWide.body).toMatchObject({
        scope: 'shop',
        valid: false,
        firstBroken: { caseId: tampered.id, seq: 2, reason: 'hash does not match the content' },
      });
      const caseScoped = await verify(x.supervisor.token, tampered.id);
      expect(caseScoped.body).toMatchObject({
        scope: 'case',
        caseId: tampered.id,
        valid: false,
        firstBroken: { caseId: tampered.id, seq: 2, reason: 'hash does not match the content' },
      });
      expect((await verify(x.supervisor.token, intact.id)).body).toMatchObject({
        scope: 'case',
        caseId: intact.id,
        casesChecked: 1,
        eventsChecked: intact.events.length,
        valid: true,
        firstBroken: null,
      });
      // Another shop's chains are not affected.
      expect((await verify(v.supervisor.token)).body).toMatchObject({ valid: true, firstBroken: null });
    });

    it('should find a rewritten prev_hash and a gap in the sequence', async () => {
      const y = await team();
      const relinked = await caseWithEvents(y, 1);
      expect(await behindTheTriggersBack(`UPDATE case_events SET prev_hash = $2 WHERE case_id = $1 AND seq = 3`, [relinked.id, 'f'.repeat(64)])).toBe(1);
      expect((await verify(y.auditor.token, relinked.id)).body).toMatchObject({
        valid: false,
        firstBroken: { caseId: relinked.id, seq: 3, reason: 'prev_hash does not match the previous hash' },
      });

      const gapped = await caseWithEvents(y, 1);
      expect(gapped.events.length).toBeGreaterThanOrEqual(4);
      expect(await behindTheTriggersBack(`DELETE FROM case_events WHERE case_id = $1 AND seq = 2`, [gapped.id])).toBe(1);
      const res = await verify(y.auditor.token, gapped.id);
      expect(res.body).toMatchObject({ valid: false, firstBroken: { caseId: gapped.id, reason: 'expected seq 2' } });
    });

    it('should trace a consistently re-hashed event to the next link, and a rewritten tail to the chain head', async () => {
      const w = await team();
      /** Rewrites the payload note of `seq` and recomputes the hashes from there on, `through` events long. */
      async function rehash(caseId: string, seq: number, through: number): Promise<void> {
        const client = new pg.Client({ connectionString: t.databaseUrl });
        await client.connect();
        try {
          const { rows } = await client.query(`SELECT * FROM case_events WHERE case_id = $1 ORDER BY seq`, [caseId]);
          let prev: string = rows[seq - 2].hash;
          const updates: Array<[number, unknown, string, string]> = [];
          for (const row of rows.slice(seq - 1, seq - 1 + through)) {
            const payload = row.seq === seq ? { ...row.payload, note: '重写过的备注' } : row.payload;
            const record = {
              shopId: row.shop_id,
              caseId: row.case_id,
              seq: row.seq,
              type: row.type,
              actor: { kind: row.actor_kind, id: row.actor_id },
              fromState: row.from_state,
              toState: row.to_state,
              payload,
              at: (row.at as Date).toISOString(),
            };
            const hash = createHash('sha256').update(prev, 'utf8').update(canonicalize(record)!, 'utf8').digest('hex');
            updates.push([row.seq, payload, prev, hash]);
            prev = hash;
          }
          await client.query('ALTER TABLE case_events DISABLE TRIGGER case_events_append_only');
          try {
            for (const [rowSeq, payload, prevHash, hash] of updates) {
              await client.query(`UPDATE case_events SET payload = $3::jsonb, prev_hash = $4, hash = $5 WHERE case_id = $1 AND seq = $2`, [
                caseId,
                rowSeq,
                JSON.stringify(payload),
                prevHash,
                hash,
              ]);
            }
          } finally {
            await client.query('ALTER TABLE case_events ENABLE TRIGGER case_events_append_only');
          }
        } finally {
          await client.end();
        }
      }

      // seq 2 re-hashed on its own: its own hash is fine now, seq 3 no longer points at it.
      const one = await caseWithEvents(w, 1);
      await rehash(one.id, 2, 1);
      expect((await verify(w.auditor.token, one.id)).body).toMatchObject({
        valid: false,
        firstBroken: { caseId: one.id, seq: 3, reason: 'prev_hash does not match the previous hash' },
      });

      // seq 2 to the end re-hashed: every link holds, only the head recorded on the case differs.
      const tail = await caseWithEvents(w, 1);
      await rehash(tail.id, 2, tail.events.length - 1);
      const rewritten = await timeline(tail.id, w.key);
      expect(rewritten.map((e) => e.seq)).toEqual(tail.events.map((e) => e.seq));
      expect(rewritten[1].hash).not.toBe(tail.events[1].hash);
      expect((await verify(w.auditor.token, tail.id)).body).toMatchObject({ valid: false, firstBroken: { caseId: tail.id, reason: CHAIN_HEAD_REASON } });
    });

    it('should notice a deleted last event through the case’s chain head', async () => {
      const z = await team();
      const truncated = await caseWithEvents(z, 1);
      const last = truncated.events[truncated.events.length - 1];
      expect(await behindTheTriggersBack(`DELETE FROM case_events WHERE case_id = $1 AND seq = $2`, [truncated.id, last.seq])).toBe(1);
      // What is left is a perfectly linked chain: only the head recorded on the case gives it away.
      expect(await timeline(truncated.id, z.key)).toEqual(truncated.events.slice(0, -1));

      const res = await verify(z.auditor.token, truncated.id);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ scope: 'case', valid: false, firstBroken: { caseId: truncated.id, reason: CHAIN_HEAD_REASON } });
      expect((await verify(z.supervisor.token)).body).toMatchObject({
        scope: 'shop',
        valid: false,
        firstBroken: { caseId: truncated.id, reason: CHAIN_HEAD_REASON },
      });
    });
  });

  describe('GET /v1/cases/:caseId/dossier', () => {
    let d: Team;
    let caseId: string;
    let platformCaseId: string;
    const files: Array<{ bytes: Buffer; view: Awaited<ReturnType<typeof uploaded>> }> = [];
    const phone = '13800138000';
    const address = '浙江省杭州市余杭区文一西路 969 号';

    const dossier = (token: string, query: Record<string, string> = {}) =>
      t.http.get(`/v1/cases/${caseId}/dossier`).query(query).set(bearer(token)).buffer(true).parse(binaryParser);
    const dossierProblem = (token: string, query: Record<string, string> = {}, id = caseId) =>
      t.http.get(`/v1/cases/${id}/dossier`).query(query).set(bearer(token));

    beforeAll(async () => {
      d = await team();
      platformCaseId = `TB-DOS-${randomBytes(4).toString('hex')}`;
      const opened = await openCase(t, d.key, { platformCaseId, buyer: { id: 'tb_buyer_dossier', nickname: '小红', phone, address } });
      caseId = opened.id;
      await send(t, d.agent.token, caseId, { type: 'CONTACT_BUYER', note: '买家说："鞋底,开胶"' });
      const png = pngBytes(200);
      files.push({ bytes: png, view: await uploaded(caseId, d.key, png, 'sole.png', { party: 'buyer', kind: 'photo', note: '买家照片' }) });
      t.clock.advance(MINUTE);
      const pdf = pdfBytes('inspection');
      files.push({ bytes: pdf, view: await uploaded(caseId, d.agent.token, pdf, 'inspection.pdf', { party: 'merchant', kind: 'inspection_report' }) });
      const text = Buffer.from('2026-11-02 买家：鞋底开胶\r\n2026-11-02 客服：请提供照片\r\n', 'utf8');
      files.push({ bytes: text, view: await uploaded(caseId, d.agent.token, text, 'chat.txt', { party: 'merchant', kind: 'chat_log' }) });
      await send(t, d.agent.token, caseId, { type: 'VERIFY', verifiedReasonCode: 'quality_problem', findings: '照片确认开胶' });
    });

    it('should zip a manifest, the timeline and every evidence file, all matching their hashes and the audit chain', async () => {
      const res = await dossier(d.agent.token);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/zip/);
      expect(res.headers['content-disposition']).toMatch(/^attachment;/);
      expect(parseDisposition(res.headers['content-disposition']).parameters.filename).toBe(`dossier-${platformCaseId}.zip`);

      const entries = await unzip(res.body as Buffer);
      expect(entries.has('manifest.json')).toBe(true);
      const manifest = JSON.parse(entries.get('manifest.json')!.toString('utf8'));
      expect(manifest).toMatchObject({ format: 'aftersales-dossier/1', personalData: 'masked', shopId: d.shop.id, caseId, case: { id: caseId } });
      expect(manifest.generatedAt).toEqual(expect.any(String));

      // Evidence: in upload order, each file at its path with the uploaded bytes.
      expect(manifest.evidence).toHaveLength(files.length);
      for (const [index, { bytes, view }] of files.entries()) {
        const entry = manifest.evidence[index];
        expect(entry).toMatchObject({
          id: view.id,
          sha256: sha256(bytes),
          size: bytes.length,
          contentType: view.contentType,
          party: view.party,
          kind: view.kind,
          note: view.note,
          uploadedAt: view.uploadedAt,
          submitted: false,
        });
        expect(entry.path).toMatch(/^evidence\/\d+-/);
        expect(entry.path.endsWith(`-${view.filename}`)).toBe(true);
        const zipped = entries.get(entry.path);
        expect(zipped).toBeDefined();
        expect(sha256(zipped!)).toBe(entry.sha256);
        expect(zipped!.equals(bytes)).toBe(true);
      }

      // Every other file is listed with its hash.
      expect(manifest.files.map((f: { path: string }) => f.path).sort()).toEqual(['timeline.csv', 'timeline.json']);
      for (const file of manifest.files as Array<{ path: string; sha256: string }>) {
        expect(entries.has(file.path)).toBe(true);
        expect(sha256(entries.get(file.path)!)).toBe(file.sha256);
      }
      expect([...entries.keys()].sort()).toEqual(
        ['manifest.json', 'timeline.csv', 'timeline.json', ...manifest.evidence.map((e: { path: string }) => e.path)].sort(),
      );

      // The timeline is the case's, and its hash chain can be recomputed from the manifest alone.
      const events = await timeline(caseId, d.key);
      expect(events.filter((e) => e.type === 'EVIDENCE_ADDED')).toHaveLength(files.length);
      expect(manifest.timeline).toEqual(events);
      let prev = GENESIS;
      for (const event of manifest.timeline as TimelineEntry[]) {
        const record = {
          shopId: manifest.shopId,
          caseId: manifest.caseId,
          seq: event.seq,
          type: event.type,
          actor: event.actor,
          fromState: event.fromState,
          toState: event.toState,
          payload: event.payload,
          at: event.at,
        };
        const hash = createHash('sha256').update(prev, 'utf8').update(canonicalize(record)!, 'utf8').digest('hex');
        expect({ seq: event.seq, prevHash: event.prevHash, hash: event.hash }).toEqual({ seq: event.seq, prevHash: prev, hash });
        prev = hash;
      }
      expect(manifest.chainHead).toEqual({ seq: events[events.length - 1].seq, hash: events[events.length - 1].hash });
      expect(manifest.chainHead.hash).toBe(prev);

      // timeline.csv: one data row per event; timeline.json: every event.
      const csvRecords = parseCsv(entries.get('timeline.csv')!.toString('utf8'));
      expect(csvRecords.length - 1).toBe(events.length);
      // In timeline order (a row also carries the previous event's hash as its prevHash).
      for (const [index, event] of events.entries()) {
        const row = csvRecords[index + 1];
        expect({ seq: event.seq, hash: row.includes(event.hash), type: row.includes(event.type) }).toEqual({ seq: event.seq, hash: true, type: true });
      }
      const timelineJson = JSON.parse(entries.get('timeline.json')!.toString('utf8'));
      if (Array.isArray(timelineJson)) expect(timelineJson).toHaveLength(events.length);
      for (const event of events) expect(JSON.stringify(timelineJson)).toContain(event.hash);

      // Personal data masked everywhere in the archive.
      expect(manifest.buyer.phone).toBe(maskPhone(phone));
      expect(manifest.buyer.phone).toBe('138****8000');
      for (const [path, bytes] of entries) {
        if (!['manifest.json', 'timeline.csv', 'timeline.json'].includes(path)) continue;
        const text = bytes.toString('utf8');
        expect({ path, phone: text.includes(phone), address: text.includes(address) }).toEqual({ path, phone: false, address: false });
      }

      // Building a dossier changes nothing.
      expect(await timeline(caseId, d.key)).toEqual(events);
      expect((await verify(d.supervisor.token, caseId)).body).toMatchObject({ valid: true, eventsChecked: events.length });
    });

    it('should include personal data only for auditors who ask, and log who downloaded what', async () => {
      t.clock.advance(MINUTE);
      const auditorAt = t.clock.now().getTime();
      const res = await dossier(d.auditor.token, { includePersonalData: 'true' });
      expect(res.status).toBe(200);
      const manifest = JSON.parse((await unzip(res.body as Buffer)).get('manifest.json')!.toString('utf8'));
      expect(manifest.personalData).toBe('included');
      expect(manifest.buyer).toMatchObject({ phone, address });

      // A supervisor's masked copy is fine.
      t.clock.advance(MINUTE);
      const masked = await dossier(d.supervisor.token);
      expect(masked.status).toBe(200);
      expect(JSON.parse((await unzip(masked.body as Buffer)).get('manifest.json')!.toString('utf8')).buyer.phone).toBe(maskPhone(phone));

      const log = await t.http.get('/v1/audit/access-log').set(bearer(d.auditor.token));
      expect(log.status).toBe(200);
      expect(log.body).toMatchObject({ items: expect.any(Array), nextCursor: null });
      const dossiers = (log.body.items as Array<{ action: string; personalData: boolean; actor: { kind: string; id: string }; at: string }>).filter(
        (i) => i.action === 'case.dossier',
      );
      // Newest first: the supervisor's (masked), the auditor's (included), then the agent's from the previous test.
      expect(dossiers.map((i) => [i.actor, i.personalData])).toEqual([
        [{ kind: 'agent', id: d.supervisor.id }, false],
        [{ kind: 'agent', id: d.auditor.id }, true],
        [{ kind: 'agent', id: d.agent.id }, false],
      ]);
      expect(Date.parse(dossiers[1].at)).toBe(auditorAt);

      expectProblem(await dossierProblem(d.supervisor.token, { includePersonalData: 'true' }), 403, 'PERSONAL_DATA_AUDITORS_ONLY');
      expectProblem(await dossierProblem(d.agent.token, { includePersonalData: 'true' }), 403, 'PERSONAL_DATA_AUDITORS_ONLY');
      expectProblem(await dossierProblem(d.key), 403, 'FORBIDDEN');
      const other = await team();
      expectProblem(await dossierProblem(other.auditor.token), 404, 'CASE_NOT_FOUND');
      expectProblem(await dossierProblem(other.supervisor.token, { includePersonalData: 'false' }), 404, 'CASE_NOT_FOUND');
      // Without a platform case id the file is named after the case id.
      const unnamed = await openCase(t, d.key);
      const unnamedRes = await t.http.get(`/v1/cases/${unnamed.id}/dossier`).set(bearer(d.agent.token)).buffer(true).parse(binaryParser);
      expect(unnamedRes.status).toBe(200);
      expect(parseDisposition(unnamedRes.headers['content-disposition']).parameters.filename).toBe(`dossier-${unnamed.id}.zip`);
      // The other shop's log does not show this shop's downloads.
      const otherLog = await t.http.get('/v1/audit/access-log').set(bearer(other.auditor.token));
      expect(otherLog.status).toBe(200);
      expect(otherLog.body.items).toEqual([]);
      expectProblem(await t.http.get('/v1/audit/access-log').set(bearer(d.agent.token)), 403, 'FORBIDDEN');
      expectProblem(await t.http.get('/v1/audit/access-log').set(bearer(d.key)), 403, 'FORBIDDEN');
    });
  });

  describe('GET /v1/audit/export', () => {
    let e: Team;
    let f: Team;
    const exportCases: Array<{ id: string; platformCaseId: string; orderId: string; type: string; buyer: { id: string; phone: string; address: string } }> = [];
    const otherCaseIds: string[] = [];
    let from: Date;
    let to: Date;

    const exportAs = (token: string, query: Record<string, string>) => t.http.get('/v1/audit/export').query(query).set(bearer(token));
    const exportBytes = (token: string, query: Record<string, string>) => exportAs(token, query).buffer(true).parse(binaryParser);

    async function openExportCase(type: 'refund' | 'return', buyer: { id: string; phone: string; address: string }) {
      const platformCaseId = `TB-EXP-${randomBytes(4).toString('hex')}`;
      const opened = await openCase(t, e.key, { type, platformCaseId, buyer: { ...buyer, nickname: '买家' } });
      exportCases.push({ id: opened.id, platformCaseId, orderId: opened.order.orderId, type, buyer });
      return opened.id as string;
    }

    /** Every event of the export shop with `at` in [from, to), in export order, with its case. */
    async function expectedRows(rangeFrom: Date, rangeTo: Date) {
      const rows: Array<{ c: (typeof exportCases)[number]; event: TimelineEntry }> = [];
      for (const c of exportCases) {
        for (const event of await timeline(c.id, e.key)) {
          const at = Date.parse(event.at);
          if (at >= rangeFrom.getTime() && at < rangeTo.getTime()) rows.push({ c, event });
        }
      }
      return rows.sort(
        (a, b) => Date.parse(a.event.at) - Date.parse(b.event.at) || (a.c.id < b.c.id ? -1 : a.c.id > b.c.id ? 1 : 0) || a.event.seq - b.event.seq,
      );
    }

    beforeAll(async () => {
      e = await team();
      f = await team();
      const buyerA = { id: 'tb_buyer_a', phone: '13800138000', address: '浙江省杭州市余杭区文一西路 969 号' };
      const buyerB = { id: 'tb_buyer_b', phone: '13912345678', address: '上海市浦东新区世纪大道 100 号, 3 楼 "A" 座' };
      t.clock.advanceHours(1);
      // t0: outside the range (before it).
      const first = await openExportCase('refund', buyerA);
      t.clock.advanceHours(1);
      from = t.clock.now();
      // t1 = from: inside (inclusive).
      await send(t, e.agent.token, first, { type: 'CONTACT_BUYER', note: '买家说："鞋底,开胶"\n第二行' });
      const second = await openExportCase('return', buyerB);
      otherCaseIds.push((await openCase(t, f.key)).id);
      t.clock.advance(30 * MINUTE);
      // t1 + 30 min: inside.
      await send(t, e.agent.token, first, { type: 'VERIFY', verifiedReasonCode: 'quality_problem', findings: '照片确认, 开胶' });
      await send(t, e.agent.token, second, { type: 'CONTACT_BUYER', note: '已联系' });
      const third = await openExportCase('refund', buyerA);
      await send(t, f.agent.token, otherCaseIds[0], { type: 'CONTACT_BUYER', note: '别家的' });
      t.clock.advance(30 * MINUTE);
      to = t.clock.now();
      // t2 = to: outside (exclusive).
      await send(t, e.agent.token, third, { type: 'CONTACT_BUYER', note: '边界上的事件' });
      await send(t, e.agent.token, second, { type: 'VERIFY', verifiedReasonCode: 'quality_problem', findings: '核实' });
      otherCaseIds.push((await openCase(t, f.key)).id);
      t.clock.advanceHours(1);
      await send(t, e.agent.token, first, { type: 'APOLOGISE', note: '抱歉' });
    });

    it('should export as CSV exactly the shop’s events in [from, to), ordered, masked, with the row count in a header', async () => {
      const expected = await expectedRows(from, to);
      expect(expected.length).toBeGreaterThan(3);
      // The boundaries are real: events exist just before `from` and exactly at `to`.
      const all = await expectedRows(new Date(0), new Date(8.64e15));
      expect(all.some((r) => Date.parse(r.event.at) < from.getTime())).toBe(true);
      expect(all.some((r) => Date.parse(r.event.at) === to.getTime())).toBe(true);

      const res = await exportAs(e.supervisor.token, { from: from.toISOString(), to: to.toISOString(), format: 'csv' });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv; ?charset=utf-8$/i);
      expect(res.headers['content-disposition']).toMatch(/^attachment/);
      expect(res.headers['x-export-rows']).toBe(String(expected.length));
      expect(res.headers['transfer-encoding']).toBe('chunked');

      const text: string = res.text;
      expect(text.replace(/\r\n/g, '')).not.toContain('\n'); // CRLF line ends only
      const { header, rows } = csvObjects(text);
      expect(header).toEqual(EXPORT_COLUMNS);
      expect(rows).toHaveLength(expected.length);
      expect(rows.map((r) => [r.caseId, Number(r.seq)])).toEqual(expected.map(({ c, event }) => [c.id, event.seq]));
      for (const [index, { c, event }] of expected.entries()) {
        const row = rows[index];
        expect(row).toEqual({
          caseId: c.id,
          platformCaseId: c.platformCaseId,
          orderId: c.orderId,
          caseType: c.type,
          seq: String(event.seq),
          type: event.type,
          actorKind: event.actor.kind,
          actorId: event.actor.id,
          fromState: event.fromState ?? '',
          toState: event.toState,
          at: row.at,
          payload: row.payload,
          prevHash: event.prevHash,
          hash: event.hash,
          buyerId: c.buyer.id,
          buyerPhone: maskPhone(c.buyer.phone),
          buyerAddress: maskAddress(c.buyer.address),
        });
        expect(Date.parse(row.at)).toBe(Date.parse(event.at));
        expect(JSON.parse(row.payload)).toEqual(event.payload);
      }
      expect(rows.some((r) => otherCaseIds.includes(r.caseId))).toBe(false);
      expect(text).not.toContain('13800138000');
      expect(text).not.toContain('13912345678');
    });

    it('should export the same rows as NDJSON, taking RFC 3339 times with any offset', async () => {
      const expected = await expectedRows(from, to);
      t.clock.advance(MINUTE);
      const inShanghai = (d: Date) => new Date(d.getTime() + 8 * HOUR).toISOString().replace('Z', '+08:00');
      const res = await exportBytes(e.auditor.token, { from: inShanghai(from), to: inShanghai(to), format: 'ndjson' });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
      expect(res.headers['x-export-rows']).toBe(String(expected.length));
      const lines = (res.body as Buffer)
        .toString('utf8')
        .split('\n')
        .filter((line) => line.trim() !== '');
      expect(lines).toHaveLength(expected.length);
      const rows = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      for (const [index, { c, event }] of expected.entries()) {
        const row = rows[index];
        expect(Object.keys(row)).toEqual(EXPORT_COLUMNS);
        expect({ ...row, at: Date.parse(row.at as string) }).toEqual({
          caseId: c.id,
          platformCaseId: c.platformCaseId,
          orderId: c.orderId,
          caseType: c.type,
          seq: event.seq,
          type: event.type,
          actorKind: event.actor.kind,
          actorId: event.actor.id,
          fromState: event.fromState,
          toState: event.toState,
          at: Date.parse(event.at),
          payload: event.payload,
          prevHash: event.prevHash,
          hash: event.hash,
          buyerId: c.buyer.id,
          buyerPhone: maskPhone(c.buyer.phone),
          buyerAddress: maskAddress(c.buyer.address),
        });
      }
    });

    it('should unmask personal data only for auditors who ask, and log every export', async () => {
      const expected = await expectedRows(from, to);
      t.clock.advance(MINUTE);
      const res = await exportAs(e.auditor.token, { from: from.toISOString(), to: to.toISOString(), includePersonalData: 'true' });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv/); // csv by default
      const { rows } = csvObjects(res.text);
      expect(rows).toHaveLength(expected.length);
      for (const [index, { c }] of expected.entries()) {
        expect({ phone: rows[index].buyerPhone, address: rows[index].buyerAddress }).toEqual({ phone: c.buyer.phone, address: c.buyer.address });
      }

      const log = await t.http.get('/v1/audit/access-log').set(bearer(e.auditor.token));
      expect(log.status).toBe(200);
      expect(log.body).toMatchObject({ items: expect.any(Array), nextCursor: null });
      const exports = (
        log.body.items as Array<{ id: string; action: string; personalData: boolean; actor: { kind: string; id: string }; at: string; params: unknown }>
      ).filter((i) => i.action === 'audit.export');
      // Newest first: this one, then the NDJSON and CSV exports of the previous tests.
      expect(exports.map((i) => [i.actor, i.personalData])).toEqual([
        [{ kind: 'agent', id: e.auditor.id }, true],
        [{ kind: 'agent', id: e.auditor.id }, false],
        [{ kind: 'agent', id: e.supervisor.id }, false],
      ]);
      expect(Date.parse(exports[0].at)).toBe(t.clock.now().getTime());
      expect(exports[0].params).toEqual(expect.any(Object));
      expect(new Set(exports.map((i) => i.id)).size).toBe(exports.length);
      // Nothing of this shop shows in the other shop's log.
      expect((await t.http.get('/v1/audit/access-log').set(bearer(f.supervisor.token))).body.items).toEqual([]);
      // Supervisors export, but never unmasked.
      expectProblem(
        await exportAs(e.supervisor.token, { from: from.toISOString(), to: to.toISOString(), includePersonalData: 'true' }),
        403,
        'PERSONAL_DATA_AUDITORS_ONLY',
      );
    });

    it('should page the access log newest first with nextCursor and hasMore', async () => {
      const all = (await t.http.get('/v1/audit/access-log').set(bearer(e.supervisor.token))).body.items as Array<{ id: string }>;
      expect(all.length).toBeGreaterThanOrEqual(3);
      const seen: string[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < all.length + 2; page++) {
        const res: { status: number; body: { items: Array<{ id: string }>; nextCursor: string | null; hasMore?: boolean } } = await t.http
          .get('/v1/audit/access-log')
          .query(cursor ? { limit: 1, cursor } : { limit: 1 })
          .set(bearer(e.supervisor.token));
        expect(res.status).toBe(200);
        expect(res.body.items).toHaveLength(1);
        seen.push(res.body.items[0].id);
        const last = seen.length === all.length;
        expect({ page, hasMore: res.body.hasMore, nextCursor: res.body.nextCursor === null }).toEqual({ page, hasMore: !last, nextCursor: last });
        if (last) break;
        cursor = res.body.nextCursor;
      }
      expect(seen).toEqual(all.map((item) => item.id));
    });

    it('should refuse agents and the API key, and name the bad parameter', async () => {
      const range = { from: from.toISOString(), to: to.toISOString() };
      expectProblem(await exportAs(e.agent.token, range), 403, 'FORBIDDEN');
      expectProblem(await exportAs(e.key, range), 403, 'FORBIDDEN');

      const fieldsOf = (res: { body: { errors?: Array<{ field: string }> } }) => (res.body.errors ?? []).map((err) => err.field);
      const badRanges: Array<Record<string, string>> = [
        { from: to.toISOString(), to: from.toISOString() },
        { from: from.toISOString(), to: from.toISOString() },
        { from: from.toISOString() },
      ];
      for (const query of badRanges) {
        const res = await exportAs(e.supervisor.token, query);
        expectProblem(res, 400, 'VALIDATION_FAILED');
        expect(fieldsOf(res)).toContain('to');
        expect(fieldsOf(res)).not.toContain('from');
      }
      const badFormat = await exportAs(e.supervisor.token, { ...range, format: 'xml' });
      expectProblem(badFormat, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(badFormat)).toEqual(['format']);
      for (const badFrom of [undefined, 'yesterday', from.toISOString().replace('Z', '')]) {
        const res = await exportAs(e.supervisor.token, badFrom === undefined ? { to: range.to } : { from: badFrom, to: range.to });
        expectProblem(res, 400, 'VALIDATION_FAILED');
        expect(fieldsOf(res)).toContain('from');
      }
    });

    it('should stream every row of an export larger than one cursor batch', async () => {
      const g = await team();
      t.clock.advanceHours(1);
      const start = t.clock.now();
      const opened: string[] = [];
      // 3 events per case, spread over a few clock ticks: well over two batches of EXPORT_BATCH_ROWS.
      const caseCount = Math.ceil((2.5 * EXPORT_BATCH_ROWS) / 3);
      for (let i = 0; i < caseCount; i += 10) {
        const ids = await Promise.all(Array.from({ length: Math.min(10, caseCount - i) }, async () => (await openCase(t, g.key)).id as string));
        await Promise.all(ids.map((id) => send(t, g.agent.token, id, { type: 'CONTACT_BUYER', note: '批量' })));
        await Promise.all(ids.map((id) => send(t, g.agent.token, id, { type: 'VERIFY', verifiedReasonCode: 'quality_problem', findings: '核实' })));
        opened.push(...ids);
        t.clock.advance(MINUTE);
      }
      const end = t.clock.now();
      const expected: Array<{ caseId: string; seq: number; at: number; hash: string }> = [];
      for (const id of opened)
        for (const event of await timeline(id, g.key)) expected.push({ caseId: id, seq: event.seq, at: Date.parse(event.at), hash: event.hash });
      expected.sort((a, b) => a.at - b.at || (a.caseId < b.caseId ? -1 : a.caseId > b.caseId ? 1 : 0) || a.seq - b.seq);
      expect(expected.length).toBeGreaterThan(2 * EXPORT_BATCH_ROWS);

      const csv = await exportAs(g.auditor.token, { from: start.toISOString(), to: end.toISOString() });
      expect(csv.status).toBe(200);
      expect(csv.headers['x-export-rows']).toBe(String(expected.length));
      const { rows } = csvObjects(csv.text);
      expect(rows.map((r) => ({ caseId: r.caseId, seq: Number(r.seq), at: Date.parse(r.at), hash: r.hash }))).toEqual(expected);

      const ndjson = await exportBytes(g.supervisor.token, { from: start.toISOString(), to: end.toISOString(), format: 'ndjson' });
      expect(ndjson.headers['x-export-rows']).toBe(String(expected.length));
      const lines = (ndjson.body as Buffer)
        .toString('utf8')
        .split('\n')
        .filter((line) => line.trim() !== '');
      expect(lines.map((line) => JSON.parse(line)).map((r) => ({ caseId: r.caseId, seq: r.seq, at: Date.parse(r.at), hash: r.hash }))).toEqual(expected);

      // Events written while an export runs: X-Export-Rows and the rows come from the same snapshot.
      const wideTo = new Date(end.getTime() + HOUR).toISOString();
      const writers = opened.slice(0, 20);
      const [during] = await Promise.all([
        exportAs(g.auditor.token, { from: start.toISOString(), to: wideTo }),
        ...writers.map((id) => send(t, g.agent.token, id, { type: 'APOLOGISE', note: '并发写入' })),
      ]);
      expect(during.status).toBe(200);
      const duringRows = csvObjects(during.text).rows;
      expect(during.headers['x-export-rows']).toBe(String(duringRows.length));
      expect(duringRows.length).toBeGreaterThanOrEqual(expected.length);
      expect(duringRows.length).toBeLessThanOrEqual(expected.length + writers.length);
      const after = await exportAs(g.auditor.token, { from: start.toISOString(), to: wideTo });
      expect(after.headers['x-export-rows']).toBe(String(expected.length + writers.length));
      expect(csvObjects(after.text).rows).toHaveLength(expected.length + writers.length);
    });

    it('should keep at most six characters of an address and always hide its last four', async () => {
      const s = await team();
      const buyer = { id: 'tb_short', nickname: '短', phone: '13512345678', address: '北京市朝阳区三里屯' };
      t.clock.advanceHours(1);
      const rangeFrom = t.clock.now();
      await openCase(t, s.key, { buyer });
      t.clock.advance(MINUTE);
      const res = await exportAs(s.supervisor.token, { from: rangeFrom.toISOString(), to: t.clock.now().toISOString() });
      expect(res.status).toBe(200);
      const { rows } = csvObjects(res.text);
      expect(rows).toHaveLength(1);
      // Nine characters: six would leave only three hidden, so five are kept.
      expect({ phone: rows[0].buyerPhone, address: rows[0].buyerAddress }).toEqual({ phone: '135****5678', address: '北京市朝阳****' });
    });

    it('should answer a range without events with the header line only', async () => {
      const empty = { from: '2020-01-01T00:00:00+08:00', to: '2020-01-02T00:00:00+08:00' };
      const csv = await exportAs(e.supervisor.token, { ...empty, format: 'csv' });
      expect(csv.status).toBe(200);
      expect(csv.headers['x-export-rows']).toBe('0');
      expect(parseCsv(csv.text)).toEqual([EXPORT_COLUMNS]);
      const ndjson = await exportBytes(e.supervisor.token, { ...empty, format: 'ndjson' });
      expect(ndjson.status).toBe(200);
      expect(ndjson.headers['x-export-rows']).toBe('0');
      expect((ndjson.body as Buffer).toString('utf8').trim()).toBe('');
    });
  });
});
