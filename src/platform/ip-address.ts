import { isIPv4, isIPv6 } from 'node:net';

/** An IPv4 (32-bit) or IPv6 (128-bit) address as a number, so ranges are plain arithmetic. */
export interface IpAddress {
  readonly family: 4 | 6;
  readonly value: bigint;
}

/** Why an address is no webhook target; `null` from classifyAddress means a public unicast address. */
export type AddressKind =
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'unique-local'
  | 'site-local'
  | 'cgnat'
  | 'multicast'
  | 'broadcast'
  | 'documentation'
  | 'benchmarking'
  | 'reserved'
  | 'cloud metadata';

export interface Cidr {
  readonly family: 4 | 6;
  readonly base: bigint;
  readonly prefix: number;
}

const BITS = { 4: 32, 6: 128 } as const;

/** Parses a literal address: dotted IPv4, or IPv6 with or without brackets, a zone id or a dotted tail. */
export function parseIp(text: string): IpAddress | null {
  let s = text.trim();
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  const zone = s.indexOf('%');
  if (zone !== -1) s = s.slice(0, zone);
  if (isIPv4(s)) return { family: 4, value: v4Value(s) };
  if (isIPv6(s)) return { family: 6, value: v6Value(s) };
  return null;
}

function v4Value(s: string): bigint {
  return s.split('.').reduce((acc, octet) => (acc << 8n) | BigInt(Number(octet)), 0n);
}

function v6Value(s: string): bigint {
  let text = s.toLowerCase();
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    const v4 = v4Value(tail);
    text = `${text.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head, rest] = text.split('::') as [string, string | undefined];
  const headParts = head ? head.split(':') : [];
  const restParts = rest ? rest.split(':') : [];
  const parts = rest === undefined ? headParts : [...headParts, ...Array<string>(8 - headParts.length - restParts.length).fill('0'), ...restParts];
  return parts.reduce((acc, part) => (acc << 16n) | BigInt(parseInt(part, 16)), 0n);
}

/** `10.0.0.0/8`, `fd00::/8`, or a bare address (a range of one). Host bits below the prefix are ignored. */
export function parseCidr(text: string): Cidr | null {
  const slash = text.indexOf('/');
  const ip = parseIp(slash === -1 ? text : text.slice(0, slash));
  if (!ip) return null;
  const bits = BITS[ip.family];
  let prefix: number = bits;
  if (slash !== -1) {
    const raw = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(raw) || Number(raw) > bits) return null;
    prefix = Number(raw);
  }
  return { family: ip.family, base: masked(ip.value, bits, prefix), prefix };
}

function masked(value: bigint, bits: number, prefix: number): bigint {
  const host = BigInt(bits - prefix);
  return (value >> host) << host;
}

export function cidrContains(cidr: Cidr, ip: IpAddress): boolean {
  return cidr.family === ip.family && masked(ip.value, BITS[ip.family], cidr.prefix) === cidr.base;
}

/** The IPv4 address an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) connects to; null for anything else. */
export function mappedIpv4(ip: IpAddress): IpAddress | null {
  return ip.family === 6 && ip.value >> 32n === 0xffffn ? { family: 4, value: ip.value & 0xffffffffn } : null;
}

type Range = { cidr: Cidr; kind: AddressKind | 'embedded-ipv4'; embedded?: (ip: IpAddress) => IpAddress };

function range(text: string, kind: Range['kind'], embedded?: Range['embedded']): Range {
  return { cidr: parseCidr(text)!, kind, embedded };
}

const low32 = (ip: IpAddress): IpAddress => ({ family: 4, value: ip.value & 0xffffffffn });
const sixToFour = (ip: IpAddress): IpAddress => ({ family: 4, value: (ip.value >> 80n) & 0xffffffffn });

/**
 * Special-purpose ranges (IANA registries, RFC 6890 and successors) plus the metadata services clouds
 * answer on, which hand out credentials: those are the addresses an attacker aims a webhook at.
 * Longest prefix wins, so a metadata address inside link-local space is reported as metadata.
 */
const RANGES: Range[] = [
  range('0.0.0.0/8', 'unspecified'), // "this network"; Linux connects 0.0.0.0 to the local host
  range('10.0.0.0/8', 'private'),
  range('100.64.0.0/10', 'cgnat'),
  range('100.100.100.200', 'cloud metadata'), // Alibaba Cloud
  range('127.0.0.0/8', 'loopback'),
  range('168.63.129.16', 'cloud metadata'), // Azure host services, a public address answering only inside Azure
  range('169.254.0.0/16', 'link-local'),
  range('169.254.0.23', 'cloud metadata'), // Tencent Cloud
  range('169.254.169.254', 'cloud metadata'), // AWS, GCP, Azure, OpenStack, Huawei Cloud, …
  range('169.254.170.2', 'cloud metadata'), // AWS ECS task credentials
  range('172.16.0.0/12', 'private'),
  range('192.0.0.0/24', 'reserved'),
  range('192.0.0.192', 'cloud metadata'), // Oracle Cloud
  range('192.0.2.0/24', 'documentation'),
  range('192.88.99.0/24', 'reserved'),
  range('192.168.0.0/16', 'private'),
  range('198.18.0.0/15', 'benchmarking'),
  range('198.51.100.0/24', 'documentation'),
  range('203.0.113.0/24', 'documentation'),
  range('224.0.0.0/4', 'multicast'),
  range('240.0.0.0/4', 'reserved'),
  range('255.255.255.255', 'broadcast'),

  range('::', 'unspecified'),
  range('::1', 'loopback'),
  range('::/96', 'reserved'), // IPv4-compatible, deprecated
  range('::ffff:0:0/96', 'embedded-ipv4', low32), // IPv4-mapped: the socket connects to the IPv4 address
  range('::ffff:0:0:0/96', 'reserved'), // IPv4-translated
  range('64:ff9b::/96', 'embedded-ipv4', low32), // NAT64 reaches the IPv4 address
  range('64:ff9b:1::/48', 'private'), // local-use NAT64
  range('100::/64', 'reserved'), // discard
  range('2001::/32', 'reserved'), // Teredo
  range('2001:2::/48', 'benchmarking'),
  range('2001:db8::/32', 'documentation'),
  range('2002::/16', 'embedded-ipv4', sixToFour), // 6to4 relays to the IPv4 address
  range('3fff::/20', 'documentation'),
  range('fc00::/7', 'unique-local'),
  range('fd00:ec2::254', 'cloud metadata'), // AWS (IPv6)
  range('fd20:ce::254', 'cloud metadata'), // GCP (IPv6)
  range('fe80::/10', 'link-local'),
  range('fec0::/10', 'site-local'),
  range('ff00::/8', 'multicast'),
].sort((a, b) => b.cidr.prefix - a.cidr.prefix);

/**
 * What kind of special address `ip` is, or null for a public unicast address. IPv6 forms that reach an
 * IPv4 address (mapped, NAT64, 6to4) are judged by that IPv4 address.
 */
export function classifyAddress(ip: IpAddress): AddressKind | null {
  const match = RANGES.find((r) => cidrContains(r.cidr, ip));
  if (!match) return null;
  if (match.kind === 'embedded-ipv4') return classifyAddress(match.embedded!(ip));
  return match.kind;
}
