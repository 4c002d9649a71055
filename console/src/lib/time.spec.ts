import { formatInZone, zoneLabel } from './time';

describe('formatInZone', () => {
  const at = '2026-11-24T06:00:00.000Z';
  it('should show the time in the shop zone, not the machine zone', () => {
    expect(formatInZone(at, 'Asia/Shanghai')).toBe('11月24日 14:00');
    expect(formatInZone(at, 'America/New_York', 'en-US')).toBe('Nov 24, 01:00');
  });
});

describe('zoneLabel', () => {
  it('should call China time 北京时间 in Chinese', () => {
    expect(zoneLabel('Asia/Shanghai')).toBe('北京时间');
    expect(zoneLabel('America/New_York', 'en-US', new Date('2026-11-24T06:00:00Z'))).toBe('EST');
  });
});
