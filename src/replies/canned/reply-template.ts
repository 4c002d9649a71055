import type { CaseType } from '../../cases/machine/case.types.js';

/** The only names a canned reply may use; anything else is refused when the reply is saved. */
export const REPLY_VARIABLES = ['buyerName', 'orderId', 'amount', 'requestedAmount', 'deadline', 'shopName', 'agentName', 'caseType', 'trackingNo'] as const;
export type ReplyVariable = (typeof REPLY_VARIABLES)[number];

export interface MoneyValue {
  /** Integer minor units (fen for CNY). */
  minor: number;
  /** ISO 4217 code. */
  currency: string;
}

export interface ReplyValues {
  buyerName?: string | null;
  orderId?: string | null;
  amount?: MoneyValue | null;
  requestedAmount?: MoneyValue | null;
  deadline?: Date | null;
  shopName?: string | null;
  agentName?: string | null;
  caseType?: CaseType | null;
  trackingNo?: string | null;
  /** IANA zone the buyer-facing times are written in, normally the shop's. */
  timeZone: string;
}

export interface RenderedReply {
  text: string;
  /** Known variables that had no value and were left as `{name}` for the agent to fill in, in order of appearance. */
  unresolved: ReplyVariable[];
}

/**
 * `{{` and `}}` are literal braces; `{name}` is a placeholder. The name is anything up to the closing brace
 * except braces and whitespace, so a mistyped or non-Latin name (`{买家}`) is reported as unknown instead of
 * going out to a buyer as stray text.
 */
const TOKEN = /\{\{|\}\}|\{([^{}\s]+)\}/g;

const CASE_TYPE_LABELS: Record<CaseType, string> = {
  refund: '退款',
  return: '退货退款',
  exchange: '换货',
  complaint: '投诉',
};

function isReplyVariable(name: string): name is ReplyVariable {
  return (REPLY_VARIABLES as readonly string[]).includes(name);
}

/** Every placeholder name in `body`, in order of first appearance, without repeats. */
export function templateVariables(body: string): string[] {
  const names = new Set<string>();
  for (const match of body.matchAll(TOKEN)) {
    if (match[1] !== undefined) names.add(match[1]);
  }
  return [...names];
}

/** Placeholder names in `body` that are not reply variables. */
export function unknownVariables(body: string): string[] {
  return templateVariables(body).filter((name) => !isReplyVariable(name));
}

/**
 * Fills the placeholders of a canned reply. A variable without a value stays in the text as `{name}` so the
 * agent sees the gap, and is listed in `unresolved`. Unknown names are left untouched; saving a reply with
 * them is refused earlier. Values are inserted once and never re-read as template text.
 */
export function renderReply(body: string, values: ReplyValues): RenderedReply {
  const unresolved = new Set<ReplyVariable>();
  const text = body.replace(TOKEN, (token: string, name: string | undefined) => {
    if (name === undefined) return token[0];
    if (!isReplyVariable(name)) return token;
    const value = formatVariable(name, values);
    if (value === null) {
      unresolved.add(name);
      return token;
    }
    return value;
  });
  return { text, unresolved: [...unresolved] };
}

function formatVariable(name: ReplyVariable, values: ReplyValues): string | null {
  switch (name) {
    case 'amount':
    case 'requestedAmount': {
      const money = values[name];
      return money ? formatMoney(money) : null;
    }
    case 'deadline':
      return values.deadline ? formatDeadline(values.deadline, values.timeZone) : null;
    case 'caseType':
      return values.caseType ? CASE_TYPE_LABELS[values.caseType] : null;
    case 'buyerName':
    case 'orderId':
    case 'shopName':
    case 'agentName':
    case 'trackingNo': {
      // A blank name would leave the buyer reading "您好，！", so it counts as missing.
      const value = values[name]?.trim();
      return value ? value : null;
    }
  }
}

/** `¥1,299.00` for CNY, `1,299.00 USD` for any other currency, with that currency's own number of decimals. */
export function formatMoney(money: MoneyValue): string {
  if (!Number.isSafeInteger(money.minor)) {
    throw new RangeError(`Money must be an integer number of minor units, got ${money.minor}`);
  }
  const currency = money.currency.toUpperCase();
  const digits = fractionDigits(currency);
  const scale = 10 ** digits;
  const absolute = Math.abs(money.minor);
  const major = String(Math.floor(absolute / scale)).replace(/\B(?=(\d{3})+$)/g, ',');
  const fraction = digits > 0 ? `.${String(absolute % scale).padStart(digits, '0')}` : '';
  const sign = money.minor < 0 ? '-' : '';
  return currency === 'CNY' ? `${sign}¥${major}${fraction}` : `${sign}${major}${fraction} ${currency}`;
}

function fractionDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    // An unrecognised code still has to render; two decimals is what nearly every currency uses.
    return 2;
  }
}

const deadlineFormats = new Map<string, Intl.DateTimeFormat>();

/** `11月24日 14:00` on the clock of `timeZone`. */
export function formatDeadline(deadline: Date, timeZone: string): string {
  if (Number.isNaN(deadline.getTime())) throw new RangeError('Deadline is not a valid date');
  let format = deadlineFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      month: 'numeric',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    deadlineFormats.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(deadline).map((part) => [part.type, part.value]));
  return `${parts.month}月${parts.day}日 ${parts.hour.padStart(2, '0')}:${parts.minute.padStart(2, '0')}`;
}
