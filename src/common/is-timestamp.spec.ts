import { isTimestamp } from './is-timestamp.js';

describe('isTimestamp', () => {
  it.each(['2026-11-02T09:00:00Z', '2026-11-02T17:00:00.250+08:00', '2026-11-02T09:00Z', '2026-11-02t09:00:00z'])('should accept %s', (value) => {
    expect(isTimestamp(value)).toBe(true);
  });

  it.each(['2026-W45-1', '2026-306', '20261102T090000Z', '2026-11-02T09:00:00,5Z', '2026-11-02 09:00', '2026-11-02T09:00:00', '2026-13-02T09:00:00Z', '2026-02-30T09:00:00Z', '', 1762074000000])(
    'should refuse %s',
    (value) => {
      expect(isTimestamp(value)).toBe(false);
    },
  );
});
