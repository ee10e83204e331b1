import { describe, expect, it } from 'vitest';
import { domainParts } from './domain.js';

describe('domainParts (Elasticsearch registered_domain processor semantics)', () => {
  it.each([
    // ICANN suffixes: the suffix plus one label.
    ['www.google.com', { registered_domain: 'google.com', top_level_domain: 'com', subdomain: 'www' }],
    ['google.com', { registered_domain: 'google.com', top_level_domain: 'com' }],
    ['www.books.amazon.co.uk', { registered_domain: 'amazon.co.uk', top_level_domain: 'co.uk', subdomain: 'www.books' }],
    ['1.0.168.192.in-addr.arpa', { registered_domain: '192.in-addr.arpa', top_level_domain: 'in-addr.arpa', subdomain: '1.0.168' }],
    // A wildcard rule (`*.ck`) and its exception (`!www.ck`).
    ['a.b.ck', { registered_domain: 'a.b.ck', top_level_domain: 'b.ck' }],
    ['www.ck', { registered_domain: 'www.ck', top_level_domain: 'ck' }],
    // Private-section suffixes are themselves the registered domain.
    ['1.www.global.ssl.fastly.net', { registered_domain: 'global.ssl.fastly.net', top_level_domain: 'ssl.fastly.net', subdomain: '1.www' }],
    ['global.ssl.fastly.net', { registered_domain: 'global.ssl.fastly.net', top_level_domain: 'ssl.fastly.net' }],
    ['content-autofill.googleapis.com', { registered_domain: 'googleapis.com', top_level_domain: 'com', subdomain: 'content-autofill' }],
    ['googleapis.com', { registered_domain: 'googleapis.com', top_level_domain: 'com' }],
    ['foo.blogspot.com', { registered_domain: 'blogspot.com', top_level_domain: 'com', subdomain: 'foo' }],
    // A name that is a suffix has only the top-level domain.
    ['com', { top_level_domain: 'com' }],
    ['co.uk', { top_level_domain: 'co.uk' }],
    // Service labels are not validated away.
    ['_ldap._tcp.dc._msdcs.example.com', { registered_domain: 'example.com', top_level_domain: 'com', subdomain: '_ldap._tcp.dc._msdcs' }],
    // IDN, Unicode and punycode.
    ['пример.рф', { registered_domain: 'пример.рф', top_level_domain: 'рф' }],
    ['www.example.xn--p1ai', { registered_domain: 'example.xn--p1ai', top_level_domain: 'xn--p1ai', subdomain: 'www' }],
    // ASCII case is ignored for matching; the subdomain is cut only where the name ends in the lower-case domain.
    ['WWW.EXAMPLE.COM', { registered_domain: 'example.com', top_level_domain: 'com' }],
    ['WWW.example.com', { registered_domain: 'example.com', top_level_domain: 'com', subdomain: 'WWW' }],
    ['COM', { top_level_domain: 'COM' }],
  ])('%s', (name, expected) => {
    const parts = domainParts(name);
    expect(parts).toBeDefined();
    // Absent parts are absent, not empty strings.
    expect(Object.fromEntries(Object.entries(parts ?? {}).filter(([, v]) => v !== undefined))).toEqual(expected);
  });

  it.each([
    ['an IPv4 address', '10.0.0.1'],
    ['an IPv6 address', '2001:db8::1'],
    ['a single label under no suffix', 'fileserver'],
    ['a name under no listed suffix', 'foo.bar.baz'],
    ['an internal zone', 'dc01.corp.local'],
    ['a trailing dot', 'www.example.com.'],
    ['a leading dot', '.example.com'],
    ['the root', '.'],
    ['an empty name', ''],
    ['a blank name', '  '],
    ['no name', undefined],
  ])('%s has no parts', (_what, name) => {
    expect(domainParts(name)).toBeUndefined();
  });
});
