import { cursorCodec } from './cursor.js';
import { decodeCursor, encodeCursor, toPage } from './pagination.js';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

describe('cursor pagination', () => {
  it('should round-trip a keyset position', () => {
    const position = { at: '2026-11-02T09:00:00.123Z', id: '5d9e5d5e-0000-4000-8000-000000000001' };
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
  });

  it('should read a cursor written before the shared codec', () => {
    const position = { at: '2026-11-02T09:00:00.123Z', id: '5d9e5d5e-0000-4000-8000-000000000001' };
    expect(decodeCursor(b64(JSON.stringify(position)))).toEqual(position);
  });

  it.each([
    ['garbage', 'garbage'],
    ['an unreadable time', b64('{"at":"yesterday","id":"x"}')],
    ['an empty array', b64('[]')],
    // decodable, but PostgreSQL could not read these: they used to reach SQL and answer 500
    ['an id that is no UUID', b64('{"at":"2026-11-02T09:00:00Z","id":"x"}')],
    ['a year PostgreSQL cannot store', b64('{"at":"+275760-09-13T00:00:00.000Z","id":"5d9e5d5e-0000-4000-8000-000000000001"}')],
    ['year 0', b64('{"at":"0000-01-01T00:00:00Z","id":"5d9e5d5e-0000-4000-8000-000000000001"}')],
    ['a loose date', b64('{"at":"1","id":"5d9e5d5e-0000-4000-8000-000000000001"}')],
    ['an extra field', b64('{"at":"2026-11-02T09:00:00Z","id":"5d9e5d5e-0000-4000-8000-000000000001","x":1}')],
  ])('should refuse %s as a problem', (_name, cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(expect.objectContaining({ code: 'INVALID_CURSOR', status: 400 }));
  });

  it('should cut a page and point the cursor at its last item', () => {
    const ids = ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000003'];
    const rows = [1, 2, 3].map((n) => ({ n, at: `2026-01-0${n}T00:00:00.000Z` }));
    const page = toPage(
      rows,
      2,
      (r) => ({ at: r.at, id: ids[r.n - 1] }),
      (r) => r.n,
    );
    expect(page.items).toEqual([1, 2]);
    expect(decodeCursor(page.nextCursor!)).toEqual({ at: rows[1].at, id: ids[1] });
    expect(
      toPage(
        rows,
        3,
        (r) => ({ at: r.at, id: ids[r.n - 1] }),
        (r) => r.n,
      ).nextCursor,
    ).toBeNull();
  });
});

describe('cursorCodec', () => {
  const feed = cursorCodec({ feedKey: 'bigint', caseId: 'uuid', seq: 'int' }, 'dotted');
  const caseId = '0b7c2f0e-3b8f-4a53-9d54-2f1f1e9b7a10';

  it('should keep the dotted form of the change feed', () => {
    expect(feed.encode({ feedKey: '12345', caseId, seq: 2 })).toBe(b64(`12345.${caseId}.2`));
    expect(feed.decode(feed.encode({ feedKey: '12345', caseId, seq: 2 }))).toEqual({ feedKey: '12345', caseId, seq: 2 });
    expect(feed.decode(b64(`9223372036854775807.${caseId}.2147483647`))).toEqual({ feedKey: '9223372036854775807', caseId, seq: 2147483647 });
  });

  it.each([
    ['a feed key past bigint', `9223372036854775808.${caseId}.1`],
    ['a feed key of 19 nines', `9999999999999999999.${caseId}.1`],
    ['a seq past integer', `1.${caseId}.2147483648`],
    ['a negative seq', `1.${caseId}.-1`],
    ['a missing part', `1.${caseId}`],
    ['an extra part', `1.${caseId}.1.1`],
  ])('should refuse %s', (_name, text) => {
    expect(() => feed.decode(b64(text))).toThrow(expect.objectContaining({ code: 'INVALID_CURSOR' }));
  });

  it('should take null only where the field allows it', () => {
    const queue = cursorCodec({ dueAt: 'timestamp-or-null', requestedAmount: 'safe-int', id: 'uuid' });
    expect(queue.decode(queue.encode({ dueAt: null, requestedAmount: 29900, id: caseId }))).toEqual({ dueAt: null, requestedAmount: 29900, id: caseId });
    expect(() => queue.decode(b64(JSON.stringify({ dueAt: null, requestedAmount: 1.5, id: caseId })))).toThrow(
      expect.objectContaining({ code: 'INVALID_CURSOR' }),
    );
    expect(() => decodeCursor(b64(JSON.stringify({ at: null, id: caseId })))).toThrow(expect.objectContaining({ code: 'INVALID_CURSOR' }));
  });
});
