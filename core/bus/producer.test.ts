import { describe, expect, it } from 'vitest';
import { byteChunks } from './producer.js';

describe('byteChunks', () => {
  const rec = (n: number, size: number) => ({ key: `k${n}`, value: 'v'.repeat(size) });

  it('keeps a small send whole', () => {
    const records = [rec(1, 10), rec(2, 10)];
    const chunks = byteChunks(records, 1000);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.records).toBe(records);
  });

  it('splits at the byte bound, in order, each run under it', () => {
    const records = Array.from({ length: 10 }, (_, i) => rec(i, 300));
    const chunks = byteChunks(records, 1000);
    expect(chunks.flatMap((c) => c.records)).toEqual(records);
    expect(chunks.length).toBeGreaterThan(3);
    for (const c of chunks) expect(c.bytes).toBeLessThanOrEqual(1000);
  });

  it('counts UTF-8 bytes, not characters, and gives an oversized record a run of its own', () => {
    const chunks = byteChunks([rec(1, 10), { key: 'x', value: 'é'.repeat(600) }, rec(3, 10)], 1000);
    expect(chunks.map((c) => c.records.length)).toEqual([1, 1, 1]);
    expect(chunks[1]!.bytes).toBeGreaterThan(1200);
  });
});
