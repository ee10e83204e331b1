import { describe, expect, it } from 'vitest';
import { findCef, parseCef } from './cef.js';

describe('parseCef', () => {
  it('reads the header and extension, with every escape', () => {
    const r = parseCef(
      'CEF:0|Sec\\|urity|threat\\\\manager|1.0|100|worm \\| stopped|10|src=10.0.0.1 msg=a \\= b\\nc\\rd\\\\e cs1=x=y act=blocked',
    );
    expect(r).toEqual({
      ok: true,
      record: {
        version: 0,
        deviceVendor: 'Sec|urity',
        deviceProduct: 'threat\\manager',
        deviceVersion: '1.0',
        signatureId: '100',
        name: 'worm | stopped',
        severity: '10',
        extensions: { src: '10.0.0.1', msg: 'a = b\nc\rd\\e', cs1: 'x=y', act: 'blocked' },
      },
    });
  });

  it('lets a value hold spaces up to the next key, and trims trailing spaces', () => {
    const r = parseCef('CEF:1|V|P|1|1|n|Low|msg=hello big world  suser=bob   ');
    expect(r.ok && r.record.extensions).toEqual({ msg: 'hello big world', suser: 'bob' });
    expect(r.ok && r.record.version).toBe(1);
  });

  it('accepts an empty extension', () => {
    const r = parseCef('CEF:0|V|P|1|1|n|3|');
    expect(r.ok && r.record.extensions).toEqual({});
  });

  it.each([
    ['no prefix', 'CEV:0|a', /starts with "CEF:"/],
    ['a short header', 'CEF:0|V|P|1|1|n', /header has 5 of 7 fields/],
    ['a bad version', 'CEF:x|V|P|1|1|n|3|', /version "x" is not a number/],
    ['an extension without key=value', 'CEF:0|V|P|1|1|n|3|just text', /does not start with key=value/],
  ])('fails on %s with PARSE_CEF', (_n, raw, reason) => {
    const r = parseCef(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('PARSE_CEF');
      expect(r.error.message).toMatch(reason);
    }
  });

  it('finds CEF at the start of a message or after a TAG', () => {
    expect(findCef('CEF:0|x')).toBe(0);
    expect(findCef('arcsight: CEF:0|x')).toBe(10);
    expect(findCef(`${'free text '.repeat(8)}mentions CEF:0| far from the start`)).toBe(-1);
    expect(findCef('no cef here')).toBe(-1);
  });
});

describe('extension keys that name prototypes', () => {
  it('keeps an extension named __proto__ as an extension, never as the prototype', () => {
    const r = parseCef('CEF:0|V|P|1|100|n|5|__proto__=x src=10.0.0.1');
    const ext = r.ok ? r.record.extensions : undefined;
    expect(Object.getPrototypeOf(ext)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(ext, '__proto__')?.value).toBe('x');
    expect(ext?.src).toBe('10.0.0.1');
  });
});
