import { describe, expect, it } from 'vitest';
import { ecsFieldResolver } from '../sigma/compile.js';
import { LogsourceCache } from './logsource-key.js';

describe('LogsourceCache', () => {
  const cacheOf = (maxEntries?: number): LogsourceCache<string> =>
    new LogsourceCache(
      [
        { get: ecsFieldResolver('event.code'), presence: false },
        { get: ecsFieldResolver('winlog.channel'), presence: false },
        { get: ecsFieldResolver('process.command_line'), presence: true },
        // A value read wins over a presence read of the same field.
        { get: ecsFieldResolver('winlog.channel'), presence: true },
      ],
      maxEntries,
    );
  /** Stores a distinct value for each event in turn, returning what each lookup found first. */
  const run = (cache: LogsourceCache<string>, events: object[]): (string | undefined)[] =>
    events.map((e, i) => {
      const hit = cache.lookup(e);
      if (hit === undefined) cache.store(`v${i}`);
      return hit;
    });

  it('keys events by the values of the fields read, and by presence for presence-only fields', () => {
    const a = { event: { code: '1' }, winlog: { channel: 'Security' }, process: { command_line: 'a b' } };
    const b = { event: { code: '1' }, winlog: { channel: 'Security' }, process: { command_line: 'c' } };
    expect(run(cacheOf(), [a, b, { ...a, process: {} }, { ...a, winlog: { channel: 'security' } }])).toEqual([
      undefined,
      'v0',
      undefined,
      undefined,
    ]);
  });

  it('tells types, missing fields, null and arrays apart', () => {
    const codes = [undefined, 1, '1', null, [1], ['1'], [], [null], [undefined], true, 'true', 's1:1', ['s1:1'], ['1', '1'], ['11']];
    const events = codes.map((code) => ({ event: { code } }));
    const cache = cacheOf();
    expect(run(cache, events)).toEqual(codes.map(() => undefined));
    expect(run(cache, events)).toEqual(codes.map((_, i) => `v${i}`));
  });

  it('does not cache an event with an object value', () => {
    const cache = cacheOf();
    const e = { event: { code: { x: 1 } } };
    expect(run(cache, [e, e, { event: { code: [{ x: 1 }] } }])).toEqual([undefined, undefined, undefined]);
    expect(cache.size).toBe(0);
  });

  it('is cleared past its bound', () => {
    const cache = cacheOf(2);
    const events = [1, 2, 3].map((code) => ({ event: { code } }));
    run(cache, events);
    expect(cache.size).toBe(1);
    expect(cache.lookup(events[2] as object)).toBe('v2');
    expect(cache.lookup(events[0] as object)).toBeUndefined();
  });

  it('caches one value when no field is read', () => {
    const cache = new LogsourceCache<string>([]);
    expect(run(cache, [{}, { a: 1 }])).toEqual([undefined, 'v0']);
  });
});
