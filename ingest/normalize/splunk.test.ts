import { describe, expect, it } from 'vitest';
import { elapsedMs } from '../../test/support/timing.js';
import { MAX_META_CHARS, normalizeSplunk, parseEpochSeconds, parseMeta } from './splunk.js';
import { messageMeta, messageTime, S2sAssembler } from '../parsers/s2s-records.js';
import { decodeMessageBody, encodeMessage } from '../framing/s2s.js';

const ctx = { inputId: 'in', peer: '10.0.0.5', receivedAt: new Date('2026-01-01T00:00:00Z'), keepOriginal: false };

describe('normalizeSplunk', () => {
  it('golden: an HEC object event with every piece of metadata', () => {
    const e = normalizeSplunk(
      {
        event: { message: 'login ok', user: 'alice' },
        time: 1700000000.123,
        meta: {
          host: 'web01',
          source: 'C:\\logs\\app.log',
          sourcetype: 'app',
          index: 'main',
          fields: { 'k8s.ns': 'prod', n: 2, list: ['a'] },
        },
        identity: 'x',
      },
      { ...ctx, channel: 'c1' },
    );
    expect(e).toEqual({
      '@timestamp': '2023-11-14T22:13:20.123Z',
      message: 'login ok',
      event: { kind: 'event', created: '2026-01-01T00:00:00.000Z', dataset: 'app' },
      host: { name: 'web01', hostname: 'web01' },
      log: { file: { path: 'C:\\logs\\app.log' } },
      labels: { k8s_ns: 'prod', n: '2' },
      vigil: {
        id: expect.any(String),
        input: 'in',
        received_at: '2026-01-01T00:00:00.000Z',
        parse_status: 'ok',
        peer: '10.0.0.5',
        splunk: {
          index: 'main',
          source: 'C:\\logs\\app.log',
          sourcetype: 'app',
          channel: 'c1',
          fields: { 'k8s.ns': 'prod', n: 2, list: ['a'] },
          event: { message: 'login ok', user: 'alice' },
        },
      },
    });
  });

  it('a source that is not a path stays out of log.file.path; the same identity gives the same id', () => {
    const a = normalizeSplunk({ event: 'x', meta: { source: 'http:my-token' }, identity: 'same' }, ctx);
    const b = normalizeSplunk({ event: 'y', meta: {}, identity: 'same' }, ctx);
    expect(a.log).toBeUndefined();
    expect(a.vigil?.id).toBe(b.vigil?.id);
  });
});

describe('parseEpochSeconds and parseMeta', () => {
  it.each([
    [1700000000, 1700000000],
    ['1700000000.5', 1700000000.5],
    [' 12 ', 12],
    ['1e9', undefined],
    ['yesterday', undefined],
    [Number.NaN, undefined],
    [1e20, undefined],
  ])('%s → %s', (input, want) => expect(parseEpochSeconds(input)).toBe(want));

  it('reads k::v pairs, quoted values and repeated keys', () => {
    expect(parseMeta('env::prod team::"blue \\"x\\" team" env::dr empty::')).toEqual({
      env: ['prod', 'dr'],
      team: 'blue "x" team',
      empty: '',
    });
  });

  it('reads keys as whole tokens, values to the next whitespace unless quoted, and skips what is not a pair', () => {
    // A quoted value runs to its closing quote; an unclosed one, or one with `\` before a line
    // break, is read unquoted instead.
    expect(parseMeta('no-pair a:b::c::d x::"a b"z::1 y::"un\\\nclosed q::"open ::lone k\u00a0::v')).toEqual({
      'a:b': 'c::d',
      x: 'a b',
      z: '1',
      y: '"un\\',
      q: '"open',
    });
  });

  it('keeps keys named __proto__ or constructor as data, never as a prototype', () => {
    const m = parseMeta('__proto__::a __proto__::b constructor::c');
    expect(Object.getOwnPropertyDescriptor(m, '__proto__')?.value).toEqual(['a', 'b']);
    expect(Object.getOwnPropertyDescriptor(m, 'constructor')?.value).toBe('c');
    expect(({} as Record<string, unknown>).a).toBeUndefined();
  });

  // One S2S or HEC message carries the `_meta` string: its length is the sender's to choose.
  it.each([
    ['a long token with no `::`', ':a'.repeat(32_000)],
    ['one key repeated with quoted values', 'k::"x '.repeat(10_000)],
    ['an unclosed quote before many pairs', `a::"${'b::x '.repeat(12_000)}`],
    ['quoted values closing inside one long token', 'k::"a"'.repeat(10_000)],
    ['a long run of colons', ':'.repeat(64_000)],
  ])('reads %s (~60 KB) within 200 ms', (_name, meta) => {
    expect(meta.length).toBeGreaterThan(59_000);
    expect(elapsedMs(() => parseMeta(meta))).toBeLessThan(200);
  });

  it('reads only the first MAX_META_CHARS characters', () => {
    const pad = 'x'.repeat(MAX_META_CHARS - 'a::1 '.length);
    expect(parseMeta(`a::1 ${pad} b::2`)).toEqual({ a: '1' });
    expect(parseMeta(`a::1 ${pad.slice(10)} b::2`)).toEqual({ a: '1', b: '2' });
  });
});

describe('S2S records', () => {
  const msg = (pairs: Array<[string, string]>) => decodeMessageBody(encodeMessage(pairs).subarray(4));

  it('keeps a `_meta` key named __proto__ as an indexed field, not as the prototype of the fields', () => {
    const meta = messageMeta(msg([['_meta', '__proto__::x __proto__::y env::prod']]));
    expect(Object.getPrototypeOf(meta.fields)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(meta.fields, '__proto__')?.value).toEqual(['x', 'y']);
    expect(meta.fields?.env).toBe('prod');
  });

  it('adds _subsecond to _time', () => {
    expect(
      messageTime(
        msg([
          ['_time', '1700000000'],
          ['_subsecond', '.25'],
        ]),
      ),
    ).toBe(1700000000.25);
  });

  it('_linebreaker makes an unterminated chunk end an event; _time events flush a waiting tail first', () => {
    const a = new S2sAssembler(1 << 20);
    expect(a.push(msg([['_raw', 'one\ntw']])).map((r) => r.event)).toEqual(['one']);
    expect(
      a
        .push(
          msg([
            ['_raw', 'o'],
            ['_linebreaker', '_linebreaker'],
          ]),
        )
        .map((r) => r.event),
    ).toEqual(['two']);
    expect(a.push(msg([['_raw', 'three']])).map((r) => r.event)).toEqual([]);
    expect(
      a
        .push(
          msg([
            ['_raw', 'parsed'],
            ['_time', '5'],
          ]),
        )
        .map((r) => r.event),
    ).toEqual(['three', 'parsed']);
    expect(a.end()).toEqual([]);
  });

  it('emits a tail longer than the bound instead of holding it', () => {
    const a = new S2sAssembler(4);
    expect(a.push(msg([['_raw', 'abcdefgh']])).map((r) => r.event)).toEqual(['abcdefgh']);
  });
});
