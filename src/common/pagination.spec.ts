import { decodeCursor, encodeCursor, toPage } from './pagination.js';

describe('cursor pagination', () => {
  it('should round-trip a keyset position', () => {
    const position = { at: '2026-11-02T09:00:00.123Z', id: '5d9e5d5e-0000-4000-8000-000000000001' };
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
  });

  it.each(['garbage', Buffer.from('{"at":"yesterday","id":"x"}').toString('base64url'), Buffer.from('[]').toString('base64url')])(
    'should refuse the cursor %s as a problem',
    (cursor) => {
      expect(() => decodeCursor(cursor)).toThrow(expect.objectContaining({ code: 'INVALID_CURSOR', status: 400 }));
    },
  );

  it('should cut a page and point the cursor at its last item', () => {
    const rows = [1, 2, 3].map((n) => ({ n, at: `2026-01-0${n}T00:00:00.000Z` }));
    const page = toPage(rows, 2, (r) => ({ at: r.at, id: String(r.n) }), (r) => r.n);
    expect(page.items).toEqual([1, 2]);
    expect(decodeCursor(page.nextCursor!)).toEqual({ at: rows[1].at, id: '2' });
    expect(toPage(rows, 3, (r) => ({ at: r.at, id: String(r.n) }), (r) => r.n).nextCursor).toBeNull();
  });
});
