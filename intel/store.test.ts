/** The indicator index: one probe per value, normalized on both sides, networks by longest prefix, expiry. */
import { describe, expect, it } from 'vitest';
import { enrichEvent } from './enrich.js';
import { IndicatorIndex, IntelStore } from './store.js';

const NOW = Date.parse('2026-12-07T00:00:00Z');
const SHA1 = 'da39a3ee5e6b4b0d3255bfef95601890afd80709';

const index = IndicatorIndex.build(
  [
    {
      feed: 'a',
      indicators: [
        { type: 'ip', value: '203.0.113.9', id: 'indicator--1', description: 'c2' },
        { type: 'ip', value: '2001:db8::7' },
        { type: 'cidr', value: '198.51.100.0/24' },
        { type: 'cidr', value: '198.51.100.128/25', id: 'indicator--narrow' },
        { type: 'domain', value: 'evil.example' },
        { type: 'url', value: 'http://evil.example/x?y=1' },
        { type: 'sha1', value: SHA1 },
        { type: 'email', value: 'boss@evil.example' },
        { type: 'ip', value: '192.0.2.1', validUntil: NOW + 1000 },
        { type: 'ip', value: '192.0.2.2', validUntil: NOW - 1 },
      ],
    },
    { feed: 'b', indicators: [{ type: 'ip', value: '192.0.2.1' }] },
  ],
  NOW,
);

describe('indicator index', () => {
  it.each([
    ['ip', '203.0.113.9', true],
    ['ip', '203.0.113.10', false],
    ['ip', '::ffff:203.0.113.9', true],
    ['ip', '2001:DB8:0:0::7', true],
    ['ip', '2001:db8::8', false],
    ['ip', '198.51.100.77', true],
    ['ip', 'not an ip', false],
    ['domain', 'EVIL.example.', true],
    ['domain', 'sub.evil.example', false],
    ['url', 'HTTP://EVIL.EXAMPLE/x?y=1', true],
    ['url', 'http://evil.example/X?y=1', false], // the path is case-sensitive
    ['hash', SHA1.toUpperCase(), true],
    ['email', 'Boss@Evil.Example', true],
    ['ip', '192.0.2.2', false], // expired before the build
  ] as const)('%s %s → %s', (list, value, want) => {
    expect(index.has(list, value, NOW)).toBe(want);
  });

  it('matches the longest network, with its feed and id', () => {
    expect(index.match('ip', '198.51.100.200', NOW)?.indicator).toMatchObject({
      type: 'cidr',
      value: '198.51.100.128/25',
      id: 'indicator--narrow',
    });
    expect(index.match('ip', '198.51.100.5', NOW)?.indicator.value).toBe('198.51.100.0/24');
  });

  it('lets an indicator expire at its valid_until, and keeps the longer-lived of two feeds', () => {
    const m = index.match('ip', '192.0.2.1', NOW);
    expect(m?.feed).toBe('b'); // feed a's copy expires, feed b's does not
    expect(index.has('ip', '192.0.2.1', NOW + 10_000)).toBe(true);
    const once = IndicatorIndex.build([{ feed: 'a', indicators: [{ type: 'ip', value: '192.0.2.1', validUntil: NOW + 1000 }] }], NOW);
    expect(once.has('ip', '192.0.2.1', NOW + 999)).toBe(true);
    expect(once.has('ip', '192.0.2.1', NOW + 1000)).toBe(false);
  });

  it('gives readers the swapped-in index on their next lookup', () => {
    const store = new IntelStore();
    const live = store.list('domain');
    expect(live.has('evil.example')).toBe(false);
    store.replace(index);
    expect(live.has('evil.example')).toBe(true);
  });
});

describe('threat.enrichments', () => {
  it('adds one entry per field holding an indicator, after those already there', () => {
    const event: Record<string, unknown> = {
      source: { ip: '203.0.113.9' },
      destination: { ip: '198.51.100.7', domain: 'evil.example' },
      related: { ip: ['203.0.113.9'] },
      threat: { enrichments: [{ indicator: { provider: 'earlier' } }] },
    };
    expect(enrichEvent(event, index, NOW)).toBe(3);
    const got = (event.threat as { enrichments: Array<Record<string, Record<string, unknown>>> }).enrichments;
    expect(got[0]).toEqual({ indicator: { provider: 'earlier' } });
    expect(got[1]).toEqual({
      indicator: { type: 'ipv4-addr', provider: 'a', ip: '203.0.113.9', id: 'indicator--1', description: 'c2' },
      matched: {
        atomic: '203.0.113.9',
        field: 'source.ip',
        type: 'indicator_match_ingest',
        occurred: new Date(NOW).toISOString(),
        id: 'indicator--1',
      },
    });
    expect(got[2]?.matched).toMatchObject({ atomic: '198.51.100.7', field: 'destination.ip' });
    expect(got[2]?.indicator).toMatchObject({ type: 'ipv4-addr', ip: '198.51.100.0/24' });
    expect(got[3]?.indicator).toMatchObject({ type: 'domain-name', url: { domain: 'evil.example' } });
  });

  it('leaves an event without indicators untouched', () => {
    const event = { source: { ip: '10.0.0.1' } };
    expect(enrichEvent(event, index, NOW)).toBe(0);
    expect(event).toEqual({ source: { ip: '10.0.0.1' } });
  });
});
