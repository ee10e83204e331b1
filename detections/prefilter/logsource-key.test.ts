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

  describe('fields compared with plain values only', () => {
    // `process.name: sudo` (sudo's logsource) and `event.module: [windows, sysmon]`.
    const relevantCache = (): LogsourceCache<string> =>
      new LogsourceCache([
        { get: ecsFieldResolver('process.name'), presence: false, values: ['s:sudo'] },
        { get: ecsFieldResolver('event.module'), presence: false, values: ['s:windows', 's:sysmon'] },
        { get: ecsFieldResolver('process.name'), presence: true },
      ]);
    const ev = (name?: unknown, module: unknown = 'windows') => ({ process: name === undefined ? {} : { name }, event: { module } });

    it('key every other value alike: one entry for all the process names of an estate', () => {
      const cache = relevantCache();
      const names = Array.from({ length: 50 }, (_, i) => `tool-${i}.exe`);
      expect(
        run(
          cache,
          names.map((n) => ev(n)),
        ),
      ).toEqual([undefined, ...names.slice(1).map(() => 'v0')]);
      expect(cache.size).toBe(1);
    });

    it('key a compared value by itself, and keep absent, null and other apart', () => {
      const cache = relevantCache();
      const events = [
        ev('sudo'),
        ev('SUDO'),
        ev('vim'),
        ev(),
        ev(null),
        ev(['sudo']),
        ev(['vim', 'sudo']),
        ev('sudo', 'Sysmon'),
        ev('sudo', 'linux'),
      ];
      expect(run(cache, events)).toEqual(events.map(() => undefined));
      expect(run(cache, events)).toEqual(events.map((_, i) => `v${i}`));
      // Other values of both fields share the entries of `vim` and `linux`.
      expect(cache.lookup(ev('emacs'))).toBe('v2');
      expect(cache.lookup(ev(['a', 'b']))).toBe('v2');
      expect(cache.lookup(ev('sudo', 'aws'))).toBe('v8');
      expect(cache.lookup(ev({ nested: 'sudo' }))).toBe('v2'); // an object equals no plain value
    });

    it('key by the value itself when another read of the field is not a plain comparison', () => {
      const cache = new LogsourceCache<string>([
        { get: ecsFieldResolver('process.name'), presence: false, values: ['s:sudo'] },
        { get: ecsFieldResolver('process.name'), presence: false }, // e.g. process.name|endswith
      ]);
      expect(run(cache, [ev('a'), ev('b'), ev('a')])).toEqual([undefined, undefined, 'v0']);
    });
  });
});
