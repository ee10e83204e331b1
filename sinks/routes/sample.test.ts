import { describe, expect, it } from 'vitest';
import { fnv1a, sampler } from './sample.js';

const ev = (host: string, extra: Record<string, unknown> = {}) => ({ host: { name: host }, ...extra });

describe('deterministic sampling', () => {
  it('keeps about 1 in N entities, and every record of a kept entity', () => {
    const keep = sampler(10, 'host.name');
    const hosts = Array.from({ length: 5000 }, (_, i) => `host-${i}`);
    const kept = hosts.filter((h) => keep('events', ev(h)));
    expect(kept.length).toBeGreaterThan(400);
    expect(kept.length).toBeLessThan(600);
    for (const h of hosts.slice(0, 200)) {
      const first = keep('events', ev(h));
      for (let i = 0; i < 5; i++) expect(keep('events', ev(h, { n: i }))).toBe(first);
    }
  });

  it('is the same in every process: the choice depends on the key only (FNV-1a)', () => {
    expect(fnv1a('')).toBe(0x811c9dc5);
    expect(fnv1a('a')).toBe(0xe40c292c);
    expect(fnv1a('foobar')).toBe(0xbf9cf968);
  });

  it('never samples what a rule matched, nor a record without the key', () => {
    const keep = sampler(1_000_000, 'host.name'); // drops almost every keyed event
    const dropped = Array.from({ length: 50 }, (_, i) => ev(`h${i}`)).filter((e) => !keep('events', e));
    expect(dropped.length).toBeGreaterThan(45);
    const e = dropped[0] as Record<string, unknown>;
    expect(keep('alerts', e)).toBe(true);
    expect(keep('incidents', e)).toBe(true);
    expect(keep('actions', e)).toBe(true);
    expect(keep('events', { ...e, vigil: { matched: ['rule-1'] } })).toBe(true);
    expect(keep('events', { ...e, vigil: { alert: { event_id: 'x' } } })).toBe(true);
    expect(keep('events', { ...e, event: { kind: 'alert' } })).toBe(true);
    expect(keep('events', { message: 'no host' })).toBe(true);
  });
});
