import { ConfigValidationError, loadEnvironment } from '../platform/config/environment.js';
import { parseIp } from '../platform/ip-address.js';
import { allowedTargetsProblems, pinnedLookup, TargetRefusedError, WebhookTargetPolicy, type Resolver } from './webhook-targets.js';

const ip = (text: string) => parseIp(text)!;
const ADMIN_TOKEN = 'x'.repeat(32);

/** A resolver that answers from a table and counts its calls; it never touches the network. */
function fakeResolver(table: Record<string, string[]>): Resolver & { calls: string[] } {
  const calls: string[] = [];
  const resolver = async (hostname: string) => {
    calls.push(hostname);
    const addresses = table[hostname];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolver, { calls });
}

describe(WebhookTargetPolicy.name, () => {
  it('should refuse every special address with nothing allowed, and pass public ones', () => {
    const policy = new WebhookTargetPolicy('none');
    expect(policy.refusal(ip('127.0.0.1'))).toBe('loopback');
    expect(policy.refusal(ip('::ffff:10.1.2.3'))).toBe('private');
    expect(policy.refusal(ip('fd00:ec2::254'))).toBe('cloud metadata');
    expect(policy.refusal(ip('93.184.216.34'))).toBeNull();
  });

  it('should allow CIDR ranges of the allow-list, IPv4 ranges covering IPv4-mapped addresses too', () => {
    const policy = new WebhookTargetPolicy('10.20.0.0/16, fd00:1234::/32,127.0.0.1');
    expect(policy.refusal(ip('10.20.3.4'))).toBeNull();
    expect(policy.refusal(ip('::ffff:10.20.3.4'))).toBeNull();
    expect(policy.refusal(ip('10.21.0.1'))).toBe('private');
    expect(policy.refusal(ip('fd00:1234::9'))).toBeNull();
    expect(policy.refusal(ip('fd00:1235::9'))).toBe('unique-local');
    expect(policy.refusal(ip('127.0.0.1'))).toBeNull();
    expect(policy.refusal(ip('127.0.0.2'))).toBe('loopback');
    expect(policy.refusal(ip('::1'))).toBe('loopback');
  });

  it('should refuse cloud metadata addresses inside an allowed range, unless the list names that very address', () => {
    const wide = new WebhookTargetPolicy('0.0.0.0/0,::/0,169.254.0.0/16');
    expect(wide.refusal(ip('169.254.10.10'))).toBeNull();
    expect(wide.refusal(ip('10.0.0.1'))).toBeNull();
    expect(wide.refusal(ip('169.254.169.254'))).toBe('cloud metadata');
    expect(wide.refusal(ip('::ffff:169.254.169.254'))).toBe('cloud metadata');
    expect(wide.refusal(ip('fd00:ec2::254'))).toBe('cloud metadata');
    expect(wide.refusal(ip('169.254.169.254'), true)).toBe('cloud metadata');
    const exact = new WebhookTargetPolicy('169.254.169.254/32');
    expect(exact.refusal(ip('169.254.169.254'))).toBeNull();
    expect(exact.refusal(ip('::ffff:169.254.169.254'))).toBeNull();
  });

  it('should match allowed host names exactly, and subdomains of "*." entries only', () => {
    const policy = new WebhookTargetPolicy('oms.corp.example,*.hooks.internal');
    expect(policy.isHostAllowed('OMS.corp.example.')).toBe(true);
    expect(policy.isHostAllowed('x.oms.corp.example')).toBe(false);
    expect(policy.isHostAllowed('a.hooks.internal')).toBe(true);
    expect(policy.isHostAllowed('a.b.hooks.internal')).toBe(true);
    expect(policy.isHostAllowed('hooks.internal')).toBe(false);
    expect(policy.isHostAllowed('evilhooks.internal')).toBe(false);
  });

  it('should report bad allow-list entries', () => {
    expect(allowedTargetsProblems('10.0.0.0/8, ::1, oms.example, *.corp.example')).toEqual([]);
    expect(allowedTargetsProblems('none')).toEqual([]);
    expect(allowedTargetsProblems('')).toEqual([]);
    const problems = allowedTargetsProblems('10.0.0.0/33,fd00::/200,under score?,none,10.1');
    expect(problems).toHaveLength(5);
    expect(problems.join('\n')).toContain('"10.0.0.0/33"');
    expect(() => new WebhookTargetPolicy('10.0.0.0/99')).toThrow(/10\.0\.0\.0\/99/);
  });

  describe('the WEBHOOK_ALLOWED_TARGETS setting', () => {
    it('should allow loopback by default on the embedded database and nothing with DATABASE_URL', () => {
      const embedded = WebhookTargetPolicy.fromEnvironment(loadEnvironment({}));
      expect(embedded.refusal(ip('127.0.0.1'))).toBeNull();
      expect(embedded.refusal(ip('::1'))).toBeNull();
      expect(embedded.refusal(ip('10.0.0.1'))).toBe('private');
      const external = WebhookTargetPolicy.fromEnvironment(loadEnvironment({ DATABASE_URL: 'postgres://u:p@db/app', ADMIN_TOKEN }));
      expect(external.refusal(ip('127.0.0.1'))).toBe('loopback');
    });

    it('should take an explicit value over the default, "none" included', () => {
      const none = WebhookTargetPolicy.fromEnvironment(loadEnvironment({ WEBHOOK_ALLOWED_TARGETS: 'none' }));
      expect(none.refusal(ip('127.0.0.1'))).toBe('loopback');
      const listed = WebhookTargetPolicy.fromEnvironment(
        loadEnvironment({ DATABASE_URL: 'postgres://u:p@db/app', ADMIN_TOKEN, WEBHOOK_ALLOWED_TARGETS: '10.0.0.0/8' }),
      );
      expect(listed.refusal(ip('10.9.9.9'))).toBeNull();
      expect(listed.refusal(ip('127.0.0.1'))).toBe('loopback');
    });

    it('should stop the start on a bad entry, naming the setting', () => {
      expect(() => loadEnvironment({ WEBHOOK_ALLOWED_TARGETS: '10.0.0.0/8,300.1.1.1/8' })).toThrow(ConfigValidationError);
      expect(() => loadEnvironment({ WEBHOOK_ALLOWED_TARGETS: '10.0.0.0/8,300.1.1.1/8' })).toThrow(/WEBHOOK_ALLOWED_TARGETS: "300\.1\.1\.1\/8"/);
      expect(() => loadEnvironment({ WEBHOOK_RETENTION_DAYS: '60', WEBHOOK_FAILED_RETENTION_DAYS: '30' })).toThrow(/WEBHOOK_FAILED_RETENTION_DAYS/);
    });
  });

  describe('registration', () => {
    const policy = new WebhookTargetPolicy('none');

    it.each([
      'http://10.1.2.3/hook',
      'http://127.0.0.1:4000/hooks',
      'http://0x7f.1/hooks', // the URL parser makes this 127.0.0.1
      'http://2130706433/hooks',
      'http://[::1]:8080/',
      'http://[::ffff:169.254.169.254]/latest/meta-data',
      'http://169.254.169.254/latest/meta-data',
      'https://[fd00:ec2::254]/',
      'http://0.0.0.0:9000/',
      'http://localhost:4000/hooks',
      'http://LOCALHOST./hooks',
      'http://api.localhost/hooks',
    ])('should refuse %s', (url) => {
      expect(policy.registrationProblem(url)).toMatch(/^target address .+ is not allowed \(.+\); allow it with WEBHOOK_ALLOWED_TARGETS$/);
    });

    it('should accept public addresses and host names (their addresses are checked at delivery)', () => {
      for (const url of ['https://oms.example.com/hooks', 'http://93.184.216.34/x', 'https://[2606:4700::1111]/', 'http://internal-only.corp/x']) {
        expect(policy.registrationProblem(url)).toBeNull();
      }
    });

    it('should accept what the allow-list allows, localhost with loopback allowed', () => {
      const loopback = new WebhookTargetPolicy('127.0.0.0/8,::1');
      expect(loopback.registrationProblem('http://127.0.0.1:4000/hooks')).toBeNull();
      expect(loopback.registrationProblem('http://localhost:4000/hooks')).toBeNull();
      expect(loopback.registrationProblem('http://10.0.0.1/hooks')).toMatch(/\(private\)/);
      expect(new WebhookTargetPolicy('10.0.0.0/8').registrationProblem('http://10.0.0.1/hooks')).toBeNull();
    });
  });

  describe('delivery-time check', () => {
    it('should resolve a name once and return its checked addresses', async () => {
      const resolver = fakeResolver({ 'hooks.example.com': ['93.184.216.34', '2606:2800:220:1::1'] });
      const target = await new WebhookTargetPolicy('none').vet(new URL('https://hooks.example.com/x'), resolver);
      expect(target).toEqual({
        host: 'hooks.example.com',
        addresses: [
          { address: '93.184.216.34', family: 4 },
          { address: '2606:2800:220:1::1', family: 6 },
        ],
      });
      expect(resolver.calls).toEqual(['hooks.example.com']);
    });

    it('should refuse a name when any of its addresses is not allowed, naming address and kind', async () => {
      const resolver = fakeResolver({ 'rebind.example.com': ['93.184.216.34', '10.0.0.5'], 'meta.example.com': ['::ffff:169.254.169.254'] });
      const policy = new WebhookTargetPolicy('none');
      await expect(policy.vet(new URL('http://rebind.example.com/'), resolver)).rejects.toThrow(
        new TargetRefusedError(
          'target address 10.0.0.5 (rebind.example.com) is not allowed (private); allow it with WEBHOOK_ALLOWED_TARGETS',
          '10.0.0.5',
          'private',
        ),
      );
      await expect(policy.vet(new URL('http://meta.example.com/'), resolver)).rejects.toMatchObject({ kind: 'cloud metadata' });
    });

    it('should check literal addresses without resolving anything', async () => {
      const resolver = fakeResolver({});
      const policy = new WebhookTargetPolicy('none');
      await expect(policy.vet(new URL('http://10.1.2.3/hook'), resolver)).rejects.toThrow('target address 10.1.2.3 is not allowed (private)');
      await expect(policy.vet(new URL('http://[::ffff:7f00:1]/'), resolver)).rejects.toMatchObject({ kind: 'loopback' });
      expect(await policy.vet(new URL('http://[2606:4700::1111]:8443/'), resolver)).toEqual({
        host: '2606:4700::1111',
        addresses: [{ address: '2606:4700::1111', family: 6 }],
      });
      expect(resolver.calls).toEqual([]);
    });

    it('should trust an allow-listed name’s private addresses, but never a metadata address behind it', async () => {
      const resolver = fakeResolver({ 'oms.corp.example': ['10.8.0.4'], 'sneaky.corp.example': ['169.254.169.254'] });
      const policy = new WebhookTargetPolicy('oms.corp.example,*.corp.example');
      expect((await policy.vet(new URL('http://oms.corp.example/'), resolver)).addresses).toEqual([{ address: '10.8.0.4', family: 4 }]);
      await expect(policy.vet(new URL('http://sneaky.corp.example/'), resolver)).rejects.toMatchObject({ kind: 'cloud metadata' });
    });

    it('should fail on a name without addresses or with garbage for one', async () => {
      const policy = new WebhookTargetPolicy('none');
      await expect(policy.vet(new URL('http://empty.example/'), async () => [])).rejects.toThrow('empty.example has no address');
      await expect(policy.vet(new URL('http://odd.example/'), async () => [{ address: 'nonsense', family: 4 }])).rejects.toThrow(/no IP address/);
    });
  });

  describe(pinnedLookup.name, () => {
    it('should answer the vetted addresses whatever name it is asked for, in both callback shapes', () => {
      const lookup = pinnedLookup([
        { address: '93.184.216.34', family: 4 },
        { address: '2606:2800:220:1::1', family: 6 },
      ]);
      const answers: unknown[][] = [];
      lookup('rebind.example.com', {}, (...args) => answers.push(args));
      lookup('anything.else', { all: true }, (...args) => answers.push(args));
      expect(answers).toEqual([
        [null, '93.184.216.34', 4],
        [
          null,
          [
            { address: '93.184.216.34', family: 4 },
            { address: '2606:2800:220:1::1', family: 6 },
          ],
        ],
      ]);
    });
  });
});
