/** IP addresses, networks and special-purpose classes; parsing checked against node:net for validity. */
import { isIPv4, isIPv6 } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  classifyAddress,
  compileNetworkTest,
  contains,
  embeddedV4,
  formatAddress,
  formatNetwork,
  isPublicAddress,
  parseAddress,
  parseIPv4,
  parseIPv6,
  parseLiteral,
  parseNetwork,
  type IpAddress,
} from './ip.js';

const words = (s: string): number[] | null => {
  const out = new Uint16Array(8);
  return parseIPv6(s, out) ? [...out] : null;
};
const address = (s: string): IpAddress => {
  const a = parseAddress(s);
  if (!a) throw new Error(`${s} is not an address`);
  return a;
};

describe('parsing', () => {
  it.each(['1.2.3.4', '255.255.255.255', '0.0.0.0', '1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1..2.3', '', 'a.b.c.d', '1.2.3.4 '])(
    'IPv4 %j agrees with node:net',
    (s) => {
      expect(parseIPv4(s) >= 0).toBe(isIPv4(s));
    },
  );

  it.each([
    '::',
    '::1',
    '1::',
    'fe80::1',
    '2001:db8::ff00:42:8329',
    '2001:0db8:0000:0000:0000:ff00:0042:8329',
    '::ffff:192.0.2.1',
    '1:2:3:4:5:6:7:8',
    '1:2:3:4:5:6:7:8:9',
    '1::2::3',
    ':1::',
    '1:::2',
    '12345::',
    'g::1',
    '1:2:3:4:5:6:1.2.3.4',
    '1:2:3:4:5:6:7:1.2.3.4',
    '::1.2.3',
    '1:2:3:4:5:6:7::',
    '::2:3:4:5:6:7:8',
    '64:ff9b::192.0.2.1',
    'ABCD:ef01::',
    ':1',
    '1:',
    '::ffff:1.2.3.4.5',
    '1:2:3:4:5:6:7:8::',
    ':::1',
    '1.2.3.4',
  ])('IPv6 %j agrees with node:net', (s) => {
    expect(words(s) !== null).toBe(isIPv6(s));
  });

  it('expands :: and IPv4 tails, and ignores a zone', () => {
    expect(words('2001:db8::ff00:42:8329')).toEqual([0x2001, 0xdb8, 0, 0, 0, 0xff00, 0x42, 0x8329]);
    expect(words('::ffff:192.0.2.1')).toEqual([0, 0, 0, 0, 0, 0xffff, 0xc000, 0x0201]);
    expect(words('fe80::1%eth0')).toEqual([0xfe80, 0, 0, 0, 0, 0, 0, 1]);
  });

  it('reads an IPv4-mapped IPv6 address as its IPv4 address, unless asked for the literal', () => {
    expect(parseAddress('::ffff:10.1.2.3')).toEqual(parseAddress('10.1.2.3'));
    expect(parseAddress('::ffff:a01:203')).toEqual(parseAddress('10.1.2.3'));
    expect(parseLiteral('::ffff:10.1.2.3')?.v6).toBe(true);
    expect(parseAddress(' 10.1.2.3')).toBeUndefined(); // callers trim
  });

  it('reads the extremes and a zone', () => {
    expect(parseAddress('255.255.255.255')).toMatchObject({ v6: false, v4: 0xffffffff });
    expect([...address('2001:4860:4860::8888').words]).toEqual([0x2001, 0x4860, 0x4860, 0, 0, 0, 0, 0x8888]);
    expect(parseAddress('fe80::1%eth0')).toMatchObject({ v6: true, v4: 0 });
  });

  it.each(['', 'nope', '1.2.3.256', '01.2.3.4x', ':::', 'x'.repeat(100), '1.2.3.4/24', '::ffff:1.2.3.256'])(
    'parseAddress refuses %j, never throws',
    (s) => {
      expect(parseAddress(s)).toBeUndefined();
    },
  );

  it('finds the IPv4 host an IPv6 address carries: mapped, compatible, NAT64', () => {
    const carried = (s: string) => embeddedV4(parseLiteral(s)!.words);
    expect(carried('::ffff:127.0.0.1')).toBe(0x7f000001);
    expect(carried('::10.0.0.1')).toBe(0x0a000001);
    expect(carried('64:ff9b::8.8.8.8')).toBe(0x08080808);
    expect(carried('::1')).toBe(-1);
    expect(carried('::')).toBe(-1);
    expect(carried('2001:db8::10.0.0.1')).toBe(-1);
  });
});

describe('networks', () => {
  it('clears host bits and takes a bare address as a host network', () => {
    expect(parseNetwork('10.1.2.3/8')).toMatchObject({ v6: false, v4: 10 << 24, prefix: 8 });
    expect(parseNetwork('fe80::1/10')?.words[0]).toBe(0xfe80);
    expect(parseNetwork('10.1.2.3')).toMatchObject({ v4: 0x0a010203, prefix: 32 });
    expect(formatNetwork(parseNetwork('2001:db8:0:0:1::1/64')!)).toBe('2001:db8::/64');
  });

  it('reads a network inside ::ffff:0:0/96 as its IPv4 network', () => {
    expect(formatNetwork(parseNetwork('::ffff:10.0.0.0/104')!)).toBe('10.0.0.0/8');
    expect(formatNetwork(parseNetwork('::ffff:0:0/80')!)).toBe('::/80');
  });

  it.each(['10.0.0.0/33', '10.0.0/8', 'fe80::/129', '1.2.3.4/x', '1.2.3.4/', '010.1.2.3', 'fe80:::1', 'fe80::/x', ' 10.0.0.0/8'])(
    'refuses %j',
    (s) => {
      expect(parseNetwork(s)).toBeUndefined();
    },
  );

  it('holds an address of its own family only', () => {
    const net = parseNetwork('0.0.0.0/0')!;
    expect(contains(net, address('8.8.8.8'))).toBe(true);
    expect(contains(net, address('::ffff:8.8.8.8'))).toBe(true);
    expect(contains(net, address('2001:db8::1'))).toBe(false);
    expect(contains(parseNetwork('fe80::/10')!, address('febf::1'))).toBe(true);
    expect(contains(parseNetwork('fe80::/10')!, address('fec0::1'))).toBe(false);
  });

  it('tests address text against a set of networks, an IPv4-mapped address against both families', () => {
    const test = compileNetworkTest(['10.0.0.0/8', '192.168.0.0/23', '::/0'].map((n) => parseNetwork(n)!));
    expect(test('10.9.9.9')).toBe(true);
    expect(test('192.168.1.7')).toBe(true);
    expect(test('192.168.2.7')).toBe(false);
    expect(test('::ffff:10.1.2.3')).toBe(true);
    expect(test('2001:db8::1')).toBe(true);
    expect(test('not an address')).toBe(false);
    const v6only = compileNetworkTest([parseNetwork('2001:db8::/32')!]);
    expect(v6only('10.0.0.1')).toBe(false);
    expect(v6only('2001:DB8::1%eth0')).toBe(true);
  });

  it('writes IPv6 as RFC 5952 does', () => {
    expect(formatAddress(address('2001:0DB8:0000:0000:0001:0000:0000:0001'))).toBe('2001:db8::1:0:0:1');
    expect(formatAddress(address('2001:db8:0:1:1:1:1:1'))).toBe('2001:db8:0:1:1:1:1:1');
    expect(formatAddress(address('::'))).toBe('::');
  });

  it('writes an IPv4-mapped IPv6 literal with its IPv4 part dotted (RFC 5952 §5)', () => {
    expect(formatAddress(parseLiteral('::ffff:a01:203')!)).toBe('::ffff:10.1.2.3');
    expect(formatAddress(parseLiteral('::FFFF:192.0.2.1')!)).toBe('::ffff:192.0.2.1');
    // Only the mapped prefix: other addresses ending in four bytes stay hexadecimal.
    expect(formatAddress(parseLiteral('::fffe:a01:203')!)).toBe('::fffe:a01:203');
    expect(formatAddress(parseLiteral('64:ff9b::a01:203')!)).toBe('64:ff9b::a01:203');
  });
});

describe('classes', () => {
  it.each([
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['127.0.0.1', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['fd12:3456::1', 'private'],
    ['fec0::1', 'private'],
    ['169.254.1.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.254', 'cgnat'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['192.0.0.8', 'reserved'],
    ['198.19.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
    ['100::1', 'reserved'],
    ['192.0.2.1', 'documentation'],
    ['198.51.100.1', 'documentation'],
    ['203.0.113.7', 'documentation'],
    ['2001:db8::1', 'documentation'],
    ['3fff:fff::1', 'documentation'],
    ['192.88.99.1', 'relay'],
    ['2002:c000:201::1', 'relay'],
    ['2001::1', 'protocol'],
    ['2001:1ff::1', 'protocol'],
  ])('%s is %s', (s, cls) => {
    expect(classifyAddress(address(s))).toBe(cls);
  });

  it.each(['8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '2001:200::1', '3fff:1000::1'])('%s is public', (s) => {
    expect(classifyAddress(address(s))).toBeUndefined();
    expect(isPublicAddress(address(s))).toBe(true);
  });

  it.each([
    ['1.1.1.1', true],
    ['100.63.255.255', true],
    ['::ffff:8.8.8.8', true],
    ['2001:4860:4860::8888', true],
    ['0.0.0.0', false],
    ['172.16.0.1', false],
    ['::ffff:10.0.0.1', false],
  ])('%s: public %s (at the edges of the ranges; IPv4-mapped as its IPv4 address)', (s, expected) => {
    expect(isPublicAddress(address(s))).toBe(expected);
  });

  it('takes IPv6 outside global unicast (2000::/3) as not public, though in no special range', () => {
    expect(classifyAddress(address('4000::1'))).toBeUndefined();
    expect(isPublicAddress(address('4000::1'))).toBe(false);
    expect(isPublicAddress(address('203.0.113.7'))).toBe(false);
  });
});
