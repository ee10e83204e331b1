import { describe, expect, it } from 'vitest';
import { advance } from './checkpoint.js';
import { elapsedMs } from '../../../test/support/timing.js';
import { msUntilReset, nextLink, OktaClient } from './client.js';

describe('okta client', () => {
  it('reads the next link among several', () => {
    expect(
      nextLink('<https://o.okta.com/api/v1/logs?limit=2>; rel="self", <https://o.okta.com/api/v1/logs?after=abc&limit=2>; rel="next"'),
    ).toBe('https://o.okta.com/api/v1/logs?after=abc&limit=2');
    expect(nextLink('<https://o.okta.com/api/v1/logs>; rel="self"')).toBeUndefined();
    expect(nextLink(null)).toBeUndefined();
  });

  it('reads a Link header of 60 KB of unclosed `<` within 200 ms', () => {
    const header = `<https://o.okta.com/self>; rel="self", ${'<'.repeat(60_000)}`;
    let next: string | undefined = 'unset';
    expect(elapsedMs(() => (next = nextLink(header)))).toBeLessThan(200);
    expect(next).toBeUndefined();
  });

  it('waits until X-Rate-Limit-Reset on 429, then retries the same URL', async () => {
    const calls: number[] = [];
    const reset = Math.ceil(Date.now() / 1000); // resets within the second: the wait is the +1 s margin at most
    const fake: typeof fetch = async () => {
      calls.push(Date.now());
      if (calls.length === 1) {
        return new Response(
          JSON.stringify({ errorCode: 'E0000047', errorSummary: 'API call exceeded rate limit due to too many requests.' }),
          {
            status: 429,
            headers: { 'x-rate-limit-limit': '10', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(reset) },
          },
        );
      }
      return new Response('[{"uuid":"a","published":"2024-01-01T00:00:00.000Z"}]', {
        status: 200,
        headers: { link: '<http://o/api/v1/logs?after=a>; rel="next"', 'x-rate-limit-remaining': '9', 'x-rate-limit-reset': String(reset) },
      });
    };
    const waits: number[] = [];
    const client = new OktaClient({ url: 'http://o', token: 't', fetch: fake, onRateLimited: (ms) => waits.push(ms) });
    const page = await client.get(client.sinceUrl('2024-01-01T00:00:00.000Z', 100));
    expect(page.events).toHaveLength(1);
    expect(page.next).toBe('http://o/api/v1/logs?after=a');
    expect(calls).toHaveLength(2);
    expect(waits).toHaveLength(1);
    expect((calls[1] as number) - (calls[0] as number)).toBeGreaterThanOrEqual((waits[0] as number) - 20);
  });

  it('reports a bad token as INPUT_AUTH with Okta’s errorSummary', async () => {
    const fake: typeof fetch = async () =>
      new Response('{"errorCode":"E0000011","errorSummary":"Invalid token provided"}', { status: 401 });
    const client = new OktaClient({ url: 'http://o', token: 'bad', fetch: fake });
    await expect(client.get('http://o/api/v1/logs')).rejects.toMatchObject({
      code: 'INPUT_AUTH',
      message: expect.stringContaining('Invalid token provided'),
    });
  });

  it('bounds the reset wait', () => {
    expect(msUntilReset({ reset: 100 }, 200_000)).toBe(1000);
    expect(msUntilReset({ reset: 1000 }, 0)).toBe(120_000);
    expect(msUntilReset({}, 0)).toBe(1000);
  });
});

describe('okta checkpoint', () => {
  const e = (uuid: string, published: string) => ({ uuid, published });
  it('skips what was delivered at the checkpoint time and keeps every uuid of the newest millisecond', () => {
    const first = advance(undefined, [
      e('a', '2024-01-01T00:00:00.000Z'),
      e('b', '2024-01-01T00:00:01.000Z'),
      e('c', '2024-01-01T00:00:01.000Z'),
    ]);
    expect(first.fresh).toHaveLength(3);
    expect(first.checkpoint).toEqual({ published: '2024-01-01T00:00:01.000Z', uuids: ['b', 'c'] });
    const again = advance(first.checkpoint, [
      e('b', '2024-01-01T00:00:01.000Z'),
      e('c', '2024-01-01T00:00:01.000Z'),
      e('d', '2024-01-01T00:00:01.000Z'),
    ]);
    expect(again.fresh).toEqual([e('d', '2024-01-01T00:00:01.000Z')]);
    expect(again.checkpoint?.uuids).toEqual(['b', 'c', 'd']);
  });
});
