const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * An absolute time in the shop's time zone (platform time), e.g. `11月24日 14:00` / `Nov 24, 14:00`.
 * Platform deadlines are in platform time whatever the agent's computer says.
 */
export function formatInZone(iso: string | number | Date, timeZone: string, locale = 'zh-CN', withSeconds = false): string {
  const key = `${locale}|${timeZone}|${withSeconds}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(locale, {
      timeZone,
      month: locale.startsWith('zh') ? 'long' : 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      second: withSeconds ? '2-digit' : undefined,
      hourCycle: 'h23',
    });
    formatters.set(key, formatter);
  }
  return formatter.format(new Date(iso));
}

/** The zone's short name as agents know it: 北京时间 for Asia/Shanghai in Chinese, else the zone's own abbreviation. */
export function zoneLabel(timeZone: string, locale = 'zh-CN', at = new Date()): string {
  if (locale.startsWith('zh') && (timeZone === 'Asia/Shanghai' || timeZone === 'Asia/Chongqing' || timeZone === 'PRC')) return '北京时间';
  const part = new Intl.DateTimeFormat(locale.startsWith('zh') ? 'en-US' : locale, { timeZone, timeZoneName: 'short' })
    .formatToParts(at)
    .find((p) => p.type === 'timeZoneName');
  return part?.value ?? timeZone;
}
