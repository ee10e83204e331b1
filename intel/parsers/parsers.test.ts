/** Feed parsers: what each format gives, and one failing case each (bad JSON, unsupported pattern, expired). */
import { describe, expect, it } from 'vitest';
import { VigilError } from '../../core/errors/index.js';
import { parseCsv, parsePlain } from './lines.js';
import { parseMisp } from './misp.js';
import { parseStixBundle, parseStixPattern } from './stix.js';

const NOW = Date.parse('2026-12-07T00:00:00Z');
const SHA256 = 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855';

function bundle(...objects: object[]): string {
  return JSON.stringify({ type: 'bundle', id: 'bundle--1', objects });
}
const ind = (id: string, pattern: string, extra: object = {}) => ({ type: 'indicator', id, pattern, pattern_type: 'stix', ...extra });

describe('STIX 2.1 patterns', () => {
  it.each([
    ["[ipv4-addr:value = '203.0.113.9']", [{ type: 'ip', value: '203.0.113.9' }]],
    ["[ipv4-addr:value = '203.0.113.0/24']", [{ type: 'cidr', value: '203.0.113.0/24' }]],
    ["[ipv6-addr:value = '2001:DB8::1']", [{ type: 'ip', value: '2001:db8::1' }]],
    ["[domain-name:value = 'Evil.Example.']", [{ type: 'domain', value: 'evil.example' }]],
    ["[url:value = 'HTTP://Evil.Example/Path?q=1']", [{ type: 'url', value: 'http://evil.example/Path?q=1' }]],
    [`[file:hashes.'SHA-256' = '${SHA256}']`, [{ type: 'sha256', value: SHA256.toLowerCase() }]],
    ["[file:hashes.MD5 = 'D41D8CD98F00B204E9800998ECF8427E']", [{ type: 'md5', value: 'd41d8cd98f00b204e9800998ecf8427e' }]],
    [
      "[file:hashes.'SHA-1' = 'da39a3ee5e6b4b0d3255bfef95601890afd80709']",
      [{ type: 'sha1', value: 'da39a3ee5e6b4b0d3255bfef95601890afd80709' }],
    ],
    ["[email-addr:value = 'Phish@Example.com']", [{ type: 'email', value: 'phish@example.com' }]],
    [
      "[domain-name:value = 'a.example' OR url:value = 'http://b.example/x']",
      [
        { type: 'domain', value: 'a.example' },
        { type: 'url', value: 'http://b.example/x' },
      ],
    ],
    [
      "[ipv4-addr:value = '198.51.100.1'] OR [ipv4-addr:value = '198.51.100.2']",
      [
        { type: 'ip', value: '198.51.100.1' },
        { type: 'ip', value: '198.51.100.2' },
      ],
    ],
  ])('%s', (pattern, values) => {
    expect(parseStixPattern(pattern)).toEqual({ values });
  });

  it.each([
    "[ipv4-addr:value = '1.2.3.4' AND network-traffic:dst_port = 443]",
    "[file:name MATCHES '^evil']",
    "[process:name = 'evil.exe']",
    "[ipv4-addr:value = '1.2.3.4'] FOLLOWEDBY [ipv4-addr:value = '5.6.7.8']",
    "[ipv4-addr:value = 'not-an-ip']",
    "[ipv4-addr:value = '1.2.3.4'",
  ])('refuses %s with a reason', (pattern) => {
    expect(parseStixPattern(pattern)).toHaveProperty('reason');
  });
});

describe('STIX bundles', () => {
  it('reads indicators, and skips unsupported, expired and revoked ones with their id', () => {
    const got = parseStixBundle(
      bundle(
        ind('indicator--a', "[ipv4-addr:value = '203.0.113.9']", { valid_until: '2027-01-01T00:00:00Z', name: 'c2' }),
        ind('indicator--b', "[process:name = 'evil.exe']"),
        ind('indicator--c', "[domain-name:value = 'old.example']", { valid_until: '2026-12-01T00:00:00Z' }),
        ind('indicator--d', "[domain-name:value = 'gone.example']", { revoked: true }),
        ind('indicator--e', 'alert tcp any any', { pattern_type: 'snort' }),
        { type: 'malware', id: 'malware--1', name: 'not an indicator' },
      ),
      'feed.json',
      { now: NOW },
    );
    expect(got.indicators).toEqual([
      { type: 'ip', value: '203.0.113.9', id: 'indicator--a', validUntil: Date.parse('2027-01-01T00:00:00Z'), description: 'c2' },
    ]);
    expect(got.skipped.map((s) => s.id)).toEqual(['indicator--b', 'indicator--c', 'indicator--d', 'indicator--e']);
    expect(got.skipped[0]?.reason).toMatch(/unsupported object path 'process:name'/);
    expect(got.skipped[1]?.reason).toMatch(/^expired \(valid_until 2026-12-01/);
  });

  it('refuses what is not JSON with INTEL_FEED_INVALID, naming the feed and the bad token', () => {
    let err: unknown;
    try {
      parseStixBundle('{"type": "bundle",\n "objects": [,]}', 'feed.json');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(VigilError);
    expect((err as VigilError).code).toBe('INTEL_FEED_INVALID');
    expect((err as VigilError).location).toMatchObject({ file: 'feed.json' });
    expect((err as VigilError).message).toMatch(/feed 'feed.json' is not valid JSON: Unexpected token ','/);
  });

  it('refuses JSON that is not a bundle', () => {
    expect(() => parseStixBundle('{"type": "indicator"}', 'x.json')).toThrow(/no 'objects' array/);
  });
});

describe('MISP exports', () => {
  const event = {
    response: [
      {
        Event: {
          info: 'phishing wave',
          Attribute: [
            { uuid: 'u1', type: 'ip-dst', value: '203.0.113.7' },
            { uuid: 'u2', type: 'ip-src', value: '198.51.100.0/24' },
            { uuid: 'u3', type: 'hostname', value: 'Mail.Evil.Example' },
            { uuid: 'u4', type: 'ip-dst|port', value: '192.0.2.5|443' },
            { uuid: 'u5', type: 'filename|sha256', value: `x.exe|${SHA256}` },
            { uuid: 'u6', type: 'email-src', value: 'Boss@Evil.Example', comment: 'sender' },
            { uuid: 'u7', type: 'mutex', value: 'Global\\evil' },
            { uuid: 'u8', type: 'md5', value: 'not-a-hash' },
          ],
          Object: [{ name: 'url', Attribute: [{ uuid: 'u9', type: 'url', value: 'https://evil.example/login' }] }],
        },
      },
    ],
  };

  it('reads attributes of events and their objects, composite types included', () => {
    const got = parseMisp(JSON.stringify(event), 'misp.json');
    expect(got.indicators.map((i) => [i.type, i.value, i.id])).toEqual([
      ['ip', '203.0.113.7', 'u1'],
      ['cidr', '198.51.100.0/24', 'u2'],
      ['domain', 'mail.evil.example', 'u3'],
      ['ip', '192.0.2.5', 'u4'],
      ['sha256', SHA256.toLowerCase(), 'u5'],
      ['email', 'boss@evil.example', 'u6'],
      ['url', 'https://evil.example/login', 'u9'],
    ]);
    expect(got.skipped).toEqual([
      { id: 'u7', reason: "MISP attribute type 'mutex' is not an indicator type Vigil looks up" },
      { id: 'u8', reason: "'not-a-hash' is not a valid md5 (MISP type md5)" },
    ]);
  });

  it('refuses a truncated export', () => {
    expect(() => parseMisp(JSON.stringify(event).slice(0, 50), 'misp.json')).toThrow(VigilError);
  });
});

describe('plain and CSV feeds', () => {
  it('reads one value a line, with # and ; comments, guessing each type', () => {
    const got = parsePlain(
      [
        '# abuse.ch Feodo Tracker',
        '203.0.113.9',
        '198.51.100.0/24 ; SBL123',
        'evil.example # a domain',
        SHA256,
        'https://evil.example/x',
        '',
        'not a value',
      ].join('\n'),
    );
    expect(got.indicators.map((i) => i.type)).toEqual(['ip', 'cidr', 'domain', 'sha256', 'url']);
    expect(got.skipped).toEqual([{ reason: "line 8: 'not a value' is not an IP, network, domain, URL, hash or email" }]);
  });

  it('holds every value to the configured type', () => {
    expect(parsePlain('1.2.3.4\nevil.example', { indicatorType: 'ip' }).skipped).toEqual([
      { reason: "line 2: 'evil.example' is not a valid ip" },
    ]);
  });

  it('reads a CSV column by header name, quoted fields included (URLhaus layout)', () => {
    const text = [
      '# URLhaus',
      'id,dateadded,url,url_status',
      '"1","2026-12-01","http://evil.example/a,b","online"',
      '"2","2026-12-01","HTTP://EVIL.example/c","online"',
    ].join('\n');
    expect(parseCsv(text, { column: 'url' }).indicators.map((i) => i.value)).toEqual(['http://evil.example/a,b', 'http://evil.example/c']);
    expect(parseCsv(text.split('\n').slice(2).join('\n'), { column: 2 }).indicators).toHaveLength(2);
  });

  it('refuses a CSV without the configured column', () => {
    expect(() => parseCsv('a,b\n1,2', { column: 'url' })).toThrow(/no column 'url'/);
  });
});
