import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { GENESIS_HASH, verifyChain, type ChainEntry } from './hash-chain';

const ids = { shopId: '11111111-1111-4111-8111-111111111111', caseId: '22222222-2222-4222-8222-222222222222' };

// Built the way the service's audit-chain does it, with node:crypto, independently of the browser code.
function chain(events: Array<Omit<ChainEntry, 'prevHash' | 'hash' | 'seq'>>): ChainEntry[] {
  let prev = GENESIS_HASH;
  return events.map((event, index) => {
    const seq = index + 1;
    const record = { ...ids, seq, ...event };
    const hash = createHash('sha256').update(prev, 'utf8').update(canonicalize(record)!, 'utf8').digest('hex');
    const entry = { ...event, seq, prevHash: prev, hash };
    prev = hash;
    return entry;
  });
}

const sample = () =>
  chain([
    {
      type: 'CASE_OPENED',
      actor: { kind: 'integration', id: 'k1' },
      fromState: null,
      toState: 'open.contact',
      payload: { requestedAmount: 29900, buyerText: '鞋底开胶了' },
      at: '2026-11-20T09:00:00.000Z',
    },
    {
      type: 'CONTACT_BUYER',
      actor: { kind: 'agent', id: 'a1' },
      fromState: 'open.contact',
      toState: 'open.verify',
      payload: { note: '已联系 😀' },
      at: '2026-11-20T09:05:00.000Z',
    },
  ]);

describe('verifyChain', () => {
  it('should accept a chain built like the service builds it', async () => {
    const entries = sample();
    await expect(verifyChain(entries, ids)).resolves.toEqual({ intact: true, count: 2, head: entries[1].hash, firstBroken: null });
  });
  it('should accept an empty chain', async () => {
    await expect(verifyChain([], ids)).resolves.toMatchObject({ intact: true, head: GENESIS_HASH });
  });
  it('should find changed content', async () => {
    const entries = sample();
    entries[1] = { ...entries[1], payload: { note: '已联系 😀 ' } };
    await expect(verifyChain(entries, ids)).resolves.toMatchObject({ intact: false, firstBroken: { seq: 2, reason: 'hash' } });
  });
  it('should find a missing or re-linked entry', async () => {
    const entries = sample();
    await expect(verifyChain([entries[1]], ids)).resolves.toMatchObject({ firstBroken: { seq: 2, reason: 'seq' } });
    await expect(verifyChain([entries[0], { ...entries[1], prevHash: GENESIS_HASH }], ids)).resolves.toMatchObject({
      firstBroken: { seq: 2, reason: 'prevHash' },
    });
  });
  it('should depend on the case it belongs to', async () => {
    await expect(verifyChain(sample(), { ...ids, caseId: ids.shopId })).resolves.toMatchObject({ intact: false });
  });
});
