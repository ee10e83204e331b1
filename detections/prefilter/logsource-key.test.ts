import { describe, expect, it } from 'vitest';
import { ecsFieldResolver } from '../sigma/compile.js';
import { LogsourceKeyer } from './logsource-key.js';

describe('LogsourceKeyer', () => {
  const keyer = new LogsourceKeyer([
    { get: ecsFieldResolver('event.code'), presence: false },
    { get: ecsFieldResolver('winlog.channel'), presence: false },
    { get: ecsFieldResolver('process.command_line'), presence: true },
    // A value read wins over a presence read of the same field.
    { get: ecsFieldResolver('winlog.channel'), presence: true },
  ]);
  const key = (e: object): string | undefined => keyer.key(e);

  it('keys events by the values of the fields read, and by presence for presence-only fields', () => {
    const a = { event: { code: '1' }, winlog: { channel: 'Security' }, process: { command_line: 'a b' } };
    const b = { event: { code: '1' }, winlog: { channel: 'Security' }, process: { command_line: 'c' } };
    expect(key(a)).toBe(key(b));
    expect(key(a)).not.toBe(key({ ...a, process: {} }));
    expect(key(a)).not.toBe(key({ ...a, winlog: { channel: 'security' } }));
  });

  it('tells types, missing fields, null and arrays apart', () => {
    const keys = [
      {},
      { event: { code: 1 } },
      { event: { code: '1' } },
      { event: { code: null } },
      { event: { code: [1] } },
      { event: { code: ['1'] } },
      { event: { code: true } },
      { event: { code: 'true' } },
    ];
    expect(new Set(keys.map(key)).size).toBe(keys.length);
  });

  it('cannot be forged by text holding the encoding', () => {
    expect(key({ event: { code: 's1:a' }, winlog: { channel: 'b' } })).not.toBe(key({ event: { code: 'a' }, winlog: { channel: 's1:b' } }));
  });

  it('gives no key for an object value', () => {
    expect(key({ event: { code: { x: 1 } } })).toBeUndefined();
    expect(key({ event: { code: [{ x: 1 }] } })).toBeUndefined();
  });
});
