import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { EvidenceOrphanCollector } from '../src/evidence/evidence-orphan-collector.js';
import { EvidenceStorage } from '../src/evidence/storage/evidence-storage.js';
import { openCase, send } from './support/cases.js';
import { aroundPut, pngBytes } from './support/evidence-files.js';
import { bearer, createAgent, createApiKey, createShop, expectProblem } from './support/fixtures.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

function binary(res: NodeJS.ReadableStream, done: (error: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}

/**
 * The S3 adapter against s3rver, an S3 API server (the AWS SDK talks to it over HTTP exactly as to
 * S3 or MinIO): the bytes go to the bucket under the prefix and their sha256, and come back identical.
 */
describe('S3EvidenceStorage', () => {
  let s3: S3rver;
  let s3Dir: string;
  let spoolDir: string;
  let endpoint: string;
  let t: TestApp;
  const bucket = `evidence-${randomBytes(3).toString('hex')}`;

  beforeAll(async () => {
    s3Dir = await mkdtemp(join(tmpdir(), 'aftersales-s3-'));
    spoolDir = await mkdtemp(join(tmpdir(), 'aftersales-spool-'));
    s3 = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: s3Dir, configureBuckets: [{ name: bucket, configs: [] }] });
    const address = (await s3.run()) as AddressInfo;
    endpoint = `http://127.0.0.1:${address.port}`;
    t = await createTestApp({
      EVIDENCE_STORAGE: 's3',
      EVIDENCE_DIR: spoolDir,
      EVIDENCE_S3_BUCKET: bucket,
      EVIDENCE_S3_ENDPOINT: endpoint,
      EVIDENCE_S3_ACCESS_KEY_ID: 'S3RVER',
      EVIDENCE_S3_SECRET_ACCESS_KEY: 'S3RVER',
      EVIDENCE_S3_PREFIX: 'shop-evidence/',
    });
  });

  afterAll(async () => {
    await t?.close();
    await s3?.close();
    await rm(s3Dir, { recursive: true, force: true });
    await rm(spoolDir, { recursive: true, force: true });
  });

  it('should store uploads in the bucket under their sha256 and serve them back byte for byte', async () => {
    const shop = await createShop(t);
    const key = await createApiKey(t, shop.id);
    const agent = await createAgent(t, shop);
    const opened = await openCase(t, key.key);
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\n'), randomBytes(2048), Buffer.from('\n%%EOF\n')]);

    const uploads = [];
    for (const [bytes, filename] of [
      [PNG, 'photo.png'],
      [pdf, 'invoice.pdf'],
      [PNG, 'same-photo-again.png'],
    ] as const) {
      const res = await t.http
        .post(`/v1/cases/${opened.id}/evidence`)
        .set(bearer(agent.token))
        .field('party', 'merchant')
        .field('kind', 'photo')
        .attach('file', bytes, { filename });
      expect(res.status).toBe(201);
      expect(res.body.sha256).toBe(sha256(bytes));
      uploads.push(res.body);
    }

    const client = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    try {
      const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
      // The same photo twice is one object.
      expect((listed.Contents ?? []).map((o) => o.Key).sort()).toEqual([`shop-evidence/${sha256(PNG)}`, `shop-evidence/${sha256(pdf)}`].sort());
      const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: `shop-evidence/${sha256(pdf)}` }));
      expect(Buffer.from(await object.Body!.transformToByteArray()).equals(pdf)).toBe(true);
    } finally {
      client.destroy();
    }

    for (const [upload, bytes] of [
      [uploads[0], PNG],
      [uploads[1], pdf],
    ] as const) {
      const res = await t.http
        .get(upload.downloadUrl)
        .set(bearer(agent.token))
        .buffer(true)
        .parse(binary as never);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe(upload.contentType);
      expect((res.body as Buffer).equals(bytes)).toBe(true);
    }
    // Nothing is left in the spool once the bucket has the bytes.
    expect(await readdir(join(spoolDir, '.incoming'))).toEqual([]);
  });

  it('should delete an orphaned object after the grace period, keep referenced ones, and name a lost one', async () => {
    const shop = await createShop(t);
    const key = (await createApiKey(t, shop.id)).key;
    const client = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    const keys = async () => ((await client.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? []).map((o) => o.Key);
    const upload = (caseId: string, bytes: Buffer, filename: string) =>
      t.http.post(`/v1/cases/${caseId}/evidence`).set(bearer(key)).field('party', 'merchant').field('kind', 'photo').attach('file', bytes, { filename });
    try {
      const kept = pngBytes(5001);
      const keptView = (await upload((await openCase(t, key)).id, kept, 'kept.png')).body;
      const orphan = pngBytes(5002);
      // The evidence window closes while the bucket takes the bytes: the upload is refused after they are stored.
      const disputed = await openCase(t, key);
      await send(t, key, disputed.id, { type: 'PLATFORM_INTERVENED' });
      t.clock.advance(48 * 3_600_000 - 1000);
      const restore = aroundPut(t.app.get(EvidenceStorage), async (put) => {
        await put();
        t.clock.advance(2000);
      });
      try {
        expectProblem(await upload(disputed.id, orphan, 'late.png'), 409, 'EVIDENCE_WINDOW_CLOSED');
      } finally {
        restore();
      }
      expect(await keys()).toEqual(expect.arrayContaining([`shop-evidence/${sha256(kept)}`, `shop-evidence/${sha256(orphan)}`]));

      const collector = t.app.get(EvidenceOrphanCollector);
      expect(await collector.collect()).toMatchObject({ deleted: 0 });
      t.clock.advance(24 * 3_600_000 + 60_000);
      expect(await collector.collect()).toMatchObject({ deleted: 1 });
      expect(await keys()).not.toContain(`shop-evidence/${sha256(orphan)}`);
      expect(await keys()).toContain(`shop-evidence/${sha256(kept)}`);

      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: `shop-evidence/${sha256(kept)}` }));
      const lost = await t.http.get(keptView.downloadUrl).set(bearer(key));
      expectProblem(lost, 500, 'EVIDENCE_BLOB_MISSING');
      expect(lost.body.missing).toEqual([{ evidenceId: keptView.id, sha256: sha256(kept) }]);
    } finally {
      client.destroy();
    }
  });
});
