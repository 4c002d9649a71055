const formatters = new Map<string, Intl.NumberFormat>();

/** Money is integer minor units (fen); shown as the currency in the console's locale (¥299.00). */
export function formatMoney(minor: number | null | undefined, currency = 'CNY', locale = 'zh-CN'): string {
  if (minor === null || minor === undefined) return '—';
  const key = `${locale}|${currency}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.NumberFormat(locale, { style: 'currency', currency });
    formatters.set(key, formatter);
  }
  // Divide in integers first so 29900 fen is exactly 299 yuan before the formatter sees a float.
  const sign = minor < 0 ? -1 : 1;
  const abs = Math.abs(minor);
  return formatter.format(sign * (Math.floor(abs / 100) + (abs % 100) / 100));
}

/**
 * A yuan amount as typed ("299", "299.5", "1,299.00", "¥12") → fen, without floating point.
 * Null when it is not an amount with at most two decimals.
 */
export function yuanToFen(input: string): number | null {
  const cleaned = input.replace(/[¥￥,，\s]/g, '');
  const match = /^(\d+)(?:\.(\d{0,2}))?$/.exec(cleaned);
  if (!match) return null;
  const fen = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return Number.isSafeInteger(fen) ? fen : null;
}

/** fen → the yuan text an amount input shows ("299.00"). */
export function fenToYuanText(minor: number): string {
  const abs = Math.abs(minor);
  return `${minor < 0 ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
