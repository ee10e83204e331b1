import { describe, expect, it } from 'vitest';
import { RequestDedup } from './dedup.js';

describe('request dedup', () => {
  it('runs an id once, joins an attempt in flight, forgets the least recently used', async () => {
    const d = new RequestDedup(2);
    let runs = 0;
    let release: () => void = () => undefined;
    const slow = () =>
      new Promise<void>((r) => {
        runs++;
        release = r;
      });
    const first = d.run('a', slow);
    const second = d.run('a', slow);
    release();
    expect(await first).toBe('done');
    expect(await second).toBe('duplicate');
    expect(runs).toBe(1);
    await d.run('b', async () => undefined);
    await d.run('c', async () => undefined); // evicts a
    expect(await d.run('a', async () => void runs++)).toBe('done');
    expect(d.size).toBe(2);
  });

  it('does not remember a failed attempt', async () => {
    const d = new RequestDedup(10);
    await expect(d.run('x', async () => Promise.reject(new Error('kafka down')))).rejects.toThrow('kafka down');
    expect(await d.run('x', async () => undefined)).toBe('done');
  });
});
