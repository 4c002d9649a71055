import { cidrContains, classifyAddress, mappedIpv4, parseCidr, parseIp } from './ip-address.js';

const kindOf = (text: string) => {
  const ip = parseIp(text);
  if (!ip) throw new Error(`not an address: ${text}`);
  return classifyAddress(ip);
};

describe('IP address classifier', () => {
  it('should parse IPv4 and every IPv6 spelling to the same numbers', () => {
    expect(parseIp('10.0.0.1')).toEqual({ family: 4, value: 0x0a000001n });
    expect(parseIp('::1')).toEqual({ family: 6, value: 1n });
    expect(parseIp('[::1]')).toEqual({ family: 6, value: 1n });
    expect(parseIp('0:0:0:0:0:0:0:1')).toEqual({ family: 6, value: 1n });
    expect(parseIp('fe80::1%eth0')).toEqual(parseIp('fe80::1'));
    expect(parseIp('::ffff:10.0.0.1')).toEqual(parseIp('::ffff:a00:1'));
    expect(parseIp('2001:DB8::')).toEqual({ family: 6, value: 0x20010db8n << 96n });
    for (const bad of ['', 'localhost', '10.0.0', '10.0.0.256', '1::2::3', '::g', '0x7f.0.0.1']) expect(parseIp(bad)).toBeNull();
  });

  it.each([
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.5', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.255', 'cgnat'],
    ['169.254.1.1', 'link-local'],
    ['169.254.169.254', 'cloud metadata'],
    ['169.254.170.2', 'cloud metadata'],
    ['100.100.100.200', 'cloud metadata'],
    ['168.63.129.16', 'cloud metadata'],
    ['192.0.0.192', 'cloud metadata'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.10', 'documentation'],
    ['198.18.0.1', 'benchmarking'],
  ])('should classify IPv4 %s as %s', (address, kind) => {
    expect(kindOf(address)).toBe(kind);
  });

  it.each([
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456::1', 'unique-local'],
    ['fd00:ec2::254', 'cloud metadata'],
    ['fd20:ce::254', 'cloud metadata'],
    ['fe80::1', 'link-local'],
    ['febf::1', 'link-local'],
    ['fec0::1', 'site-local'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'documentation'],
    ['::10.0.0.1', 'reserved'],
    ['2001:0:4136:e378::1', 'reserved'],
    ['64:ff9b:1::1', 'private'],
  ])('should classify IPv6 %s as %s', (address, kind) => {
    expect(kindOf(address)).toBe(kind);
  });

  it.each([
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.0.0.5', 'private'],
    ['::ffff:169.254.169.254', 'cloud metadata'],
    ['::ffff:a9fe:a9fe', 'cloud metadata'],
    ['::ffff:100.64.0.1', 'cgnat'],
    ['::ffff:0.0.0.0', 'unspecified'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['64:ff9b::169.254.169.254', 'cloud metadata'],
    ['2002:7f00:1::', 'loopback'],
    ['2002:a9fe:a9fe::1', 'cloud metadata'],
  ])('should judge %s by the IPv4 address it reaches (%s)', (address, kind) => {
    expect(kindOf(address)).toBe(kind);
  });

  it.each([
    '93.184.216.34',
    '8.8.8.8',
    '100.128.0.1',
    '172.32.0.1',
    '169.253.255.255',
    '2606:4700::1111',
    '2001:4860:4860::8888',
    '::ffff:8.8.8.8',
    '64:ff9b::8.8.8.8',
    '2002:808:808::1',
  ])('should find nothing wrong with the public address %s', (address) => {
    expect(kindOf(address)).toBeNull();
  });

  it('should parse CIDR ranges and match addresses of the same family', () => {
    const ten = parseCidr('10.0.0.0/8')!;
    expect(cidrContains(ten, parseIp('10.255.0.1')!)).toBe(true);
    expect(cidrContains(ten, parseIp('11.0.0.1')!)).toBe(false);
    expect(cidrContains(ten, parseIp('::ffff:10.0.0.1')!)).toBe(false);
    expect(cidrContains(parseCidr('10.1.2.3/8')!, parseIp('10.9.9.9')!)).toBe(true);
    expect(cidrContains(parseCidr('fd00::/8')!, parseIp('fd12::1')!)).toBe(true);
    expect(cidrContains(parseCidr('fd00::/8')!, parseIp('fe80::1')!)).toBe(false);
    expect(cidrContains(parseCidr('::1')!, parseIp('::1')!)).toBe(true);
    expect(cidrContains(parseCidr('0.0.0.0/0')!, parseIp('203.0.113.9')!)).toBe(true);
    expect(parseCidr('192.168.1.7')).toEqual({ family: 4, base: 0xc0a80107n, prefix: 32 });
    for (const bad of ['10.0.0.0/33', 'fd00::/129', '10.0.0.0/x', '10.0.0.0/', 'example.com/8']) expect(parseCidr(bad)).toBeNull();
  });

  it('should find the IPv4 address inside an IPv4-mapped one only', () => {
    expect(mappedIpv4(parseIp('::ffff:10.0.0.1')!)).toEqual(parseIp('10.0.0.1'));
    expect(mappedIpv4(parseIp('::10.0.0.1')!)).toBeNull();
    expect(mappedIpv4(parseIp('10.0.0.1')!)).toBeNull();
  });
});
