import { describe, expect, it } from 'vitest';
import { parseSyslog } from './syslog.js';

const now = new Date('2026-11-22T02:05:00Z');

describe('parseSyslog (auto-detect)', () => {
  it.each([
    ['<34>1 2026-11-20T09:00:00Z h a - - - x', 'rfc5424'],
    ['<34>1 - - - - - -', 'rfc5424'],
    ['<34>Nov 20 09:00:00 h a: x', 'rfc3164'],
    ['<34>2026-11-20T09:00:00Z h a: x', 'rfc3164'],
    ['<34>just text', 'rfc3164'],
    ['<34>', 'rfc3164'],
  ])('%j is %s', (raw, format) => {
    const r = parseSyslog(raw, { now });
    expect(r.ok && r.record.format).toBe(format);
  });

  it.each([
    ['no PRI', 'Nov 20 09:14:03 web-01 sshd[1]: x'],
    ['garbage', '%%%% garbage !!! not syslog'],
    ['TLS ClientHello', '\u0016\u0003\u0001\u0000\u00a5\u0001'],
    ['HTTP request', 'GET / HTTP/1.1'],
    ['empty', ''],
    ['PRI 192', '<192>Nov 20 09:14:03 h a: x'],
    ['5424 with a broken timestamp', '<34>1 yesterday h a - - - x'],
  ])('fails on %s, never throws', (_name, raw) => {
    const r = parseSyslog(raw, { now });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('PARSE_SYSLOG');
  });

  it('accepts a Buffer with invalid UTF-8 without throwing', () => {
    const r = parseSyslog(Buffer.from([0x3c, 0x31, 0x33, 0x3e, 0xff, 0xfe, 0x41]), { now });
    expect(r.ok && r.record.message).toBe('\ufffd\ufffdA');
  });
});
