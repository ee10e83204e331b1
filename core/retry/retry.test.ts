import { describe, expect, it } from 'vitest';
import { backoffDelay, withRetry } from './index.js';

describe('backoffDelay', () => {
  const policy = { initialMs: 100, maxMs: 1000, factor: 2, jitter: 0 };
  it.each([
    [1, 100],
    [2, 200],
    [3, 400],
    [4, 800],
    [5, 1000],
    [12, 1000],
  ])('attempt %i waits %i ms without jitter', (attempt, ms) => {
    expect(backoffDelay(attempt, policy)).toBe(ms);
  });
  it('full jitter stays within [base*(1-j), base]', () => {
    expect(backoffDelay(3, { ...policy, jitter: 1 }, () => 0.999)).toBeLessThan(5);
    expect(backoffDelay(3, { ...policy, jitter: 0.5 }, () => 1)).toBe(200);
  });
});

describe('withRetry', () => {
  const fast = { initialMs: 1, maxMs: 2, factor: 1, jitter: 0 };
  it('retries until success and reports each retry', async () => {
    const seen: number[] = [];
    const result = await withRetry(
      async (attempt) => {
        if (attempt < 3) throw new Error(`fail ${attempt}`);
        return attempt;
      },
      { policy: fast, onRetry: (_e, a) => seen.push(a) },
    );
    expect(result).toBe(3);
    expect(seen).toEqual([1, 2]);
  });
  it('stops at maxAttempts and when shouldRetry refuses', async () => {
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw new Error('x');
        },
        { policy: fast, maxAttempts: 4 },
      ),
    ).rejects.toThrow('x');
    expect(calls).toBe(4);
    calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw new Error('no');
        },
        { policy: fast, shouldRetry: () => false },
      ),
    ).rejects.toThrow('no');
    expect(calls).toBe(1);
  });
});
