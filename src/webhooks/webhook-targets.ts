import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import type { Environment } from '../platform/config/environment.js';
import { parseAllowList, type AllowList } from '../platform/config/target-allow-list.js';
import { cidrContains, classifyAddress, mappedIpv4, parseIp, type AddressKind, type IpAddress } from '../platform/ip-address.js';

export { allowedTargetsProblems } from '../platform/config/target-allow-list.js';

/** Resolves a host name to every address it has (dns.lookup with `all: true`); injectable for tests. */
export type Resolver = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

export const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true });

/** What `auto` means on the embedded database: the docs' receiver on this machine works out of the box. */
export const EMBEDDED_ALLOWED_TARGETS = '127.0.0.0/8,::1';

/** A webhook target the policy refused; the message is what the delivery log shows. */
export class TargetRefusedError extends Error {
  constructor(
    message: string,
    readonly address: string,
    readonly kind: AddressKind,
  ) {
    super(message);
    this.name = 'TargetRefusedError';
  }
}

export interface VettedAddress {
  address: string;
  family: 4 | 6;
}

/** The addresses that passed the check, for the connection to use instead of resolving again. */
export interface VettedTarget {
  /** The URL's host without brackets: the Host header and TLS server name stay this. */
  host: string;
  /** In the resolver's order; all of them checked, so the connection may fall back from one to the next. */
  addresses: VettedAddress[];
}

function normalHost(hostname: string): string {
  const host = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return host.toLowerCase().replace(/\.$/, '');
}

/**
 * Which hosts a webhook may be sent to. Private, loopback, link-local, CGNAT, multicast and other special
 * addresses are refused unless WEBHOOK_ALLOWED_TARGETS names them (a CIDR range, or a host name whose
 * addresses are then trusted). Cloud metadata addresses are refused even inside an allowed range or
 * behind an allowed name: only an entry naming that exact address lets one through, so `0.0.0.0/0`
 * cannot hand out instance credentials by accident.
 *
 * Registration refuses what is plainly wrong from the URL alone (literal addresses, `localhost`); the
 * delivery-time check on the resolved addresses is the one that counts, since DNS can change after.
 */
export class WebhookTargetPolicy {
  private readonly allow: AllowList;

  constructor(allowedTargets: string) {
    const { problems, ...allow } = parseAllowList(allowedTargets);
    if (problems.length > 0) throw new Error(problems.join('; '));
    this.allow = allow;
  }

  /** `auto` allows loopback when the service runs on its embedded database (no DATABASE_URL), nothing otherwise. */
  static fromEnvironment(env: Pick<Environment, 'WEBHOOK_ALLOWED_TARGETS' | 'DATABASE_URL'>): WebhookTargetPolicy {
    const value =
      env.WEBHOOK_ALLOWED_TARGETS.trim().toLowerCase() === 'auto' ? (env.DATABASE_URL ? 'none' : EMBEDDED_ALLOWED_TARGETS) : env.WEBHOOK_ALLOWED_TARGETS;
    return new WebhookTargetPolicy(value);
  }

  /** Why `address` may not be connected to (null: it may). `hostAllowed`: the URL's host name is allow-listed. */
  refusal(address: IpAddress, hostAllowed = false): AddressKind | null {
    const kind = classifyAddress(address);
    if (kind === null) return null;
    if (kind === 'cloud metadata') return this.namesExactly(address) ? null : kind;
    return hostAllowed || this.inAllowedRange(address) ? null : kind;
  }

  isHostAllowed(hostname: string): boolean {
    const host = normalHost(hostname);
    return this.allow.hosts.includes(host) || this.allow.suffixes.some((suffix) => host.endsWith(suffix));
  }

  /**
   * The registration-time check: a message saying why the URL can never be a target, or null. Host names
   * other than `localhost` pass here; their addresses are checked at every delivery.
   */
  registrationProblem(url: string): string | null {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return null; // the DTO's URL check reports it
    }
    const host = normalHost(parsed.hostname);
    if (this.isHostAllowed(host)) return null;
    const literal = parseIp(host);
    if (literal) {
      const kind = this.refusal(literal);
      return kind ? this.describe(host, kind, null) : null;
    }
    if (host === 'localhost' || host.endsWith('.localhost')) {
      // RFC 6761: these names always mean this machine.
      const loopback = [parseIp('127.0.0.1')!, parseIp('::1')!];
      return loopback.some((ip) => this.refusal(ip) === null) ? null : this.describe('127.0.0.1', 'loopback', host);
    }
    return null;
  }

  /**
   * The delivery-time check: resolves the URL's host once, refuses if any of its addresses is not allowed
   * (a name that also points inside is not trusted with the public half), and returns the addresses to
   * connect to. The connection must use those (see pinnedLookup), never resolve the name again, or DNS
   * could answer differently in between.
   */
  async vet(url: URL, resolver: Resolver = systemResolver): Promise<VettedTarget> {
    const host = normalHost(url.hostname);
    const literal = parseIp(host);
    const hostAllowed = this.isHostAllowed(host);
    const found = literal ? [{ address: host, family: literal.family }] : await resolver(host);
    if (found.length === 0) throw new Error(`${host} has no address`);
    const addresses: VettedAddress[] = [];
    for (const { address } of found) {
      const ip = parseIp(address);
      if (!ip) throw new Error(`${host} resolved to "${address}", which is no IP address`);
      const kind = this.refusal(ip, hostAllowed);
      if (kind) throw new TargetRefusedError(this.describe(address, kind, literal ? null : host), address, kind);
      addresses.push({ address, family: ip.family });
    }
    return { host, addresses };
  }

  private describe(address: string, kind: AddressKind, host: string | null): string {
    return `target address ${address}${host ? ` (${host})` : ''} is not allowed (${kind}); allow it with WEBHOOK_ALLOWED_TARGETS`;
  }

  private inAllowedRange(ip: IpAddress): boolean {
    const v4 = mappedIpv4(ip);
    return this.allow.cidrs.some((cidr) => cidrContains(cidr, ip) || (v4 !== null && cidrContains(cidr, v4)));
  }

  private namesExactly(ip: IpAddress): boolean {
    const v4 = mappedIpv4(ip);
    return this.allow.cidrs.some(
      (cidr) => cidr.prefix === (cidr.family === 4 ? 32 : 128) && (cidrContains(cidr, ip) || (v4 !== null && cidrContains(cidr, v4))),
    );
  }
}

/**
 * A `lookup` for http(s).request that answers with the vetted addresses whatever it is asked, so the socket
 * goes where the check said while the Host header and TLS server name stay the URL's host. Asked for all
 * (Node's happy eyeballs), it gives every vetted address; otherwise the first.
 */
export function pinnedLookup(addresses: VettedAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    if (options?.all)
      callback(
        null,
        addresses.map(({ address, family }) => ({ address, family })),
      );
    else callback(null, addresses[0].address, addresses[0].family);
  };
}
