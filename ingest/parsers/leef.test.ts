import { describe, expect, it } from 'vitest';
import { findLeef, parseLeef } from './leef.js';

describe('parseLeef', () => {
  it('reads LEEF 1.0 with TAB-separated attributes', () => {
    expect(parseLeef('LEEF:1.0|Microsoft|MSExchange|2016|15345|src=10.50.1.1\tdst=2.10.20.20\tusrName=a b')).toEqual({
      ok: true,
      record: {
        version: '1.0',
        vendor: 'Microsoft',
        product: 'MSExchange',
        productVersion: '2016',
        eventId: '15345',
        delimiter: '\t',
        attributes: { src: '10.50.1.1', dst: '2.10.20.20', usrName: 'a b' },
      },
    });
  });

  it.each([
    ['a character', 'LEEF:2.0|V|P|1|E|^|a=1^b=2', '^'],
    ['hex x', 'LEEF:2.0|V|P|1|E|x09|a=1\tb=2', '\t'],
    ['hex 0x', 'LEEF:2.0|V|P|1|E|0x7C|a=1|b=2', '|'],
    ['an empty field (TAB)', 'LEEF:2.0|V|P|1|E||a=1\tb=2', '\t'],
    ['no field (TAB)', 'LEEF:2.0|V|P|1|E|a=1\tb=2', '\t'],
  ])('reads the LEEF 2.0 delimiter given as %s', (_n, raw, delimiter) => {
    const r = parseLeef(raw);
    expect(r.ok && r.record.delimiter).toBe(delimiter);
    expect(r.ok && r.record.attributes).toEqual({ a: '1', b: '2' });
  });

  it('unescapes the delimiter, = and \\ in values, and \\| in the header', () => {
    const r = parseLeef('LEEF:2.0|V\\|X|P|1|E|^|url=/a?b\\=c^msg=x\\^y^path=C:\\\\dir');
    expect(r.ok && r.record.vendor).toBe('V|X');
    expect(r.ok && r.record.attributes).toEqual({ url: '/a?b=c', msg: 'x^y', path: 'C:\\dir' });
  });

  it('tolerates LEEF 1.0 senders that use ^ instead of TAB', () => {
    const r = parseLeef('LEEF:1.0|V|P|1|E|src=1.2.3.4^dst=5.6.7.8');
    expect(r.ok && r.record.attributes).toEqual({ src: '1.2.3.4', dst: '5.6.7.8' });
  });

  it.each([
    ['an unknown version', 'LEEF:3.0|V|P|1|E|a=1'],
    ['a short header', 'LEEF:1.0|V|P|1'],
  ])('fails on %s with PARSE_LEEF', (_n, raw) => {
    const r = parseLeef(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('PARSE_LEEF');
  });

  it('finds LEEF at the start of a message or after a TAG', () => {
    expect(findLeef('LEEF:1.0|x')).toBe(0);
    expect(findLeef('qradar: LEEF:2.0|x')).toBe(8);
    expect(findLeef('nothing')).toBe(-1);
  });
});

describe('found by fuzzing', () => {
  it('reads a LEEF 1.0 record with 200k `|`-separated fields without overflowing the stack', () => {
    const r = parseLeef(`LEEF:1.0|V|P|1|E|a=1${'|'.repeat(200_000)}b=2`);
    expect(r.ok && r.record.attributes).toEqual({ a: '1', b: '2' });
  });
});
