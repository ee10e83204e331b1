import { describe, expect, it } from 'vitest';
import { decodeEvents, decodeRaw, splitObjects } from './decode.js';
import { HecError } from './errors.js';

describe('splitObjects', () => {
  it('splits objects back to back, with or without whitespace, braces in strings included', () => {
    expect(splitObjects('{"a":1}{"b":"}{"}\n {"c":{"d":"\\"}"}}\r\n')).toEqual(['{"a":1}', '{"b":"}{"}', '{"c":{"d":"\\"}"}}']);
    expect(splitObjects('  ')).toEqual([]);
  });

  it.each([
    ['[1]', 0],
    ['{"a":1} x', 1],
    ['{"a":1}{"b":', 1],
  ])('%s → code 6 at event %d', (text, n) => {
    try {
      splitObjects(text);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(HecError);
      expect((err as HecError).reply().body).toEqual({ text: 'Invalid data format', code: 6, 'invalid-event-number': n });
    }
  });
});

describe('decodeEvents', () => {
  it('keeps each envelope text and metadata; numeric-string time and numbers as host', () => {
    const [a] = decodeEvents(Buffer.from('{"time":"1700000000.5","host":42,"event":{"k":[1]},"fields":{"n":3}}'));
    expect(a).toEqual({
      event: { k: [1] },
      time: 1700000000.5,
      meta: { host: '42', fields: { n: 3 } },
      text: '{"time":"1700000000.5","host":42,"event":{"k":[1]},"fields":{"n":3}}',
    });
  });
});

describe('decodeRaw', () => {
  it('splits LF and CRLF lines, drops blank ones, keeps invalid UTF-8 replaced', () => {
    expect(decodeRaw(Buffer.concat([Buffer.from('a\r\n\n  \nb'), Buffer.from([0xff]), Buffer.from('\n')]))).toEqual(['a', 'b\ufffd']);
  });
});

describe('nesting depth', () => {
  const nested = (depth: number, open = '[', close = ']') => `{"event":${open.repeat(depth - 1)}${close.repeat(depth - 1)}}`;

  it('takes an event nested exactly to the bound, objects and arrays counted alike', () => {
    expect(decodeEvents(Buffer.from(nested(5)), 5)).toHaveLength(1);
    expect(decodeEvents(Buffer.from(`{"event":${'{"a":'.repeat(4)}1${'}'.repeat(4)}}`), 5)).toHaveLength(1);
  });

  it.each([
    ['arrays', nested(100_000)],
    ['objects', `{"event":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}`],
    ['a second event', `{"event":"fine"}${nested(101)}`],
  ])('refuses deeper %s with code 6 and the event number, before parsing', (_, body) => {
    const n = body.startsWith('{"event":"fine"}') ? 1 : 0;
    let err: unknown;
    try {
      decodeEvents(Buffer.from(body));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(HecError);
    expect((err as HecError).reply().body).toEqual({ text: 'Invalid data format', code: 6, 'invalid-event-number': n });
    expect((err as HecError).message).toMatch(/deeper than 100 levels/);
  });

  it('does not count brackets inside strings', () => {
    expect(decodeEvents(Buffer.from(`{"event":"${'['.repeat(500)}${'{'.repeat(500)}"}`))).toHaveLength(1);
  });
});
