import type { Admin } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { groupLag } from './lag.js';

/** An admin that answers fetchOffsets with the given committed offsets. */
const adminWith = (committed: Record<number, string>) =>
  ({
    fetchOffsets: async () => [
      { topic: 't', partitions: Object.entries(committed).map(([p, offset]) => ({ partition: Number(p), offset })) },
    ],
  }) as unknown as Admin;

const ends = async () =>
  new Map([
    [0, { high: 100n, low: 0n }],
    [1, { high: 50n, low: 40n }],
    [2, { high: 7n, low: 7n }],
  ]);

describe('groupLag', () => {
  it.each([
    ['behind', { 0: '60', 1: '45', 2: '7' }, [40, 5, 0]],
    ['caught up', { 0: '100', 1: '50', 2: '7' }, [0, 0, 0]],
    ['nothing committed: everything retained is lag', { 0: '-1', 1: '-1', 2: '-1' }, [100, 10, 0]],
  ])('%s', async (_name, committed, lags) => {
    const out = await groupLag(adminWith(committed), { groupId: 'g', topics: ['t'] }, ends);
    expect(out).toEqual(lags.map((lag, partition) => ({ group: 'g', topic: 't', partition, lag })));
  });
});
