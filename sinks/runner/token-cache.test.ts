import { describe, expect, it } from 'vitest';
import { TokenCache } from './token-cache.js';

describe('TokenCache', () => {
  it('reuses a token until shortly before it expires, shares one fetch, and drops a refused one', async () => {
    let now = 0;
    let n = 0;
    const cache = new TokenCache(async () => ({ token: `t${++n}`, expiresInSeconds: 3600 }), { refreshBeforeMs: 300_000, now: () => now });
    expect(await Promise.all([cache.get(), cache.get(), cache.get()])).toEqual(['t1', 't1', 't1']);
    now = 3_299_000;
    expect(await cache.get()).toBe('t1');
    now = 3_300_000;
    expect(await cache.get()).toBe('t2');
    cache.invalidate('t1'); // an old token refused late changes nothing
    expect(await cache.get()).toBe('t2');
    cache.invalidate('t2');
    expect(await cache.get()).toBe('t3');
    expect(cache.fetched).toBe(3);
  });

  it('passes a failed fetch to every waiter and tries again on the next call', async () => {
    let fail = true;
    const cache = new TokenCache(async () => {
      if (fail) throw new Error('refused');
      return { token: 'ok' };
    });
    await expect(Promise.all([cache.get(), cache.get()])).rejects.toThrow('refused');
    fail = false;
    expect(await cache.get()).toBe('ok');
  });
});
