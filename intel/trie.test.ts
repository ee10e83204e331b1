import { describe, expect, it } from 'vitest';
import { parseAddress, parseNetwork } from '../core/net/ip.js';
import { PrefixTrie } from './trie.js';

function trie(...nets: string[]): PrefixTrie {
  const t = new PrefixTrie();
  nets.forEach((n, i) => t.insert(parseNetwork(n)!, i));
  return t;
}
const at = (t: PrefixTrie, ip: string) => t.longest(parseAddress(ip)!);

describe('prefix trie', () => {
  it('finds the longest IPv4 network holding an address', () => {
    const t = trie('10.0.0.0/8', '10.1.0.0/16', '10.1.2.0/24', '192.168.1.7/32');
    expect(at(t, '10.9.9.9')).toBe(0);
    expect(at(t, '10.1.9.9')).toBe(1);
    expect(at(t, '10.1.2.3')).toBe(2);
    expect(at(t, '192.168.1.7')).toBe(3);
    expect(at(t, '192.168.1.8')).toBe(-1);
    expect(at(t, '11.0.0.0')).toBe(-1);
    expect(at(t, '::ffff:10.1.2.3')).toBe(2); // IPv4-mapped
  });

  it('finds the longest IPv6 network, apart from IPv4', () => {
    const t = trie('2001:db8::/32', '2001:db8:1::/48', 'fe80::/10', '0.0.0.0/0');
    expect(at(t, '2001:db8:1::5')).toBe(1);
    expect(at(t, '2001:db8:2::5')).toBe(0);
    expect(at(t, 'FE80::1%eth0')).toBe(2);
    expect(at(t, 'fec0::1')).toBe(-1);
    expect(at(t, '8.8.8.8')).toBe(3); // the IPv4 default route is not an IPv6 one
    expect(at(t, '2001:db9::1')).toBe(-1);
  });

  it('ignores host bits and takes a bare address as a host network', () => {
    const t = trie('10.1.2.3/8', '2001:db8::1');
    expect(at(t, '10.200.0.1')).toBe(0);
    expect(at(t, '2001:db8::1')).toBe(1);
    expect(at(t, '2001:db8::2')).toBe(-1);
  });

  it('rejects what is not a network', () => {
    for (const bad of ['10.0.0.0/33', '10.0.0/8', 'fe80::/129', '1.2.3.4/x', '010.1.2.3', 'fe80:::1'])
      expect(parseNetwork(bad)).toBeUndefined();
  });
});
