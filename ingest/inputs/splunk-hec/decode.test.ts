import { describe, expect, it } from 'vitest';
import { decodeEvents, decodeRaw, splitEnvelopes, splitObjects } from './decode.js';
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
      eventText: '{"k":[1]}',
    });
  });

  it("keeps an object event's text as sent, whitespace inside it included; the last of two event keys, as JSON.parse takes it", () => {
    const [a, b, c] = decodeEvents(
      Buffer.from(
        '{"event" : { "a": "},\\"event\\":1" , "b":[1.0]} ,"host":"h"}{"event":[1],"x":{"event":2},"event":{"z":1}}{"event":"s"}',
      ),
    );
    expect(a?.eventText).toBe('{ "a": "},\\"event\\":1" , "b":[1.0]}');
    expect(JSON.parse(a?.eventText as string)).toEqual(a?.event);
    expect(b?.eventText).toBe('{"z":1}');
    expect(b?.event).toEqual({ z: 1 });
    // A string event is its own text: nothing to keep.
    expect(c?.eventText).toBeUndefined();
  });

  it('keeps no text for an event over several lines, or under a key written with escapes', () => {
    const [a, b] = decodeEvents(Buffer.from('{"event":{\n"a":1}}{"\\u0065vent":{"a":1}}'));
    expect(a?.event).toEqual({ a: 1 });
    expect(a?.eventText).toBeUndefined();
    expect(b?.event).toEqual({ a: 1 });
    expect(b?.eventText).toBeUndefined();
  });
});

describe('splitEnvelopes', () => {
  it('finds the top-level "event" value of each object, not one nested or inside a string', () => {
    const text = '{"x":"\\"event\\":0","y":{"event":1},"event": 2 }  {"event":{"k":"}"}}{"a":1}';
    const parts = splitEnvelopes(text);
    expect(parts.map((p) => p.text)).toEqual(splitObjects(text));
    expect(parts.map((p) => p.event && p.text.slice(...p.event))).toEqual(['2', '{"k":"}"}', undefined]);
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
