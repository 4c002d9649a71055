import { parseCidr, type Cidr } from '../ip-address.js';

/** The WEBHOOK_ALLOWED_TARGETS grammar: CIDR ranges, host names and `*.suffix` entries, or `none`/`auto` alone. */
const HOST_PATTERN = /^(\*\.)?([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

export interface AllowList {
  cidrs: Cidr[];
  /** Exact host names, and suffixes (`.corp.example`) from `*.corp.example` entries. */
  hosts: string[];
  suffixes: string[];
}

/** Problems with a WEBHOOK_ALLOWED_TARGETS value, for the boot-time configuration check. */
export function allowedTargetsProblems(value: string): string[] {
  return parseAllowList(value).problems;
}

export function parseAllowList(value: string): AllowList & { problems: string[] } {
  const list: AllowList & { problems: string[] } = { cidrs: [], hosts: [], suffixes: [], problems: [] };
  const entries = value
    .split(',')
    .map((e) => e.trim().toLowerCase())
    .filter(Boolean);
  if (entries.length === 1 && (entries[0] === 'none' || entries[0] === 'auto')) return list;
  for (const entry of entries) {
    if (entry === 'none' || entry === 'auto') {
      list.problems.push(`WEBHOOK_ALLOWED_TARGETS: "${entry}" stands alone, it cannot be combined with other entries`);
      continue;
    }
    if (/^[\d.]+(\/\d+)?$/.test(entry) || entry.includes(':')) {
      const cidr = parseCidr(entry);
      if (cidr) list.cidrs.push(cidr);
      else list.problems.push(`WEBHOOK_ALLOWED_TARGETS: "${entry}" is not an IP address or CIDR range`);
    } else if (HOST_PATTERN.test(entry.replace(/\.$/, ''))) {
      const host = entry.replace(/\.$/, '');
      if (host.startsWith('*.')) list.suffixes.push(host.slice(1));
      else list.hosts.push(host);
    } else {
      list.problems.push(`WEBHOOK_ALLOWED_TARGETS: "${entry}" is neither a CIDR range nor a host name (use "*.example.internal" for subdomains)`);
    }
  }
  return list;
}
