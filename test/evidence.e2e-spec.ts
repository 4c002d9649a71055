import { createHash, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import canonicalize from 'canonicalize';
import { parse as parseDisposition } from 'content-disposition';
import { reasonByCode } from '../src/reasons/reason-catalog.js';
import { openCase, send, sweeperOf, type TimelineEntry } from './support/cases.js';
import { bearer, createAgent, createApiKey, createShop, expectProblem, type AgentFixture, type ShopFixture } from './support/fixtures.js';
import { EvidenceStorage } from '../src/evidence/storage/evidence-storage.js';
import {
  aroundPut,
  binaryParser,
  blobPath,
  elfBytes,
  gate,
  jpegBytes,
  pdfBytes,
  peBytes,
  pngBytes,
  rawMultipart,
  snapshotFiles,
  walkFiles,
} from './support/evidence-files.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { unzip } from './support/zip.js';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const MAX_BYTES = 1_048_576;
const ALLOWED_TYPES = [
  'image/jpeg',
  'image/png',
  'image/webp',
  'image/gif',
  'image/heic',
  'image/heif',
  'video/mp4',
  'video/quicktime',
  'application/pdf',
  'text/plain',
];

interface EvidenceView {
  id: string;
  caseId: string;
  party: string;
  kind: string;
  note: string | null;
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  uploadedAt: string;
  uploadedBy: { kind: string; id: string };
  submitted: boolean;
  submittedAt: string | null;
  auditSeq: number;
  downloadUrl: string;
}

interface EvidenceList {
  items: EvidenceView[];
  checklist: Array<{ kind: string; provided: boolean; count: number }>;
  checklistReason: string;
  submission: null | { submittedAt: string; packageSha256: string; evidenceIds: string[] };
}

interface FileToSend {
  bytes: Buffer;
  filename: string;
  /** What the client claims; the server must not trust it. */
  contentType?: string;
}

const digest = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('evidence uploads (POST /v1/cases/:caseId/evidence) and the platform dispute', () => {
  let t: TestApp;
  /** mkdtemp root; the store lives two levels below it so writes that escape it can be seen. */
  let base: string;
  let evidenceDir: string;
  let shop: ShopFixture;
  let key: string;
  let keyId: string;
  let agent: AgentFixture;
  let supervisor: AgentFixture;
  let auditor: AgentFixture;
  let otherKey: string;

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'evidence-e2e-'));
    evidenceDir = join(base, 'store', 'evidence');
    await mkdir(evidenceDir, { recursive: true });
    // The dispute tests move the clock by days: keep agent sessions alive across it.
    // A retry waits this long for an upload still in flight under its Idempotency-Key before 409.
    t = await createTestApp({
      EVIDENCE_DIR: evidenceDir,
      EVIDENCE_MAX_BYTES: String(MAX_BYTES),
      SESSION_TTL_HOURS: String(24 * 90),
      IDEMPOTENCY_WAIT_MS: '300',
    });
    shop = await createShop(t);
    const apiKey = await createApiKey(t, shop.id);
    key = apiKey.key;
    keyId = apiKey.id;
    agent = await createAgent(t, shop, 'agent');
    supervisor = await createAgent(t, shop, 'supervisor');
    auditor = await createAgent(t, shop, 'auditor');
    const other = await createShop(t);
    otherKey = (await createApiKey(t, other.id)).key;
  });
  afterAll(async () => {
    await t?.close();
    if (base) await rm(base, { recursive: true, force: true });
  });

  function upload(caseId: string, token: string, file: FileToSend | null, fields: Record<string, string | undefined> = { party: 'merchant', kind: 'photo' }) {
    let req = t.http.post(`/v1/cases/${caseId}/evidence`).set(bearer(token));
    for (const [name, value] of Object.entries(fields)) if (value !== undefined) req = req.field(name, value);
    if (file) req = req.attach('file', file.bytes, { filename: file.filename, contentType: file.contentType ?? 'application/octet-stream' });
    return req;
  }
  /** Uploads and insists on 201. */
  async function uploaded(caseId: string, token: string, file: FileToSend, fields?: Record<string, string | undefined>): Promise<EvidenceView> {
    const res = await upload(caseId, token, file, fields);
    if (res.status !== 201) throw new Error(`upload ${file.filename}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }
  const uploadRaw = (caseId: string, token: string, parts: Parameters<typeof rawMultipart>[0]) => {
    const { contentType, body } = rawMultipart(parts);
    return t.http.post(`/v1/cases/${caseId}/evidence`).set(bearer(token)).set('Content-Type', contentType).send(body);
  };
  const download = (caseId: string, evidenceId: string, token = key) =>
    t.http.get(`/v1/cases/${caseId}/evidence/${evidenceId}/content`).set(bearer(token)).buffer(true).parse(binaryParser);
  const downloadProblem = (caseId: string, evidenceId: string, token = key) =>
    t.http.get(`/v1/cases/${caseId}/evidence/${evidenceId}/content`).set(bearer(token));
  async function list(caseId: string, token = key): Promise<EvidenceList> {
    const res = await t.http.get(`/v1/cases/${caseId}/evidence`).set(bearer(token));
    if (res.status !== 200) throw new Error(`list evidence: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }
  async function getCase(caseId: string) {
    const res = await t.http.get(`/v1/cases/${caseId}`).set(bearer(key));
    if (res.status !== 200) throw new Error(`get case: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }
  async function timeline(caseId: string): Promise<TimelineEntry[]> {
    const res = await t.http.get(`/v1/cases/${caseId}/events`).set(bearer(key));
    if (res.status !== 200) throw new Error(`timeline: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }
  const postEvent = (caseId: string, token: string, event: Record<string, unknown>) => t.http.post(`/v1/cases/${caseId}/events`).set(bearer(token)).send(event);

  /** `.incoming` holds upload temp files only while an upload runs; the response comes after the clean-up. */
  async function expectIncomingEmpty(): Promise<void> {
    expect(await walkFiles(join(evidenceDir, '.incoming'))).toEqual([]);
  }

  /** What a refused upload must leave untouched. */
  async function storeState(caseId: string) {
    await expectIncomingEmpty();
    const [evidence, events, view, files, everything] = await Promise.all([
      list(caseId),
      timeline(caseId),
      getCase(caseId),
      snapshotFiles(evidenceDir),
      walkFiles(base),
    ]);
    return { evidence: evidence.items, events, version: view.version, files, everything };
  }
  async function expectNothingStored(caseId: string, before: Awaited<ReturnType<typeof storeState>>): Promise<void> {
    const after = await storeState(caseId);
    expect(after.evidence).toEqual(before.evidence);
    expect(after.events).toEqual(before.events);
    expect(after.events.filter((e) => e.type === 'EVIDENCE_ADDED')).toEqual(before.events.filter((e) => e.type === 'EVIDENCE_ADDED'));
    expect(after.version).toBe(before.version);
    expect(after.files).toEqual(before.files);
    expect(after.everything).toEqual(before.everything);
  }

  describe('storing files', () => {
    it('should store an image and a PDF content-addressed and serve back the same bytes', async () => {
      const opened = await openCase(t, key);
      const png = pngBytes(1);
      const pdf = pdfBytes('invoice 2026-001');

      const imageRes = await upload(
        opened.id,
        agent.token,
        { bytes: png, filename: 'sole.png', contentType: 'image/png' },
        { party: 'merchant', kind: 'photo', note: '鞋底开胶特写' },
      );
      expect(imageRes.status).toBe(201);
      const image: EvidenceView = imageRes.body;
      expect(image).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        caseId: opened.id,
        party: 'merchant',
        kind: 'photo',
        note: '鞋底开胶特写',
        filename: 'sole.png',
        contentType: 'image/png',
        size: png.length,
        sha256: digest(png),
        uploadedAt: expect.any(String),
        uploadedBy: { kind: 'agent', id: agent.id },
        submitted: false,
        submittedAt: null,
        auditSeq: expect.any(Number),
        downloadUrl: `/v1/cases/${opened.id}/evidence/${image.id}/content`,
      });
      expect(Date.parse(image.uploadedAt)).toBe(t.clock.now().getTime());
      expect(imageRes.headers.location).toBe(`/v1/cases/${opened.id}/evidence/${image.id}`);

      const pdfRes = await upload(opened.id, key, { bytes: pdf, filename: 'invoice.pdf', contentType: 'application/pdf' }, { party: 'buyer', kind: 'invoice' });
      expect(pdfRes.status).toBe(201);
      const doc: EvidenceView = pdfRes.body;
      expect(doc).toMatchObject({
        party: 'buyer',
        kind: 'invoice',
        note: null,
        filename: 'invoice.pdf',
        contentType: 'application/pdf',
        size: pdf.length,
        sha256: digest(pdf),
      });
      expect(doc.id).not.toBe(image.id);

      // The blobs sit at <dir>/<sha[0:2]>/<sha[2:4]>/<sha> with the uploaded bytes.
      expect((await readFile(blobPath(evidenceDir, image.sha256))).equals(png)).toBe(true);
      expect((await readFile(blobPath(evidenceDir, doc.sha256))).equals(pdf)).toBe(true);

      for (const [view, bytes, type] of [
        [image, png, 'image/png'],
        [doc, pdf, 'application/pdf'],
      ] as const) {
        const res = await download(opened.id, view.id);
        expect(res.status).toBe(200);
        expect(Buffer.isBuffer(res.body)).toBe(true);
        expect((res.body as Buffer).equals(bytes)).toBe(true);
        expect(res.headers['content-type']).toMatch(new RegExp(`^${type.replace('/', '\\/')}(;|$)`));
        expect(res.headers['content-length']).toBe(String(bytes.length));
        expect(res.headers['content-disposition']).toMatch(/^attachment;/);
        expect(parseDisposition(res.headers['content-disposition']).parameters.filename).toBe(view.filename);
        expect(res.headers.etag).toBe(`"${digest(bytes)}"`);
        expect(res.headers['x-content-type-options']).toBe('nosniff'); // README: downloads are never sniffed
      }
      // The download URL of the view is the one that works.
      expect((await t.http.get(image.downloadUrl).set(bearer(agent.token)).buffer(true).parse(binaryParser)).status).toBe(200);

      const listed = await list(opened.id, agent.token);
      expect(listed.items).toEqual([image, doc]);
    });

    it('should detect the type from the bytes, not from the content type the client declared', async () => {
      const opened = await openCase(t, key);
      const png = pngBytes(2);
      const asPdf = await uploaded(opened.id, agent.token, { bytes: png, filename: 'photo.png', contentType: 'application/pdf' });
      expect(asPdf).toMatchObject({ contentType: 'image/png', filename: 'photo.png', sha256: digest(png) });
      expect((await download(opened.id, asPdf.id)).headers['content-type']).toMatch(/^image\/png(;|$)/);

      const pdf = pdfBytes('declared as png');
      expect(await uploaded(opened.id, agent.token, { bytes: pdf, filename: 'report.pdf', contentType: 'image/png' })).toMatchObject({
        contentType: 'application/pdf',
      });

      const jpeg = jpegBytes();
      expect(await uploaded(opened.id, agent.token, { bytes: jpeg, filename: 'shoe.jpeg', contentType: 'text/plain' })).toMatchObject({
        contentType: 'image/jpeg',
        filename: 'shoe.jpeg',
      });

      // Plain UTF-8 text without a binary signature is a .txt; a note of exactly 2000 characters is fine.
      const text = Buffer.from('买家聊天记录\r\n2026-11-02 09:00\t鞋底开胶\n', 'utf8');
      const note = '注'.repeat(2000);
      const chat = await uploaded(
        opened.id,
        agent.token,
        { bytes: text, filename: 'chat.txt', contentType: 'image/png' },
        { party: 'buyer', kind: 'chat_log', note },
      );
      expect(chat).toMatchObject({ contentType: expect.stringMatching(/^text\/plain/), size: text.length, note });
      const chatRes = await download(opened.id, chat.id);
      expect((chatRes.body as Buffer).equals(text)).toBe(true);
      expect(chatRes.headers['content-type']).toMatch(/^text\/plain/);

      // A name without an extension gets the detected type's extension.
      expect(await uploaded(opened.id, agent.token, { bytes: pngBytes(3), filename: 'IMG_0042' })).toMatchObject({
        filename: 'IMG_0042.png',
        contentType: 'image/png',
      });
    });

    it('should accept a file of exactly EVIDENCE_MAX_BYTES', async () => {
      const opened = await openCase(t, key);
      const big = pngBytes(4, MAX_BYTES);
      expect(big.length).toBe(MAX_BYTES);
      const view = await uploaded(opened.id, agent.token, { bytes: big, filename: 'big.png' });
      expect(view).toMatchObject({ size: MAX_BYTES, sha256: digest(big), contentType: 'image/png' });
      expect((await readFile(blobPath(evidenceDir, view.sha256))).equals(big)).toBe(true);
      await expectIncomingEmpty();
    });

    it('should refuse a file just over EVIDENCE_MAX_BYTES with 413 and keep no row, no event and no file', async () => {
      const opened = await openCase(t, key);
      const kept = await uploaded(opened.id, agent.token, { bytes: pngBytes(5), filename: 'kept.png' });
      const before = await storeState(opened.id);
      expect(before.evidence.map((e) => e.id)).toEqual([kept.id]);

      const tooBig = pngBytes(6, MAX_BYTES + 1);
      const res = await upload(opened.id, agent.token, { bytes: tooBig, filename: 'too-big.png', contentType: 'image/png' });
      expectProblem(res, 413, 'EVIDENCE_TOO_LARGE');
      expect(res.body.maxBytes).toBe(MAX_BYTES);

      await expectNothingStored(opened.id, before);
      expect((await timeline(opened.id)).filter((e) => e.type === 'EVIDENCE_ADDED')).toHaveLength(1);
      expect(await walkFiles(join(evidenceDir, '.incoming'))).toEqual([]);
      // Not stored under its own hash either, nor under the hash of its first MiB.
      const allFiles = await walkFiles(evidenceDir);
      expect(allFiles.some((path) => path.endsWith(digest(tooBig)))).toBe(false);
      expect(allFiles.some((path) => path.endsWith(digest(tooBig.subarray(0, MAX_BYTES))))).toBe(false);
    });

    it('should refuse bytes of a type not allowed or disagreeing with the file name with 415, storing nothing', async () => {
      const opened = await openCase(t, key);
      const before = await storeState(opened.id);

      const pngAsExe = await upload(opened.id, agent.token, { bytes: pngBytes(9), filename: 'photo.exe', contentType: 'image/png' });
      expectProblem(pngAsExe, 415, 'EVIDENCE_TYPE_MISMATCH');
      expect(pngAsExe.body.detectedType).toBe('image/png');
      expect(String(pngAsExe.body.extension)).toMatch(/exe$/);

      // Both allowed types, but the name says JPEG and the bytes say PNG.
      const pngAsJpg = await upload(opened.id, agent.token, { bytes: pngBytes(10), filename: 'photo.jpg', contentType: 'image/jpeg' });
      expectProblem(pngAsJpg, 415, 'EVIDENCE_TYPE_MISMATCH');
      expect(pngAsJpg.body.detectedType).toBe('image/png');
      expect(String(pngAsJpg.body.extension)).toMatch(/jpg$/);

      const pdfAsPng = await upload(opened.id, agent.token, { bytes: pdfBytes('as png'), filename: 'scan.png' });
      expectProblem(pdfAsPng, 415, 'EVIDENCE_TYPE_MISMATCH');
      expect(pdfAsPng.body.detectedType).toBe('application/pdf');

      const elfAsJpg = await upload(opened.id, agent.token, { bytes: elfBytes(), filename: 'holiday.jpg', contentType: 'image/jpeg' });
      expectProblem(elfAsJpg, 415, 'EVIDENCE_TYPE_NOT_ALLOWED');
      expect(String(elfAsJpg.body.detectedType)).toMatch(/elf/i);

      const peAsPdf = await upload(opened.id, agent.token, { bytes: peBytes(), filename: 'invoice.pdf', contentType: 'application/pdf' });
      expectProblem(peAsPdf, 415, 'EVIDENCE_TYPE_NOT_ALLOWED');
      expect(ALLOWED_TYPES).not.toContain(peAsPdf.body.detectedType);

      // No signature and not clean UTF-8 text: control characters, or invalid UTF-8.
      const controlChars = await upload(opened.id, agent.token, {
        bytes: Buffer.from([0x68, 0x69, 0x00, 0x01, 0x02, 0x1b, 0x68, 0x69]),
        filename: 'notes.txt',
        contentType: 'text/plain',
      });
      expectProblem(controlChars, 415, 'EVIDENCE_TYPE_NOT_ALLOWED');
      const badUtf8 = await upload(opened.id, agent.token, {
        bytes: Buffer.from([0x61, 0x62, 0xc3, 0x28, 0xa0, 0xa1, 0x63]),
        filename: 'notes.txt',
        contentType: 'text/plain',
      });
      expectProblem(badUtf8, 415, 'EVIDENCE_TYPE_NOT_ALLOWED');

      await expectNothingStored(opened.id, before);
    });

    it('should refuse an empty file, a missing file, bad fields and a JSON body, storing nothing', async () => {
      const opened = await openCase(t, key);
      const before = await storeState(opened.id);

      expectProblem(
        await upload(opened.id, agent.token, { bytes: Buffer.alloc(0), filename: 'empty.png', contentType: 'image/png' }),
        400,
        'EVIDENCE_FILE_EMPTY',
      );
      expectProblem(await upload(opened.id, agent.token, null, { party: 'merchant', kind: 'photo', note: 'no file' }), 400, 'EVIDENCE_FILE_MISSING');

      const fieldsOf = (res: { body: { errors?: Array<{ field: string }> } }) => new Set((res.body.errors ?? []).map((e) => e.field));
      const badParty = await upload(opened.id, agent.token, { bytes: pngBytes(11), filename: 'a.png' }, { party: 'seller', kind: 'photo' });
      expectProblem(badParty, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(badParty)).toEqual(new Set(['party']));

      const badKind = await upload(opened.id, agent.token, { bytes: pngBytes(12), filename: 'a.png' }, { party: 'buyer', kind: 'selfie' });
      expectProblem(badKind, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(badKind)).toEqual(new Set(['kind']));

      const missingBoth = await upload(opened.id, agent.token, { bytes: pngBytes(13), filename: 'a.png' }, {});
      expectProblem(missingBoth, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(missingBoth)).toEqual(new Set(['party', 'kind']));

      const longNote = await upload(
        opened.id,
        agent.token,
        { bytes: pngBytes(14), filename: 'a.png' },
        { party: 'merchant', kind: 'photo', note: 'x'.repeat(2001) },
      );
      expectProblem(longNote, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(longNote)).toEqual(new Set(['note']));

      const json = await t.http
        .post(`/v1/cases/${opened.id}/evidence`)
        .set(bearer(agent.token))
        .send({ party: 'merchant', kind: 'photo', file: pngBytes(15).toString('base64') });
      expectProblem(json, 415, 'MULTIPART_REQUIRED');

      await expectNothingStored(opened.id, before);
    });
  });

  describe('file names', () => {
    it('should strip directories and unsafe characters from file names and write nothing outside EVIDENCE_DIR', async () => {
      const opened = await openCase(t, key);
      const outsideBefore = (await walkFiles(base)).filter((path) => !path.startsWith(join('store', 'evidence')));
      expect(outsideBefore).toEqual([]);

      const cases: Array<[string, string]> = [
        ['../../etc/passwd.png', 'passwd.png'],
        ['..\\..\\windows\\system32\\evil.png', 'evil.png'],
        ['.hidden.png', 'hidden.png'],
        ['a<b>c:d|e?f*g.png', 'abcdefg.png'],
        ['bell\u0007name.png', 'bellname.png'],
        ['<>|?*', 'evidence.png'],
      ];
      for (const [index, [sent, expected]] of cases.entries()) {
        const res = await uploadRaw(opened.id, agent.token, [
          { name: 'party', value: 'merchant' },
          { name: 'kind', value: 'photo' },
          { name: 'file', value: pngBytes(20 + index), filename: sent, contentType: 'image/png' },
        ]);
        expect({ sent, status: res.status, filename: res.body.filename }).toEqual({ sent, status: 201, filename: expected });
        expect(res.body.filename).not.toMatch(/[/\\]|\.\./);
        const got = await download(opened.id, res.body.id);
        expect(got.status).toBe(200);
        expect((got.body as Buffer).equals(pngBytes(20 + index))).toBe(true);
      }

      const long = await uploadRaw(opened.id, agent.token, [
        { name: 'party', value: 'merchant' },
        { name: 'kind', value: 'photo' },
        { name: 'file', value: pngBytes(40), filename: `${'长'.repeat(1000)}.png`, contentType: 'image/png' },
      ]);
      expect(long.status).toBe(201);
      expect(long.body.filename.length).toBeGreaterThan(0);
      expect(long.body.filename.length).toBeLessThan(1004);

      // Every file this wrote is inside the store; none landed in a parent folder or /etc.
      await expectIncomingEmpty();
      const everything = await walkFiles(base);
      expect(everything.filter((path) => !path.startsWith(join('store', 'evidence') + '/'))).toEqual([]);
      expect(everything.filter((path) => /passwd|evil/.test(path))).toEqual([]);
      const passwd = await readFile('/etc/passwd', 'utf8').catch(() => '');
      expect(passwd).not.toContain('\x89PNG');
    });

    it('should keep a Chinese file name and send it back with filename*=UTF-8', async () => {
      const opened = await openCase(t, key);
      const jpeg = jpegBytes();
      const view = await uploaded(opened.id, key, { bytes: jpeg, filename: '开胶照片.jpg', contentType: 'image/jpeg' }, { party: 'buyer', kind: 'photo' });
      expect(view).toMatchObject({ filename: '开胶照片.jpg', contentType: 'image/jpeg' });

      const res = await download(opened.id, view.id);
      expect(res.status).toBe(200);
      expect((res.body as Buffer).equals(jpeg)).toBe(true);
      const disposition = res.headers['content-disposition'];
      expect(disposition).toMatch(/^attachment;/);
      const extended = /filename\*=UTF-8''([^;\s]+)/i.exec(disposition);
      expect(extended).not.toBeNull();
      expect(decodeURIComponent(extended![1])).toBe('开胶照片.jpg');
      // The plain filename= fallback must be header-safe ASCII.
      const plain = /filename="([^"]*)"/.exec(disposition);
      if (plain) expect(plain[1]).toMatch(/^[\x20-\x7e]*$/);
      expect((await list(opened.id)).items[0].filename).toBe('开胶照片.jpg');
    });
  });

  describe('audit trail', () => {
    it('should append EVIDENCE_ADDED with the file’s sha256 and bump the case version for each upload', async () => {
      const opened = await openCase(t, key);
      const versionBefore = (await getCase(opened.id)).version;
      const eventsBefore = await timeline(opened.id);

      const png = pngBytes(50);
      const first = await uploaded(opened.id, agent.token, { bytes: png, filename: 'left-shoe.png' }, { party: 'merchant', kind: 'photo', note: '左脚' });
      const afterFirst = await getCase(opened.id);
      expect(afterFirst.version).toBe(versionBefore + 1);

      const pdf = pdfBytes('receipt');
      const second = await uploaded(opened.id, key, { bytes: pdf, filename: 'receipt.pdf' }, { party: 'buyer', kind: 'signed_receipt' });
      const afterSecond = await getCase(opened.id);
      expect(afterSecond.version).toBe(versionBefore + 2);
      expect(afterSecond.evidence).toMatchObject({ count: 2, submittedAt: null });
      expect(afterSecond.state).toBe(opened.state);

      const events = await timeline(opened.id);
      expect(events.slice(0, eventsBefore.length)).toEqual(eventsBefore);
      const added = events.slice(eventsBefore.length);
      expect(added).toHaveLength(2);
      expect(added[0]).toMatchObject({
        seq: eventsBefore.length + 1,
        type: 'EVIDENCE_ADDED',
        actor: { kind: 'agent', id: agent.id },
        toState: opened.state,
        payload: {
          evidenceId: first.id,
          sha256: digest(png),
          size: png.length,
          contentType: 'image/png',
          filename: 'left-shoe.png',
          party: 'merchant',
          kind: 'photo',
          note: '左脚',
        },
        prevHash: eventsBefore[eventsBefore.length - 1].hash,
      });
      expect(added[1]).toMatchObject({
        seq: eventsBefore.length + 2,
        type: 'EVIDENCE_ADDED',
        actor: { kind: 'integration', id: keyId },
        payload: {
          evidenceId: second.id,
          sha256: digest(pdf),
          size: pdf.length,
          contentType: 'application/pdf',
          filename: 'receipt.pdf',
          party: 'buyer',
          kind: 'signed_receipt',
          note: null,
        },
        prevHash: added[0].hash,
      });
      expect(Date.parse(added[1].at)).toBe(t.clock.now().getTime());
      expect([first.auditSeq, second.auditSeq]).toEqual([added[0].seq, added[1].seq]);
    });
  });

  describe('access', () => {
    it('should answer 404 for another shop’s case and evidence, and for evidence under the wrong case', async () => {
      const mine = await openCase(t, key);
      const mySecond = await openCase(t, key);
      const theirs = await openCase(t, otherKey);
      const myEvidence = await uploaded(mine.id, key, { bytes: pngBytes(60), filename: 'mine.png' }, { party: 'buyer', kind: 'photo' });
      const theirEvidence = await uploaded(theirs.id, otherKey, { bytes: pngBytes(61), filename: 'theirs.png' }, { party: 'buyer', kind: 'photo' });
      const before = await storeState(mine.id);

      expectProblem(
        await upload(mine.id, otherKey, { bytes: pngBytes(62), filename: 'intruder.png' }, { party: 'buyer', kind: 'photo' }),
        404,
        'CASE_NOT_FOUND',
      );
      expectProblem(await t.http.get(`/v1/cases/${mine.id}/evidence`).set(bearer(otherKey)), 404, 'CASE_NOT_FOUND');
      expectProblem(
        await upload(randomUUID(), key, { bytes: pngBytes(63), filename: 'nowhere.png' }, { party: 'buyer', kind: 'photo' }),
        404,
        'CASE_NOT_FOUND',
      );

      // Their key, my case and my evidence; their case, my evidence id; my key, their evidence id.
      expectProblem(await downloadProblem(mine.id, myEvidence.id, otherKey), 404, 'EVIDENCE_NOT_FOUND');
      expectProblem(await downloadProblem(theirs.id, myEvidence.id, otherKey), 404, 'EVIDENCE_NOT_FOUND');
      expectProblem(await downloadProblem(mine.id, theirEvidence.id, key), 404, 'EVIDENCE_NOT_FOUND');
      // Same shop, but the evidence belongs to another case.
      expectProblem(await downloadProblem(mySecond.id, myEvidence.id, key), 404, 'EVIDENCE_NOT_FOUND');
      expectProblem(await downloadProblem(mine.id, randomUUID(), key), 404, 'EVIDENCE_NOT_FOUND');

      await expectNothingStored(mine.id, before);
      expect((await list(theirs.id, otherKey)).items.map((e) => e.id)).toEqual([theirEvidence.id]);
      expect((await download(mine.id, myEvidence.id)).status).toBe(200);
    });

    it('should let the API key upload as the buyer and supervisors upload, and refuse auditors', async () => {
      const opened = await openCase(t, key);
      const byKey = await uploaded(opened.id, key, { bytes: pngBytes(70), filename: 'buyer.png' }, { party: 'buyer', kind: 'photo' });
      expect(byKey).toMatchObject({ party: 'buyer', uploadedBy: { kind: 'integration', id: keyId } });
      const bySupervisor = await uploaded(
        opened.id,
        supervisor.token,
        { bytes: pdfBytes('supervisor'), filename: 'inspection.pdf' },
        { party: 'platform', kind: 'inspection_report' },
      );
      expect(bySupervisor).toMatchObject({ party: 'platform', uploadedBy: { kind: 'agent', id: supervisor.id } });

      const before = await storeState(opened.id);
      expectProblem(await upload(opened.id, auditor.token, { bytes: pngBytes(71), filename: 'auditor.png' }), 403, 'FORBIDDEN');
      const anonymous = await t.http
        .post(`/v1/cases/${opened.id}/evidence`)
        .field('party', 'buyer')
        .field('kind', 'photo')
        .attach('file', pngBytes(72), { filename: 'anon.png', contentType: 'image/png' });
      expect(anonymous.status).toBe(401);
      await expectNothingStored(opened.id, before);

      // Auditors may read.
      expect((await list(opened.id, auditor.token)).items.map((e) => e.id)).toEqual([byKey.id, bySupervisor.id]);
    });
  });

  describe('checklist', () => {
    it('should list the evidence kinds the claimed reason expects and mark them provided once uploaded', async () => {
      const expected = reasonByCode('quality_problem')!.expectedEvidence;
      expect(expected).toContain('photo');
      const byKind = (items: EvidenceList['checklist']) => [...items].sort((a, b) => a.kind.localeCompare(b.kind));
      const checklistWith = (counts: Record<string, number>) =>
        byKind(expected.map((kind) => ({ kind, provided: (counts[kind] ?? 0) > 0, count: counts[kind] ?? 0 })));

      const opened = await openCase(t, key, { reasonCode: '商品质量问题' });
      expect(opened.reasons.claimed.code).toBe('quality_problem');
      const empty = await list(opened.id);
      expect(empty).toMatchObject({ items: [], checklistReason: 'quality_problem', submission: null });
      expect(byKind(empty.checklist)).toEqual(checklistWith({}));
      expect((await getCase(opened.id)).evidence).toMatchObject({ count: 0, submittedAt: null });
      expect(byKind((await getCase(opened.id)).evidence.checklist)).toEqual(checklistWith({}));

      await uploaded(opened.id, key, { bytes: pngBytes(80), filename: 'one.png' }, { party: 'buyer', kind: 'photo' });
      expect(byKind((await list(opened.id)).checklist)).toEqual(checklistWith({ photo: 1 }));
      await uploaded(opened.id, agent.token, { bytes: pngBytes(81), filename: 'two.png' }, { party: 'merchant', kind: 'photo' });
      const two = await list(opened.id);
      expect(byKind(two.checklist)).toEqual(checklistWith({ photo: 2 }));
      const view = await getCase(opened.id);
      expect(view.evidence.count).toBe(2);
      expect(byKind(view.evidence.checklist)).toEqual(checklistWith({ photo: 2 }));

      // README: once the agent verified another reason, the checklist is that reason's.
      const damaged = reasonByCode('damaged_in_transit')!.expectedEvidence;
      await send(t, agent.token, opened.id, { type: 'CONTACT_BUYER', note: '已联系' });
      await send(t, agent.token, opened.id, { type: 'VERIFY', verifiedReasonCode: 'damaged_in_transit', findings: '外箱破损' });
      const verified = await list(opened.id);
      expect(verified.checklistReason).toBe('damaged_in_transit');
      expect(byKind(verified.checklist)).toEqual(byKind(damaged.map((kind) => ({ kind, provided: kind === 'photo', count: kind === 'photo' ? 2 : 0 }))));

      // Another reason, another list: nothing is hard-coded to quality problems.
      const notReceived = reasonByCode('not_received')!.expectedEvidence;
      const other = await openCase(t, key, { reasonCode: 'not_received' });
      const otherList = await list(other.id);
      expect(otherList.checklistReason).toBe('not_received');
      expect(byKind(otherList.checklist)).toEqual(byKind(notReceived.map((kind) => ({ kind, provided: false, count: 0 }))));
    });
  });

  describe('platform dispute', () => {
    async function intervened() {
      const opened = await openCase(t, key);
      const at = t.clock.now().getTime();
      const res = await postEvent(opened.id, key, { type: 'PLATFORM_INTERVENED' });
      expect(res.status).toBe(200);
      return { id: opened.id as string, intervenedAt: at, view: res.body };
    }

    it('should open a 48 h evidence window, then refuse merchant evidence by the clock even before the sweeper runs', async () => {
      const { id, intervenedAt, view } = await intervened();
      const dueAt = new Date(intervenedAt + 48 * HOUR).toISOString();
      expect(view.state).toBe('dispute.evidence');
      expect(view.deadlines).toContainEqual({ timer: 'dispute-evidence', event: 'DISPUTE_EVIDENCE_EXPIRED', dueAt });
      expect((await getCase(id)).deadlines).toContainEqual({ timer: 'dispute-evidence', event: 'DISPUTE_EVIDENCE_EXPIRED', dueAt });

      t.clock.advanceHours(47);
      const inTime = await upload(id, agent.token, { bytes: pngBytes(90), filename: 'in-time.png' });
      expect(inTime.status).toBe(201);

      t.clock.advance(HOUR + MINUTE);
      expect((await getCase(id)).state).toBe('dispute.evidence'); // the sweeper has not run
      const before = await storeState(id);
      const late = await upload(id, agent.token, { bytes: pngBytes(91), filename: 'late.png' });
      expectProblem(late, 409, 'EVIDENCE_WINDOW_CLOSED');
      expect(Date.parse(late.body.deadline)).toBe(intervenedAt + 48 * HOUR);
      // Refused by party, whoever sends it.
      expectProblem(
        await upload(id, key, { bytes: pngBytes(92), filename: 'late-by-key.png' }, { party: 'merchant', kind: 'chat_log' }),
        409,
        'EVIDENCE_WINDOW_CLOSED',
      );
      await expectNothingStored(id, before);

      // Only merchant evidence is late: the buyer's, the carrier's and the platform's are still taken.
      const buyer = await upload(id, key, { bytes: pngBytes(93), filename: 'buyer-late.png' }, { party: 'buyer', kind: 'photo' });
      expect(buyer.status).toBe(201);
      expect((await upload(id, agent.token, { bytes: pdfBytes('carrier'), filename: 'waybill.pdf' }, { party: 'carrier', kind: 'courier_stamp' })).status).toBe(
        201,
      );

      await sweeperOf(t).drain();
      expect((await getCase(id)).state).toBe('dispute.awaitingRuling');
      const afterSweep = await upload(id, agent.token, { bytes: pngBytes(94), filename: 'later.png' });
      expectProblem(afterSweep, 409, 'EVIDENCE_WINDOW_CLOSED');
      expect(Date.parse(afterSweep.body.deadline)).toBe(intervenedAt + 48 * HOUR);
      expect((await upload(id, key, { bytes: pngBytes(95), filename: 'buyer-later.png' }, { party: 'buyer', kind: 'photo' })).status).toBe(201);

      const items = (await list(id)).items;
      expect(items.map((e) => e.filename)).toEqual(['in-time.png', 'buyer-late.png', 'waybill.pdf', 'buyer-later.png']);
    });

    it('should size the evidence window from the shop’s disputeEvidenceHours', async () => {
      const shortShop = await createShop(t, { policy: { disputeEvidenceHours: 24 } });
      const shortKey = (await createApiKey(t, shortShop.id)).key;
      const shortAgent = await createAgent(t, shortShop, 'agent');
      const opened = await openCase(t, shortKey);
      const intervenedAt = t.clock.now().getTime();
      const view = await send(t, shortKey, opened.id, { type: 'PLATFORM_INTERVENED' });
      expect(view.deadlines).toContainEqual({
        timer: 'dispute-evidence',
        event: 'DISPUTE_EVIDENCE_EXPIRED',
        dueAt: new Date(intervenedAt + 24 * HOUR).toISOString(),
      });

      t.clock.advance(24 * HOUR - MINUTE);
      const ok = await t.http
        .post(`/v1/cases/${opened.id}/evidence`)
        .set(bearer(shortAgent.token))
        .field('party', 'merchant')
        .field('kind', 'photo')
        .attach('file', pngBytes(130), { filename: 'just-in-time.png', contentType: 'image/png' });
      expect(ok.status).toBe(201);
      t.clock.advance(2 * MINUTE);
      const late = await t.http
        .post(`/v1/cases/${opened.id}/evidence`)
        .set(bearer(shortAgent.token))
        .field('party', 'merchant')
        .field('kind', 'photo')
        .attach('file', pngBytes(131), { filename: 'late.png', contentType: 'image/png' });
      expectProblem(late, 409, 'EVIDENCE_WINDOW_CLOSED');
      expect(Date.parse(late.body.deadline)).toBe(intervenedAt + 24 * HOUR);
    });

    it('should seal the evidence package once with SUBMIT_EVIDENCE and keep later uploads unsubmitted', async () => {
      const { id } = await intervened();
      t.clock.advanceHours(1);
      const files = [
        await uploaded(id, agent.token, { bytes: pngBytes(100), filename: 'merchant.png' }, { party: 'merchant', kind: 'photo' }),
        await uploaded(id, key, { bytes: pngBytes(101), filename: 'buyer.png' }, { party: 'buyer', kind: 'photo' }),
        await uploaded(id, agent.token, { bytes: Buffer.from('聊天记录：同意退货\n', 'utf8'), filename: 'chat.txt' }, { party: 'merchant', kind: 'chat_log' }),
      ];
      const eventsBefore = await timeline(id);

      t.clock.advanceHours(1);
      const submittedAt = t.clock.now().getTime();
      const submit = await postEvent(id, agent.token, { type: 'SUBMIT_EVIDENCE' });
      expect(submit.status).toBe(200);

      const sealed = await list(id);
      expect(sealed.items.map((e) => e.id)).toEqual(files.map((f) => f.id));
      for (const item of sealed.items) {
        expect(item.submitted).toBe(true);
        expect(Date.parse(item.submittedAt!)).toBe(submittedAt);
      }
      expect(sealed.submission).toEqual({
        submittedAt: expect.any(String),
        packageSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        evidenceIds: expect.any(Array),
      });
      expect(Date.parse(sealed.submission!.submittedAt)).toBe(submittedAt);
      expect([...sealed.submission!.evidenceIds].sort()).toEqual(files.map((f) => f.id).sort());

      const events = await timeline(id);
      expect(events).toHaveLength(eventsBefore.length + 1);
      const event = events[events.length - 1];
      expect(event).toMatchObject({ type: 'SUBMIT_EVIDENCE', actor: { kind: 'agent', id: agent.id } });
      const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
      expect([...(event.payload.evidence as Array<{ id: string }>)].sort(byId)).toEqual(
        files.map((f) => ({ id: f.id, sha256: f.sha256, party: f.party, kind: f.kind })).sort(byId),
      );
      expect(event.payload.packageSha256).toBe(sealed.submission!.packageSha256);
      // README: the package hash is the sha256 of the listed files' canonical JSON.
      expect(event.payload.packageSha256).toBe(createHash('sha256').update(canonicalize(event.payload.evidence)!, 'utf8').digest('hex'));
      expect((await getCase(id)).evidence).toMatchObject({ count: 3 });
      expect(Date.parse((await getCase(id)).evidence.submittedAt)).toBe(submittedAt);

      // Once only.
      expectProblem(await postEvent(id, agent.token, { type: 'SUBMIT_EVIDENCE' }), 409, 'EVIDENCE_ALREADY_SUBMITTED');
      expect(await timeline(id)).toHaveLength(events.length);

      // Still inside the window: a later upload is kept, but not part of the sealed package.
      t.clock.advanceHours(1);
      const later = await uploaded(id, agent.token, { bytes: pngBytes(102), filename: 'after-seal.png' }, { party: 'merchant', kind: 'photo' });
      expect(later).toMatchObject({ submitted: false, submittedAt: null });
      const after = await list(id);
      expect(after.items.map((e) => [e.id, e.submitted])).toEqual([...files.map((f) => [f.id, true]), [later.id, false]]);
      expect(after.submission).toEqual(sealed.submission);
      expect((await getCase(id)).evidence.count).toBe(4);
    });

    it('should refuse SUBMIT_EVIDENCE with no evidence (422) and after the window (409)', async () => {
      const empty = await intervened();
      const emptyEvents = await timeline(empty.id);
      expectProblem(await postEvent(empty.id, agent.token, { type: 'SUBMIT_EVIDENCE' }), 422, 'EVIDENCE_PACKAGE_EMPTY');
      expect(await timeline(empty.id)).toEqual(emptyEvents);

      const late = await intervened();
      const file = await uploaded(late.id, agent.token, { bytes: pngBytes(110), filename: 'on-time.png' });
      t.clock.advance(48 * HOUR + MINUTE);
      const beforeSweep = await postEvent(late.id, agent.token, { type: 'SUBMIT_EVIDENCE' });
      expectProblem(beforeSweep, 409, 'EVIDENCE_WINDOW_CLOSED');
      expect(Date.parse(beforeSweep.body.deadline)).toBe(late.intervenedAt + 48 * HOUR);

      await sweeperOf(t).drain();
      expect((await getCase(late.id)).state).toBe('dispute.awaitingRuling');
      const afterSweep = await postEvent(late.id, agent.token, { type: 'SUBMIT_EVIDENCE' });
      expectProblem(afterSweep, 409, 'EVIDENCE_WINDOW_CLOSED');
      expect(Date.parse(afterSweep.body.deadline)).toBe(late.intervenedAt + 48 * HOUR);

      const listed = await list(late.id);
      expect(listed.submission).toBeNull();
      expect(listed.items).toEqual([expect.objectContaining({ id: file.id, submitted: false, submittedAt: null })]);
    });

    it('should archive as rejected on a ruling for the merchant and refund on a ruling for the buyer', async () => {
      const forMerchant = await intervened();
      await uploaded(forMerchant.id, agent.token, { bytes: pngBytes(120), filename: 'proof.png' });
      await send(t, agent.token, forMerchant.id, { type: 'SUBMIT_EVIDENCE' });
      const rejected = await send(t, key, forMerchant.id, { type: 'PLATFORM_RULING', favour: 'merchant' });
      expect(rejected).toMatchObject({ state: 'archived', status: 'archived', outcome: 'rejected', amounts: { reserved: 0, refunded: 0 } });

      const forBuyer = await intervened();
      t.clock.advance(48 * HOUR);
      await sweeperOf(t).drain();
      expect((await getCase(forBuyer.id)).state).toBe('dispute.awaitingRuling');
      const refunding = await send(t, key, forBuyer.id, { type: 'PLATFORM_RULING', favour: 'buyer' });
      expect(refunding).toMatchObject({ state: 'followUp.refunding', amounts: { reserved: 29900 } });
    });
  });

  describe('concurrency', () => {
    it('should record 10 parallel uploads to one case with a contiguous, valid audit chain', async () => {
      const opened = await openCase(t, key);
      const versionBefore = (await getCase(opened.id)).version;
      const files = Array.from({ length: 10 }, (_, i) => pngBytes(1000 + i));
      const results = await Promise.all(
        files.map((bytes, i) =>
          upload(opened.id, i % 2 ? key : agent.token, { bytes, filename: `parallel-${i}.png` }, { party: i % 2 ? 'buyer' : 'merchant', kind: 'photo' }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(Array(10).fill(201));

      const listed = (await list(opened.id)).items;
      expect(listed).toHaveLength(10);
      expect(new Set(listed.map((e) => e.sha256))).toEqual(new Set(files.map(digest)));

      const events = await timeline(opened.id);
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      for (let i = 1; i < events.length; i++) expect(events[i].prevHash).toBe(events[i - 1].hash);
      const added = events.filter((e) => e.type === 'EVIDENCE_ADDED');
      expect(added).toHaveLength(10);
      expect(new Set(added.map((e) => e.payload.evidenceId))).toEqual(new Set(listed.map((e) => e.id)));
      for (const item of listed) {
        const event = added.find((e) => e.payload.evidenceId === item.id)!;
        expect({ seq: event.seq, sha256: event.payload.sha256 }).toEqual({ seq: item.auditSeq, sha256: item.sha256 });
      }
      // Upload order is audit order.
      expect(listed.map((e) => e.auditSeq)).toEqual([...listed.map((e) => e.auditSeq)].sort((a, b) => a - b));
      expect((await getCase(opened.id)).version).toBe(versionBefore + 10);

      const verify = await t.http.get('/v1/audit/verify').query({ caseId: opened.id }).set(bearer(supervisor.token));
      expect(verify.status).toBe(200);
      expect(verify.body).toMatchObject({ scope: 'case', caseId: opened.id, casesChecked: 1, eventsChecked: events.length, valid: true, firstBroken: null });

      for (const bytes of files) expect((await readFile(blobPath(evidenceDir, digest(bytes)))).equals(bytes)).toBe(true);
    });
  });

  describe('the store', () => {
    it('should store a file uploaded several times at once only once, each upload with its own row', async () => {
      const first = await openCase(t, key);
      const second = await openCase(t, key);
      const bytes = pdfBytes(`same bytes ${randomUUID()}`);
      const sha = digest(bytes);
      const results = await Promise.all(
        [first.id, first.id, first.id, second.id, second.id].map((caseId, i) =>
          upload(caseId, agent.token, { bytes, filename: `copy-${i}.pdf` }, { party: 'merchant', kind: 'invoice' }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
      expect(new Set(results.map((r) => r.body.id)).size).toBe(5);
      expect(results.every((r) => r.body.sha256 === sha)).toBe(true);
      expect((await list(first.id)).items).toHaveLength(3);
      expect((await list(second.id)).items).toHaveLength(2);
      await expectIncomingEmpty();
      expect((await walkFiles(evidenceDir)).filter((path) => path.includes(sha))).toEqual([join(sha.slice(0, 2), sha.slice(2, 4), sha)]);
      expect((await readFile(blobPath(evidenceDir, sha))).equals(bytes)).toBe(true);
      for (const r of results) expect(((await download(r.body.caseId, r.body.id)).body as Buffer).equals(bytes)).toBe(true);
    });

    it('should hold every blob under its own sha256 and leave nothing in .incoming', async () => {
      await expectIncomingEmpty();
      const files = (await walkFiles(evidenceDir)).filter((path) => !path.startsWith('.incoming'));
      expect(files.length).toBeGreaterThan(0);
      for (const path of files) {
        const [a, b, name, ...rest] = path.split('/');
        expect({ path, rest }).toEqual({ path, rest: [] });
        expect(name).toMatch(/^[0-9a-f]{64}$/);
        expect([a, b]).toEqual([name.slice(0, 2), name.slice(2, 4)]);
        expect(digest(await readFile(join(evidenceDir, path)))).toBe(name);
      }
      const incoming = await readdir(join(evidenceDir, '.incoming')).catch(() => [] as string[]);
      expect(incoming).toEqual([]);
    });
  });
  describe('Idempotency-Key', () => {
    const withKey = (idempotencyKey: string, caseId: string, token: string, file: FileToSend, fields?: Record<string, string | undefined>) =>
      upload(caseId, token, file, fields).set('Idempotency-Key', idempotencyKey);

    it('should answer a retry with the first upload’s evidence, recording it once', async () => {
      const opened = await openCase(t, key);
      const idempotencyKey = randomUUID();
      const file = { bytes: pngBytes(300), filename: 'retry.png' };
      const fields = { party: 'buyer', kind: 'photo', note: '买家重传' };
      const first = await withKey(idempotencyKey, opened.id, key, file, fields);
      expect(first.status).toBe(201);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      const versionAfterFirst = (await getCase(opened.id)).version;
      const eventsAfterFirst = await timeline(opened.id);

      const second = await withKey(idempotencyKey, opened.id, key, file, fields);
      expect(second.status).toBe(201);
      expect(second.headers['idempotent-replayed']).toBe('true');
      expect(second.headers.location).toBe(first.headers.location);
      expect(second.body).toEqual(first.body);
      expect((await list(opened.id)).items.map((e) => e.id)).toEqual([first.body.id]);
      expect(await timeline(opened.id)).toEqual(eventsAfterFirst);
      expect((await getCase(opened.id)).version).toBe(versionAfterFirst);
      await expectIncomingEmpty();

      // Agents may send a key too.
      const byAgent = randomUUID();
      const agentFile = { bytes: pngBytes(301), filename: 'agent.png' };
      const agentFirst = await withKey(byAgent, opened.id, agent.token, agentFile);
      const agentSecond = await withKey(byAgent, opened.id, agent.token, agentFile);
      expect([agentFirst.status, agentSecond.status, agentSecond.headers['idempotent-replayed']]).toEqual([201, 201, 'true']);
      expect(agentSecond.body.id).toBe(agentFirst.body.id);
      expect((await list(opened.id)).items).toHaveLength(2);
    });

    it('should replay a recorded merchant upload even after the evidence window has closed', async () => {
      const opened = await openCase(t, key);
      await send(t, key, opened.id, { type: 'PLATFORM_INTERVENED' });
      const idempotencyKey = randomUUID();
      const file = { bytes: pngBytes(302), filename: 'in-window.png' };
      const first = await withKey(idempotencyKey, opened.id, key, file);
      expect(first.status).toBe(201);
      t.clock.advance(48 * HOUR + MINUTE);
      const retry = await withKey(idempotencyKey, opened.id, key, file);
      expect([retry.status, retry.headers['idempotent-replayed'], retry.body.id]).toEqual([201, 'true', first.body.id]);
      // Without the key the same upload is late.
      expectProblem(await upload(opened.id, key, file), 409, 'EVIDENCE_WINDOW_CLOSED');
    });

    it('should refuse the key with another file, case or fields (422) and record nothing', async () => {
      const opened = await openCase(t, key);
      const other = await openCase(t, key);
      const idempotencyKey = randomUUID();
      const file = { bytes: pngBytes(310), filename: 'first.png' };
      expect((await withKey(idempotencyKey, opened.id, key, file)).status).toBe(201);
      const before = await storeState(opened.id);
      const otherBefore = await storeState(other.id);

      for (const res of [
        await withKey(idempotencyKey, opened.id, key, { bytes: pngBytes(311), filename: 'first.png' }),
        await withKey(idempotencyKey, other.id, key, file),
        await withKey(idempotencyKey, opened.id, key, file, { party: 'merchant', kind: 'chat_log' }),
        await withKey(idempotencyKey, opened.id, key, file, { party: 'merchant', kind: 'photo', note: 'added a note' }),
        await withKey(idempotencyKey, opened.id, key, { ...file, filename: 'renamed.png' }),
      ]) {
        expectProblem(res, 422, 'IDEMPOTENCY_KEY_REUSED');
      }
      await expectNothingStored(opened.id, before);
      await expectNothingStored(other.id, otherBefore);
    });

    it('should answer 409 while the first upload under the key is still in flight, then replay it', async () => {
      const opened = await openCase(t, key);
      const idempotencyKey = randomUUID();
      const file = { bytes: pngBytes(320), filename: 'slow.png' };
      const held = gate();
      const restore = aroundPut(t.app.get(EvidenceStorage), async (put) => {
        await put();
        await held.wait();
      });
      let first;
      try {
        first = withKey(idempotencyKey, opened.id, key, file).then((res) => res);
        await held.reached;
        expectProblem(await withKey(idempotencyKey, opened.id, key, file), 409, 'IDEMPOTENCY_KEY_IN_FLIGHT');
        // Another upload under the key is refused as such even while the first runs.
        expectProblem(await withKey(idempotencyKey, opened.id, key, { bytes: pngBytes(321), filename: 'slow.png' }), 422, 'IDEMPOTENCY_KEY_REUSED');
      } finally {
        restore();
        held.open();
      }
      const recorded = await first;
      expect(recorded.status).toBe(201);
      const retry = await withKey(idempotencyKey, opened.id, key, file);
      expect([retry.status, retry.headers['idempotent-replayed'], retry.body.id]).toEqual([201, 'true', recorded.body.id]);
      expect((await list(opened.id)).items).toHaveLength(1);
    });

    it('should free the key of a refused upload, and refuse a malformed key storing nothing', async () => {
      const opened = await openCase(t, key);
      await send(t, key, opened.id, { type: 'PLATFORM_INTERVENED' });
      t.clock.advance(48 * HOUR + MINUTE);
      const idempotencyKey = randomUUID();
      const file = { bytes: pngBytes(330), filename: 'late.png' };
      expectProblem(await withKey(idempotencyKey, opened.id, key, file), 409, 'EVIDENCE_WINDOW_CLOSED');
      expectProblem(await withKey(idempotencyKey, opened.id, key, file), 409, 'EVIDENCE_WINDOW_CLOSED');
      // The buyer's evidence is still taken, under the same key.
      const buyer = await withKey(idempotencyKey, opened.id, key, file, { party: 'buyer', kind: 'photo' });
      expect([buyer.status, buyer.headers['idempotent-replayed']]).toEqual([201, undefined]);

      const before = await storeState(opened.id);
      expectProblem(await withKey('has spaces', opened.id, key, { bytes: pngBytes(331), filename: 'x.png' }), 400, 'IDEMPOTENCY_KEY_INVALID');
      await expectNothingStored(opened.id, before);
    });
  });

  describe('a damaged store', () => {
    it('should cut a dossier short rather than ship evidence that no longer matches its hash, and keep serving', async () => {
      const opened = await openCase(t, key);
      const bytes = pngBytes(987_654);
      const stored = await uploaded(opened.id, agent.token, { bytes, filename: 'damaged.png' });
      // Flip the last byte of the stored blob: same size, another hash.
      const damaged = Buffer.from(bytes);
      damaged[damaged.length - 1] ^= 0xff;
      await writeFile(blobPath(evidenceDir, stored.sha256), damaged);

      const outcome = await t.http
        .get(`/v1/cases/${opened.id}/dossier`)
        .set(bearer(supervisor.token))
        .buffer(true)
        .parse(binaryParser)
        .then(
          async (res) => ({
            completed: await unzip(res.body as Buffer).then(
              () => true,
              () => false,
            ),
          }),
          () => ({ completed: false }),
        );
      expect(outcome).toEqual({ completed: false });

      // The service is still up, and an intact case's dossier still comes out whole.
      const intact = await openCase(t, key);
      await uploaded(intact.id, agent.token, { bytes: pngBytes(987_655), filename: 'fine.png' });
      const res = await t.http.get(`/v1/cases/${intact.id}/dossier`).set(bearer(supervisor.token)).buffer(true).parse(binaryParser);
      expect(res.status).toBe(200);
      expect([...(await unzip(res.body as Buffer)).keys()]).toContain('evidence/001-fine.png');
    });
  });
});
