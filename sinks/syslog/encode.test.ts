import { describe, expect, it } from 'vitest';
import { encodeCef, escapeCefHeader, escapeCefValue } from './cef.js';
import { encodeLeef, escapeLeefValue } from './leef.js';
import { frame, headerField, syslogLine } from './framing.js';

const device = { vendor: 'Vigil', product: 'Vigil', version: '1' };

describe('CEF', () => {
  it('escapes header pipes and backslashes, extension equals, backslashes and line breaks', () => {
    expect(escapeCefHeader('a|b\\c\nd')).toBe('a\\|b\\\\c d');
    expect(escapeCefValue('x=1\\2\r\n')).toBe('x\\=1\\\\2\\r\\n');
  });

  it('writes short keys, caps the severity at 10 and marks alerts as correlation events', () => {
    const cef = encodeCef(
      { event: { kind: 'alert', severity: 73, code: 'r1' }, source: { ip: '10.0.0.1', port: 22 }, message: 'hi' },
      device,
    );
    expect(cef).toBe('CEF:0|Vigil|Vigil|1|r1|hi|10|msg=hi src=10.0.0.1 spt=22 type=2');
  });

  it('has Unknown severity and a name when the event has none of its own', () => {
    expect(encodeCef({}, device)).toBe('CEF:0|Vigil|Vigil|1|0|event|Unknown|');
  });
});

describe('LEEF 2.0', () => {
  it('escapes the delimiter and backslashes, and names a TAB delimiter x09', () => {
    expect(escapeLeefValue('a^b\\c', '^')).toBe('a\\^b\\\\c');
    expect(encodeLeef({ user: { name: 'a\tb' } }, { ...device, delimiter: '\t' })).toBe('LEEF:2.0|Vigil|Vigil|1|event|x09|usrName=a\\\tb');
  });
});

describe('syslog header and framing', () => {
  const event = { '@timestamp': '2026-03-05T07:08:09.123Z', host: { name: 'web 1' }, log: { syslog: { severity: { code: 3 } } } };
  const opts = { facility: 16, severity: 6, appName: 'vigil', hostname: 'me' };

  it('RFC 5424: PRI from the facility and the event severity, ISO time, no spaces in HOSTNAME', () => {
    expect(syslogLine(event, 'body', { ...opts, format: 'rfc5424' })).toBe('<131>1 2026-03-05T07:08:09.123Z web_1 vigil - - - body');
  });

  it('RFC 3164: a space-padded day and a TAG', () => {
    expect(syslogLine(event, 'body', { ...opts, format: 'rfc3164' })).toBe('<131>Mar  5 07:08:09 web_1 vigil: body');
  });

  it('the configured hostname and severity when the event has none', () => {
    expect(syslogLine({ '@timestamp': '2026-03-05T07:08:09Z' }, 'b', { ...opts, format: 'rfc5424' })).toBe(
      '<134>1 2026-03-05T07:08:09.000Z me vigil - - - b',
    );
  });

  it('counts octets in bytes, not characters (RFC 6587 §3.4.1)', () => {
    expect(frame('é', 'octet-counting').toString()).toBe('2 é');
  });

  it('LF framing never splits a message', () => {
    expect(frame('a\nb\r\nc', 'lf').toString()).toBe('a b c\n');
  });

  it('a header field with nothing printable is the NILVALUE', () => {
    expect(headerField('', 10)).toBe('-');
    expect(headerField('abcdef', 3)).toBe('abc');
  });
});
