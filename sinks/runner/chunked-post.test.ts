import { describe, expect, it } from 'vitest';
import { callFailure } from './call-failure.js';
import { chunkItems, postInChunks, retryAfterMs, type PostOutcome } from './chunked-post.js';

const base = {
  maxBytes: 100,
  envelopeBytes: 2,
  maxItems: 1000,
  concurrency: 1,
  maxThrottleWaitMs: 60_000,
  who: 'test sink t',
  signal: new AbortController().signal,
};
const enc = (...bodies: string[]) => bodies.map((body) => ({ body }));

describe('postInChunks', () => {
  it('cuts requests under the byte limit, envelope and separators included, in order', async () => {
    const sent: string[][] = [];
    const v = await postInChunks({
      ...base,
      encoded: enc('a'.repeat(40), 'b'.repeat(40), 'c'.repeat(40)),
      post: async (b) => (sent.push([...b]), { kind: 'ok' }),
    });
    expect(sent.map((s) => s.map((x) => x[0]))).toEqual([['a', 'b'], ['c']]);
    expect(v).toEqual([{ outcome: 'ok' }, { outcome: 'ok' }, { outcome: 'ok' }]);
    expect(chunkItems([{ size: 50 }, { size: 48 }, { size: 1 }], 10, 100, 2).map((c) => c.length)).toEqual([2, 1]);
  });

  it('bisects a refused request down to the bad record and dead-letters only it, with the far end reason', async () => {
    let calls = 0;
    const v = await postInChunks({
      ...base,
      encoded: enc('1', '2', 'bad', '4', '5'),
      post: async (b): Promise<PostOutcome> => (
        calls++,
        b.includes('bad') ? { kind: 'refused', reason: 'HTTP 400 bad row' } : { kind: 'ok' }
      ),
    });
    expect(v.map((x) => x.outcome)).toEqual(['ok', 'ok', 'reject', 'ok', 'ok']);
    expect(v[2]).toEqual({ outcome: 'reject', reason: 'test sink t: HTTP 400 bad row' });
    expect(calls).toBeGreaterThan(2);
  });

  it('refuses a record larger than one request before sending it, and splits on 413', async () => {
    const seen: number[] = [];
    const v = await postInChunks({
      ...base,
      encoded: enc('x'.repeat(200), 'a', 'b', 'c', 'd'),
      post: async (b): Promise<PostOutcome> => (seen.push(b.length), b.length > 2 ? { kind: 'too-large', reason: '413' } : { kind: 'ok' }),
    });
    expect(v[0]).toEqual({
      outcome: 'reject',
      reason: 'test sink t: the record is 200 bytes encoded; one request takes at most 100 bytes',
    });
    expect(v.slice(1).every((x) => x.outcome === 'ok')).toBe(true);
    expect(seen).toEqual([4, 2, 2]);
  });

  it('waits out every 429 with its Retry-After (capped) and never gives up on it', async () => {
    const waits: number[] = [];
    let n = 0;
    const v = await postInChunks({
      ...base,
      maxThrottleWaitMs: 2000,
      encoded: enc('a'),
      sleep: async (ms) => void waits.push(ms),
      post: async (): Promise<PostOutcome> =>
        ++n <= 20 ? { kind: 'throttled', retryAfterMs: n === 1 ? 3_600_000 : 1000, reason: '429' } : { kind: 'ok' },
    });
    expect(v).toEqual([{ outcome: 'ok' }]);
    expect(waits).toHaveLength(20);
    expect(waits[0]).toBe(2000);
  });

  it('fails the call when one request failed as a whole, once the other requests settled', async () => {
    const sent: string[] = [];
    const v = await postInChunks({
      ...base,
      maxBytes: 5,
      encoded: enc('a', 'b', 'c'),
      post: async (b): Promise<PostOutcome> => (sent.push(...b), b[0] === 'b' ? { kind: 'failed', reason: 'HTTP 503' } : { kind: 'ok' }),
    });
    expect(v).toEqual([{ outcome: 'ok' }, { outcome: 'unavailable', reason: 'test sink t: HTTP 503' }, { outcome: 'ok' }]);
    expect(callFailure(v)).toEqual({ reason: 'test sink t: HTTP 503' });
    expect(sent).toEqual(['a', 'b', 'c']);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs('7', 1)).toBe(7000);
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:10 GMT', 1, Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10_000);
    expect(retryAfterMs(null, 1234)).toBe(1234);
  });
});
