import { formatCountdown, secondsUntil, serverOffsetMs, slaStage } from './countdown';

describe('formatCountdown', () => {
  it('should show MM:SS under an hour', () => {
    expect(formatCountdown(59 * 60 + 5)).toBe('59:05');
    expect(formatCountdown(0)).toBe('00:00');
  });
  it('should show H:MM:SS from an hour', () => {
    expect(formatCountdown(3600)).toBe('1:00:00');
    expect(formatCountdown(23 * 3600 + 59 * 60 + 59)).toBe('23:59:59');
  });
  it('should show days with the unit from a day', () => {
    expect(formatCountdown(2 * 86_400 + 3 * 3600 + 15 * 60 + 40)).toBe('2天 03:15');
    expect(formatCountdown(86_400, { day: 'd' })).toBe('1d 00:00');
  });
  it('should mark overdue time with a minus sign', () => {
    expect(formatCountdown(-1)).toBe('-00:01');
    expect(formatCountdown(-3725)).toBe('-1:02:05');
  });
});

describe('secondsUntil', () => {
  it('should never show time that has already passed', () => {
    expect(secondsUntil(10_999, 0)).toBe(10);
    expect(secondsUntil(0, 1)).toBe(-1);
  });
});

describe('slaStage', () => {
  const lead = 6 * 3600_000;
  it('should follow the API rule', () => {
    expect(slaStage(null, 0, lead)).toBe('ok');
    expect(slaStage(lead + 1, 0, lead)).toBe('ok');
    expect(slaStage(lead, 0, lead)).toBe('due_soon');
    expect(slaStage(0, 0, lead)).toBe('overdue');
  });
});

describe('serverOffsetMs', () => {
  it('should be the server clock minus the local clock', () => {
    expect(serverOffsetMs('2026-01-01T00:00:10.000Z', Date.parse('2026-01-01T00:00:00.000Z'))).toBe(10_000);
    expect(serverOffsetMs('not a time', 5)).toBe(0);
  });
});
