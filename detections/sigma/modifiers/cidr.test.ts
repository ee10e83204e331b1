/** `cidr`: the field is an IP address inside the network, IPv4 or IPv6 (Sigma 2.1). */
import { describe } from 'vitest';
import { cases, MISSING, refuses } from '../../../test/support/sigma.js';

describe('cidr', () => {
  cases('f|cidr', [
    ['10.0.0.0/8', '10.1.2.3', true],
    ['10.0.0.0/8', '11.1.2.3', false],
    ['192.168.0.0/16', '192.168.255.255', true],
    ['192.168.0.0/23', '192.168.1.7', true],
    ['192.168.0.0/23', '192.168.2.7', false],
    ['0.0.0.0/0', '8.8.8.8', true],
    ['127.0.0.1', '127.0.0.1', true], // a bare address is one host
    ['127.0.0.1/32', '127.0.0.2', false],
    ['10.1.2.3/8', '10.9.9.9', true], // host bits are ignored
    [['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'], '172.20.1.1', true],
    [['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'], '172.32.1.1', false],
    ['10.0.0.0/8', '10.1.2', false], // not an address
    ['10.0.0.0/8', '10.1.2.3.4', false],
    ['10.0.0.0/8', '010.1.2.3', false],
    ['10.0.0.0/8', 'x10.1.2.3', false],
    ['10.0.0.0/8', MISSING, false],
    ['10.0.0.0/8', ['8.8.8.8', '10.0.0.1'], true],
    ['10.0.0.0/8', '::ffff:10.1.2.3', true], // IPv4-mapped IPv6
    ['::1/128', '::1', true],
    ['::1/128', '::2', false],
    ['fe80::/10', 'fe80::1c2d:3e4f', true],
    ['fe80::/10', 'febf::1', true],
    ['fe80::/10', 'fec0::1', false],
    ['fe80::/10', 'FE80::1%eth0', true], // upper case, a zone
    ['fc00::/7', 'fd12:3456:789a:1::1', true],
    ['2001:db8::/32', '2001:0db8:0000:0000:0000:ff00:0042:8329', true],
    ['2001:db8::/32', '2001:db9::1', false],
    ['2001:db8::/32', '10.0.0.1', false],
    ['10.0.0.0/8', '2001:db8::1', false],
    ['64:ff9b::/96', '64:ff9b::192.0.2.33', true], // an IPv4 tail in IPv6
    ['::/0', '1::', true],
    ['fe80::/10', 'fe80:::1', false],
    ['fe80::/10', 'fe80::1::2', false],
  ]);
  refuses([
    ['f|cidr', '10.0.0.0/33', 'RULE_INVALID', /'10.0.0.0\/33' is not an IPv4 or IPv6 CIDR network/],
    ['f|cidr', '10.0.0/8', 'RULE_INVALID', /is not an IPv4 or IPv6 CIDR network/],
    ['f|cidr', 'fe80::/129', 'RULE_INVALID', /is not an IPv4 or IPv6 CIDR network/],
    ['f|cidr', '10.*', 'RULE_INVALID', /is not an IPv4 or IPv6 CIDR network/],
    ['f|contains|cidr', '10.0.0.0/8', 'RULE_INVALID', /'cidr' reads the value as written and must come before 'contains'/],
    ['f|cidr', 10, 'RULE_INVALID', /'cidr' cannot apply to a number/],
  ]);
});
