import { describe, expect, it } from 'vitest';
import type { InRecord } from '../../core/bus/index.js';
import { Aggregator } from './aggregate.js';

const rec = (offset: number, timestamp = 0): InRecord => ({
  topic: 't.vigil.events',
  partition: 0,
  offset: String(offset),
  key: null,
  value: Buffer.from('{}'),
  headers: {},
  timestamp,
});
const allow = (ip: string, port: number, bytes: number, ts: string) => ({
  '@timestamp': ts,
  source: { ip },
  destination: { port },
  network: { bytes },
  event: { action: 'allow' },
});

describe('aggregate', () => {
  it('rolls records into one per key and interval with count and sums', () => {
    const a = new Aggregator('fw', { by: ['source.ip', 'destination.port'], intervalMs: 60_000, sum: ['network.bytes'] });
    a.add(allow('10.0.0.1', 443, 100, '2025-01-01T00:00:05Z'), rec(1), 'events');
    a.add(allow('10.0.0.1', 443, 50, '2025-01-01T00:00:59Z'), rec(2), 'events');
    a.add(allow('10.0.0.1', 443, 7, '2025-01-01T00:01:00Z'), rec(3), 'events'); // next interval
    a.add(allow('10.0.0.2', 443, 1, '2025-01-01T00:00:10Z'), rec(4), 'events');
    const out = a.flush();
    expect(out).toHaveLength(3);
    const first = out[0];
    expect(first?.doc).toMatchObject({
      '@timestamp': '2025-01-01T00:00:00.000Z',
      source: { ip: '10.0.0.1' },
      destination: { port: 443 },
      event: { kind: 'metric' },
      aggregate: {
        route: 'fw',
        count: 2,
        sum: { 'network.bytes': 150 },
        interval: { start: '2025-01-01T00:00:00.000Z', end: '2025-01-01T00:01:00.000Z', ms: 60_000 },
      },
    });
    expect(first?.doc).not.toHaveProperty('event.action');
    expect(first?.source.offset).toBe('2'); // the last record rolled in
    expect((out[1]?.doc.aggregate as { count: number }).count).toBe(1);
    expect(a.flush()).toEqual([]); // flushed buckets are gone
  });

  it('gives the same vigil.id for the same batch, and uses the Kafka time without @timestamp', () => {
    const run = () => {
      const a = new Aggregator('fw', { by: ['k'], intervalMs: 1000 });
      a.add({ k: 'x' }, rec(7, 5_500), 'events');
      return a.flush()[0]?.doc;
    };
    const [x, y] = [run(), run()];
    expect((x?.vigil as { id: string }).id).toMatch(/^[0-9a-f]{40}$/);
    expect(x?.vigil).toEqual(y?.vigil);
    expect(x?.['@timestamp']).toBe('1970-01-01T00:00:05.000Z');
  });
});
