// Checks a case dossier (the ZIP of GET /v1/cases/:id/dossier) with Node alone, nothing from the service:
// every file against the sha256 the manifest lists, and the audit hash chain from 64 zeros to chainHead.
//
//   node docs/examples/check-dossier.mjs dossier.zip
//
// Exits 0 when everything matches, 1 otherwise.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';

const path = process.argv[2];
if (!path) {
  console.error('usage: node check-dossier.mjs <dossier.zip>');
  process.exit(2);
}

/** The entries of a ZIP file by name, read through its central directory (stored or deflated entries). */
function readZip(zip) {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error('not a ZIP file (no end of central directory)');
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  if (count === 0xffff || at === 0xffffffff) throw new Error('a ZIP64 archive (over 4 GiB or 65,535 files): unzip it and compare the sha256 by hand');
  const entries = new Map();
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error('damaged central directory');
    const method = zip.readUInt16LE(at + 10);
    const compressedSize = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const localHeader = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    const dataStart = localHeader + 30 + zip.readUInt16LE(localHeader + 26) + zip.readUInt16LE(localHeader + 28);
    const data = zip.subarray(dataStart, dataStart + compressedSize);
    entries.set(name, method === 0 ? data : inflateRawSync(data));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** RFC 8785 canonical JSON, as the service hashes audit events. */
const canonical = (value) =>
  value === null || typeof value !== 'object'
    ? JSON.stringify(value)
    : Array.isArray(value)
      ? `[${value.map(canonical).join(',')}]`
      : `{${Object.keys(value)
          .sort()
          .map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`)
          .join(',')}}`;
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

const entries = readZip(readFileSync(path));
const manifest = JSON.parse(entries.get('manifest.json').toString('utf8'));
let ok = true;

for (const file of [...manifest.files, ...manifest.evidence]) {
  const bytes = entries.get(file.path);
  const verdict = !bytes ? 'MISSING' : sha256(bytes) !== file.sha256 || bytes.length !== file.size ? 'DIFFERS' : 'OK';
  if (verdict !== 'OK') ok = false;
  console.log(`${file.path}: sha256 ${verdict}`);
}

let previous = '0'.repeat(64);
for (const event of manifest.timeline) {
  const { seq, type, actor, fromState, toState, payload, at } = event;
  const hash = sha256(previous + canonical({ shopId: manifest.shopId, caseId: manifest.caseId, seq, type, actor, fromState, toState, payload, at }));
  if (event.prevHash !== previous || event.hash !== hash) {
    console.log(`chain BROKEN at seq ${seq}`);
    ok = false;
    break;
  }
  previous = hash;
}
if (ok) {
  const headMatches = previous === manifest.chainHead.hash && manifest.timeline.length === manifest.chainHead.seq;
  console.log(headMatches ? `chain OK: ${manifest.timeline.length} events, head ${previous}` : 'chain head DIFFERS from the last event');
  ok = headMatches;
}
process.exit(ok ? 0 : 1);
