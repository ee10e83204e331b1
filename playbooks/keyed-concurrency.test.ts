import { describe, expect, it } from 'vitest';
import { forEachByKey } from './keyed-concurrency.js';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('forEachByKey', () => {
  it('runs different keys at once and the items of one key in their order', async () => {
    const log: string[] = [];
    let running = 0;
    let most = 0;
    const items = [
      { key: 'a', n: 1 },
      { key: 'b', n: 1 },
      { key: 'a', n: 2 },
      { key: 'c', n: 1 },
      { key: 'a', n: 3 },
    ];
    await forEachByKey(
      items,
      (i) => i.key,
      8,
      async (i) => {
        running++;
        most = Math.max(most, running);
        log.push(`start ${i.key}${i.n}`);
        await tick(10);
        log.push(`end ${i.key}${i.n}`);
        running--;
      },
    );
    expect(most).toBe(3);
    const a = log.filter((l) => l.includes(' a'));
    expect(a).toEqual(['start a1', 'end a1', 'start a2', 'end a2', 'start a3', 'end a3']);
  });

  it('keeps to the limit of keys at once', async () => {
    let running = 0;
    let most = 0;
    const items = Array.from({ length: 10 }, (_, i) => String(i));
    await forEachByKey(
      items,
      (i) => i,
      3,
      async () => {
        most = Math.max(most, ++running);
        await tick(5);
        running--;
      },
    );
    expect(most).toBe(3);
  });

  it('lets every other key finish, stops the failed key, and then throws the failure', async () => {
    const done: string[] = [];
    const items = ['a1', 'b1', 'a2', 'b2'];
    await expect(
      forEachByKey(
        items,
        (i) => i[0] as string,
        4,
        async (i) => {
          await tick(i === 'b2' ? 20 : 1);
          if (i === 'a1') throw new Error('redis down');
          done.push(i);
        },
      ),
    ).rejects.toThrow('redis down');
    expect(done).toEqual(['b1', 'b2']);
  });
});
