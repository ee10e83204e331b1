/** `intel`: the field's value is in a live indicator list; the list changes under a compiled rule. */
import { afterEach, describe, expect, it } from 'vitest';
import { matcher, refuses } from '../../../test/support/sigma.js';
import { fixedLookup, provideLookups } from '../lookups.js';

let restore: (() => void) | undefined;
afterEach(() => restore?.());

describe('intel', () => {
  it('looks the value up in the list the rule names', () => {
    restore = provideLookups({ ip: fixedLookup(['203.0.113.9']), domain: fixedLookup(['evil.example']) });
    const ip = matcher('f|intel', 'ip');
    expect(ip({ f: '203.0.113.9' })).toBe(true);
    expect(ip({ f: '203.0.113.10' })).toBe(false);
    expect(ip({ f: ['10.0.0.1', '203.0.113.9'] })).toBe(true); // any element of a multi-value field
    expect(ip({ f: 3405803785 })).toBe(false); // a number is not an address text
    expect(ip({})).toBe(false);
    const either = matcher('f|intel', ['ip', 'domain']);
    expect(either({ f: 'Evil.Example' })).toBe(true);
    expect(matcher('f|intel', 'domain')({ f: '203.0.113.9' })).toBe(false);
  });

  it('sees a list replaced after the rule was compiled, without compiling it again', () => {
    const m = matcher('f|intel', 'hash');
    expect(m({ f: 'abc' })).toBe(false); // no list provided: nothing matches
    restore = provideLookups({ hash: fixedLookup(['abc']) });
    expect(m({ f: 'ABC' })).toBe(true);
    restore();
    restore = undefined;
    expect(m({ f: 'abc' })).toBe(false);
  });

  refuses([
    ['f|intel', 'ips', 'RULE_INVALID', /'ips' is not an indicator list: 'intel' takes one of ip, domain, url, hash, email/],
    ['f|intel', 'ip*', 'RULE_INVALID', /is not an indicator list/],
    ['f|intel', 5, 'RULE_INVALID', /'intel' cannot apply to a number/],
    ['f|contains|intel', 'ip', 'RULE_INVALID', /'intel' reads the value as written and must come before 'contains'/],
  ]);
});
