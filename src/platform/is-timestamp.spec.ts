import { isTimestamp } from './is-timestamp.js';

describe('isTimestamp', () => {
  it.each([
    '2026-11-02T09:00:00Z',
    '2026-11-02T17:00:00.250+08:00',
    '2026-11-02T09:00Z',
    '2026-11-02t09:00:00z',
    '2026-11-02T09:00:00+14:00',
    '2026-11-02T09:00:00-12:00',
    '1970-01-01T00:00:00Z',
    '8999-12-31T23:59:59Z',
  ])('should accept %s', (value) => {
    expect(isTimestamp(value)).toBe(true);
  });

  it.each([
    '2026-W45-1',
    '2026-306',
    '20261102T090000Z',
    '2026-11-02T09:00:00,5Z',
    '2026-11-02 09:00',
    '2026-11-02T09:00:00',
    '2026-13-02T09:00:00Z',
    '2026-02-30T09:00:00Z',
    '',
    1762074000000,
    // outside the range every deadline stays readable in: year 0, the far future, impossible offsets
    '0000-01-01T00:00:00Z',
    '1969-12-31T23:59:59Z',
    '9999-12-31T00:00:00Z',
    '9000-01-01T00:00:00Z',
    '2026-11-02T09:00:00+23:59',
    '2026-11-02T09:00:00-14:01',
    '2026-11-02T09:00:00+15:00',
  ])('should refuse %s', (value) => {
    expect(isTimestamp(value)).toBe(false);
  });
});
