import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { DataSource } from 'typeorm';
import { EvidenceOrphanCollector } from '../src/evidence/evidence-orphan-collector.js';
import { EvidenceStorage } from '../src/evidence/storage/evidence-storage.js';
import { openCase, send } from './support/cases.js';
import { aroundPut, binaryParser, blobPath, gate, pngBytes, sha256, walkFiles } from './support/evidence-files.js';
import { bearer, createAgent, createApiKey, createShop, expectProblem, type AgentFixture } from './support/fixtures.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { unzip } from './support/zip.js';

const SECOND = 1000;
const MINUTE = 60_000;
const HOUR = 3_600_000;

/**
 * Blobs in the local store that no evidence references (uploads refused after their bytes went in) are
 * collected after EVIDENCE_ORPHAN_GRACE_HOURS; blobs that evidence references, or that an upload is
 * about to reference, never are. Evidence whose blob is gone is a clear problem, logged as an error.
 */
describe('evidence blobs: orphans and losses', () => {
  let t: TestApp;
  let evidenceDir: string;
  let key: string;
  let supervisor: AgentFixture;
  const logged: Array<{ level: number; [field: string]: unknown }> = [];

  beforeAll(async () => {
    evidenceDir = await mkdtemp(join(tmpdir(), 'evidence-orphans-'));
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) logged.push(JSON.parse(line));
        done();
      },
    });
    t = await createTestApp(
      { EVIDENCE_DIR: evidenceDir, SESSION_TTL_HOURS: String(24 * 90), EVIDENCE_ORPHAN_GRACE_HOURS: '24' },
      pino({ level: 'warn' }, sink),
    );
    const shop = await createShop(t);
    key = (await createApiKey(t, shop.id)).key;
    supervisor = await createAgent(t, shop, 'supervisor');
  });
  afterAll(async () => {
    await t?.close();
    if (evidenceDir) await rm(evidenceDir, { recursive: true, force: true });
  });

  const collector = () => t.app.get(EvidenceOrphanCollector);
  const storage = () => t.app.get(EvidenceStorage);
  const stored = (bytes: Buffer) =>
    stat(blobPath(evidenceDir, sha256(bytes))).then(
      () => true,
      () => false,
    );
  const upload = (caseId: string, bytes: Buffer, filename: string, fields: Record<string, string> = { party: 'merchant', kind: 'photo' }) => {
    let req = t.http.post(`/v1/cases/${caseId}/evidence`).set(bearer(key));
    for (const [name, value] of Object.entries(fields)) req = req.field(name, value);
    return req.attach('file', bytes, { filename, contentType: 'image/png' });
  };
  async function recorded(caseId: string, bytes: Buffer, filename: string) {
    const res = await upload(caseId, bytes, filename);
    if (res.status !== 201) throw new Error(`upload ${filename}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { id: string; sha256: string; downloadUrl: string };
  }
  const download = (url: string) => t.http.get(url).set(bearer(key)).buffer(true).parse(binaryParser);
  const uploadRows = async (bytes: Buffer) =>
    Number((await t.app.get(DataSource).query(`SELECT count(*) AS n FROM evidence_blob_uploads WHERE sha256 = $1`, [sha256(bytes)]))[0].n);

  /**
   * Merchant evidence that the store takes just before the platform's evidence window closes: the check
   * under the case lock then refuses it, and its bytes stay in the store with nothing referring to them.
   */
  async function refusedAfterStore(bytes: Buffer, filename: string): Promise<void> {
    const opened = await openCase(t, key);
    await send(t, key, opened.id, { type: 'PLATFORM_INTERVENED' });
    t.clock.advance(48 * HOUR - SECOND);
    const restore = aroundPut(storage(), async (put) => {
      await put();
      t.clock.advance(2 * SECOND);
    });
    try {
      expectProblem(await upload(opened.id, bytes, filename), 409, 'EVIDENCE_WINDOW_CLOSED');
    } finally {
      restore();
    }
    expect(await stored(bytes)).toBe(true);
    expect(await uploadRows(bytes)).toBe(1);
  }

  describe('orphaned blobs', () => {
    it('should delete the blob of an upload refused after the store took it, once the grace period is over', async () => {
      const bytes = pngBytes(4001);
      await refusedAfterStore(bytes, 'refused.png');

      expect(await collector().collect()).toMatchObject({ deleted: 0 });
      t.clock.advance(23 * HOUR);
      await collector().collect();
      expect(await stored(bytes)).toBe(true);

      t.clock.advance(HOUR + MINUTE);
      const result = await collector().collect();
      expect(result.deleted).toBeGreaterThanOrEqual(1);
      expect(await stored(bytes)).toBe(false);
      expect(await uploadRows(bytes)).toBe(0);
      // Nothing but blobs was touched: the spool is empty, and every blob left is referenced.
      expect(await walkFiles(join(evidenceDir, '.incoming'))).toEqual([]);
    });

    it('should keep a blob that evidence references, though an upload of the same bytes was refused', async () => {
      const bytes = pngBytes(4002);
      const kept = await recorded((await openCase(t, key)).id, bytes, 'kept.png');
      await refusedAfterStore(bytes, 'same-bytes-refused.png');

      t.clock.advance(25 * HOUR);
      await collector().collect();
      expect(await stored(bytes)).toBe(true);
      expect(await uploadRows(bytes)).toBe(0);
      const res = await download(kept.downloadUrl);
      expect(res.status).toBe(200);
      expect((res.body as Buffer).equals(bytes)).toBe(true);
    });

    it('should keep a blob that an upload in progress has just stored again, and let that upload finish', async () => {
      const bytes = pngBytes(4003);
      await refusedAfterStore(bytes, 'abandoned.png');
      t.clock.advance(25 * HOUR);

      // The same bytes again: the store already has them; the upload is held before it records them.
      const held = gate();
      const restore = aroundPut(storage(), async (put) => {
        await put();
        await held.wait();
      });
      let inProgress;
      try {
        inProgress = upload((await openCase(t, key)).id, bytes, 'again.png', { party: 'buyer', kind: 'photo' }).then((res) => res);
        await held.reached;
        expect(await collector().collect()).toMatchObject({ deleted: 0 });
        expect(await stored(bytes)).toBe(true);
      } finally {
        restore();
        held.open();
      }
      const res = await inProgress;
      expect(res.status).toBe(201);
      expect(((await download(res.body.downloadUrl)).body as Buffer).equals(bytes)).toBe(true);
      // Now referenced: still kept a grace period later.
      t.clock.advance(25 * HOUR);
      await collector().collect();
      expect(await stored(bytes)).toBe(true);
      expect(await uploadRows(bytes)).toBe(0);
    });

    it('should let one collector at a time do the work', async () => {
      const bytes = [pngBytes(4004), pngBytes(4005)];
      for (const [i, b] of bytes.entries()) await refusedAfterStore(b, `race-${i}.png`);
      t.clock.advance(25 * HOUR);
      const runs = await Promise.all([collector().collect(), collector().collect(), collector().collect()]);
      expect(runs.reduce((sum, run) => sum + run.deleted, 0)).toBe(2);
      for (const b of bytes) expect(await stored(b)).toBe(false);
    });
  });

  describe('a blob missing from the store', () => {
    it('should answer 500 EVIDENCE_BLOB_MISSING for the file and the dossier, log it as an error, and keep serving', async () => {
      const opened = await openCase(t, key);
      const bytes = pngBytes(4100);
      const lost = await recorded(opened.id, bytes, 'lost.png');
      await rm(blobPath(evidenceDir, lost.sha256));
      logged.length = 0;

      const res = await t.http.get(lost.downloadUrl).set(bearer(key));
      expectProblem(res, 500, 'EVIDENCE_BLOB_MISSING');
      expect(res.body.missing).toEqual([{ evidenceId: lost.id, sha256: lost.sha256 }]);
      expect(res.body.detail).toContain(lost.id);
      expect(logged).toContainEqual(expect.objectContaining({ level: 50, caseId: opened.id, missing: [{ evidenceId: lost.id, sha256: lost.sha256 }] }));

      logged.length = 0;
      const dossier = await t.http.get(`/v1/cases/${opened.id}/dossier`).set(bearer(supervisor.token));
      expectProblem(dossier, 500, 'EVIDENCE_BLOB_MISSING');
      expect(dossier.body.missing).toEqual([{ evidenceId: lost.id, sha256: lost.sha256 }]);
      expect(logged).toContainEqual(expect.objectContaining({ level: 50, caseId: opened.id, missing: [{ evidenceId: lost.id, sha256: lost.sha256 }] }));
      // No dossier was handed out, so none is in the access log.
      const log = await t.http.get('/v1/audit/access-log').set(bearer(supervisor.token));
      expect(log.body.items.filter((entry: { params: { caseId?: string } }) => entry.params.caseId === opened.id)).toEqual([]);

      // Once the blob is back, both are served again.
      const restored = await recorded((await openCase(t, key)).id, bytes, 'restored.png');
      expect(restored.sha256).toBe(lost.sha256);
      expect(((await download(lost.downloadUrl)).body as Buffer).equals(bytes)).toBe(true);
      const whole = await t.http.get(`/v1/cases/${opened.id}/dossier`).set(bearer(supervisor.token)).buffer(true).parse(binaryParser);
      expect(whole.status).toBe(200);
      expect((await unzip(whole.body as Buffer)).get('evidence/001-lost.png')!.equals(bytes)).toBe(true);
    });
  });
});
