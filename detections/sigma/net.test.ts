/** IP address parsing for `cidr`, checked against node:net for validity. */
import { isIPv4, isIPv6 } from 'node:net';
import { describe, expect, it } from 'vitest';
import { parseCidr, parseIPv4, parseIPv6 } from './net.js';

const words = (s: string): number[] | null => {
  const out = new Uint16Array(8);
  return parseIPv6(s, out) ? [...out] : null;
};

describe('IP parsing', () => {
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
  ])('IPv6 %j agrees with node:net', (s) => {
    expect(words(s) !== null).toBe(isIPv6(s));
  });

  it('expands :: and IPv4 tails', () => {
    expect(words('2001:db8::ff00:42:8329')).toEqual([0x2001, 0xdb8, 0, 0, 0, 0xff00, 0x42, 0x8329]);
    expect(words('::ffff:192.0.2.1')).toEqual([0, 0, 0, 0, 0, 0xffff, 0xc000, 0x0201]);
    expect(words('fe80::1%eth0')).toEqual([0xfe80, 0, 0, 0, 0, 0, 0, 1]);
  });

  it('masks host bits of a network', () => {
    expect(parseCidr('10.1.2.3/8')).toMatchObject({ v6: false, v4net: 10 << 24, prefix: 8 });
    expect(parseCidr('fe80::1/10')?.words[0]).toBe(0xfe80);
    expect(parseCidr('fe80::/x')).toBeUndefined();
  });
});
