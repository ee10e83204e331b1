import { describe, expect, it } from 'vitest';
import { parseRfc5424 } from './rfc5424.js';
import type { SyslogRecord } from './types.js';

const BOM = '\ufeff';

/** Golden table: the RFC's own examples (§6.5) first, then the corners of the grammar. */
const valid: Array<{ name: string; raw: string | Buffer; want: SyslogRecord }> = [
  {
    name: 'RFC 5424 §6.5 example 1 (BOM, no SD)',
    raw: `<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - ${BOM}'su root' failed for lonvick on /dev/pts/8`,
    want: {
      format: 'rfc5424',
      priority: 34,
      facility: 4,
      severity: 2,
      version: 1,
      timestamp: '2003-10-11T22:14:15.003Z',
      hostname: 'mymachine.example.com',
      appname: 'su',
      msgid: 'ID47',
      message: "'su root' failed for lonvick on /dev/pts/8",
      partial: false,
    },
  },
  {
    name: 'example 2 (microseconds, negative offset, IP host)',
    raw: "<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make the do-nuts.",
    want: {
      format: 'rfc5424',
      priority: 165,
      facility: 20,
      severity: 5,
      version: 1,
      timestamp: '2003-08-24T12:14:15.000003Z',
      hostname: '192.0.2.1',
      appname: 'myproc',
      procid: '8710',
      message: "%% It's time to make the do-nuts.",
      partial: false,
    },
  },
  {
    name: 'example 3 (SD and message; BOM as bytes)',
    raw: Buffer.concat([
      Buffer.from(
        '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"] ',
      ),
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('An application event log entry...'),
    ]),
    want: {
      format: 'rfc5424',
      priority: 165,
      facility: 20,
      severity: 5,
      version: 1,
      timestamp: '2003-10-11T22:14:15.003Z',
      hostname: 'mymachine.example.com',
      appname: 'evntslog',
      msgid: 'ID47',
      structuredData: { 'exampleSDID@32473': { iut: '3', eventSource: 'Application', eventID: '1011' } },
      message: 'An application event log entry...',
      partial: false,
    },
  },
  {
    name: 'example 4 (two SD elements, no MSG)',
    raw: '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high"]',
    want: {
      format: 'rfc5424',
      priority: 165,
      facility: 20,
      severity: 5,
      version: 1,
      timestamp: '2003-10-11T22:14:15.003Z',
      hostname: 'mymachine.example.com',
      appname: 'evntslog',
      msgid: 'ID47',
      structuredData: {
        'exampleSDID@32473': { iut: '3', eventSource: 'Application', eventID: '1011' },
        'examplePriority@32473': { class: 'high' },
      },
      message: '',
      partial: false,
    },
  },
  {
    name: 'SD escapes \\" \\\\ \\] and a literal backslash',
    raw: String.raw`<13>1 2026-11-20T09:00:00Z h a - - [x@1 q="say \"hi\"" b="C:\\dir" c="a\]b" d="lit\n" e="raw]ok" f=""] m`,
    want: {
      format: 'rfc5424',
      priority: 13,
      facility: 1,
      severity: 5,
      version: 1,
      timestamp: '2026-11-20T09:00:00.000Z',
      hostname: 'h',
      appname: 'a',
      structuredData: { 'x@1': { q: 'say "hi"', b: 'C:\\dir', c: 'a]b', d: 'lit\\n', e: 'raw]ok', f: '' } },
      message: 'm',
      partial: false,
    },
  },
  {
    name: 'SD element without params; UTF-8 in a value',
    raw: '<13>1 2026-11-20T09:00:00Z h a - - [timeQuality][origin ip="192.0.2.1" software="Ünïcode"] msg',
    want: {
      format: 'rfc5424',
      priority: 13,
      facility: 1,
      severity: 5,
      version: 1,
      timestamp: '2026-11-20T09:00:00.000Z',
      hostname: 'h',
      appname: 'a',
      structuredData: { timeQuality: {}, origin: { ip: '192.0.2.1', software: 'Ünïcode' } },
      message: 'msg',
      partial: false,
    },
  },
  {
    name: 'every field nil',
    raw: '<0>1 - - - - - -',
    want: { format: 'rfc5424', priority: 0, facility: 0, severity: 0, version: 1, message: '', partial: false },
  },
  {
    name: 'PRI 191, positive offset, one fractional digit, trailing CRLF',
    raw: '<191>1 2026-11-20T10:30:00.5+01:30 host app 42 MID - text\r\n',
    want: {
      format: 'rfc5424',
      priority: 191,
      facility: 23,
      severity: 7,
      version: 1,
      timestamp: '2026-11-20T09:00:00.500Z',
      hostname: 'host',
      appname: 'app',
      procid: '42',
      msgid: 'MID',
      message: 'text',
      partial: false,
    },
  },
  {
    name: 'message keeps inner spaces and newlines',
    raw: '<14>1 2026-11-20T09:00:00Z h a - - -  two  spaces\nnext line',
    want: {
      format: 'rfc5424',
      priority: 14,
      facility: 1,
      severity: 6,
      version: 1,
      timestamp: '2026-11-20T09:00:00.000Z',
      hostname: 'h',
      appname: 'a',
      message: ' two  spaces\nnext line',
      partial: false,
    },
  },
  {
    name: 'repeated PARAM-NAME keeps the last value',
    raw: '<14>1 - h a - - [x@1 k="1" k="2"]',
    want: {
      format: 'rfc5424',
      priority: 14,
      facility: 1,
      severity: 6,
      version: 1,
      hostname: 'h',
      appname: 'a',
      structuredData: { 'x@1': { k: '2' } },
      message: '',
      partial: false,
    },
  },
  {
    name: 'maximum field lengths',
    raw: `<14>1 - ${'h'.repeat(255)} ${'a'.repeat(48)} ${'p'.repeat(128)} ${'m'.repeat(32)} - x`,
    want: {
      format: 'rfc5424',
      priority: 14,
      facility: 1,
      severity: 6,
      version: 1,
      hostname: 'h'.repeat(255),
      appname: 'a'.repeat(48),
      procid: 'p'.repeat(128),
      msgid: 'm'.repeat(32),
      message: 'x',
      partial: false,
    },
  },
];

const invalid: Array<{ name: string; raw: string; reason: RegExp }> = [
  { name: 'no PRI', raw: '1 2026-11-20T09:00:00Z h a - - - x', reason: /no PRI/ },
  { name: 'PRI with a leading zero', raw: '<034>1 2026-11-20T09:00:00Z h a - - - x', reason: /leading zero/ },
  { name: 'PRI above 191', raw: '<192>1 2026-11-20T09:00:00Z h a - - - x', reason: /above 191/ },
  { name: 'PRI not a number', raw: '<1a>1 - - - - - -', reason: /not a number/ },
  { name: 'PRI empty', raw: '<>1 - - - - - -', reason: /empty/ },
  { name: 'PRI not closed', raw: '<1341 - - - - - -', reason: /not closed/ },
  { name: 'VERSION 2', raw: '<13>2 2026-11-20T09:00:00Z h a - - - x', reason: /unsupported syslog VERSION 2/ },
  { name: 'no VERSION', raw: '<13>Nov 20 09:00:00 h a: x', reason: /no VERSION/ },
  { name: 'timestamp with space instead of T', raw: '<13>1 2026-11-20 09:00:00Z h a - - - x', reason: /TIMESTAMP/ },
  { name: 'timestamp without zone', raw: '<13>1 2026-11-20T09:00:00 h a - - - x', reason: /TIMESTAMP/ },
  { name: 'timestamp with 7 fractional digits', raw: '<13>1 2026-11-20T09:00:00.1234567Z h a - - - x', reason: /TIMESTAMP/ },
  { name: 'timestamp month 13', raw: '<13>1 2026-13-20T09:00:00Z h a - - - x', reason: /TIMESTAMP/ },
  { name: 'timestamp Feb 30', raw: '<13>1 2026-02-30T09:00:00Z h a - - - x', reason: /TIMESTAMP/ },
  { name: 'timestamp leap second', raw: '<13>1 2026-12-31T23:59:60Z h a - - - x', reason: /TIMESTAMP/ },
  { name: 'timestamp lower-case t', raw: '<13>1 2026-11-20t09:00:00Z h a - - - x', reason: /TIMESTAMP/ },
  { name: 'header cut before SD', raw: '<13>1 2026-11-20T09:00:00Z h a - ID47', reason: /header ends in MSGID/ },
  { name: 'empty field (two spaces)', raw: '<13>1 2026-11-20T09:00:00Z  a - - - x', reason: /HOSTNAME is empty/ },
  { name: 'HOSTNAME of 256 chars', raw: `<13>1 - ${'h'.repeat(256)} a - - - x`, reason: /HOSTNAME is longer than 255/ },
  { name: 'APP-NAME of 49 chars', raw: `<13>1 - h ${'a'.repeat(49)} - - - x`, reason: /APP-NAME is longer than 48/ },
  { name: 'MSGID of 33 chars', raw: `<13>1 - h a - ${'m'.repeat(33)} - x`, reason: /MSGID is longer than 32/ },
  { name: 'non-ASCII HOSTNAME', raw: '<13>1 - hôst a - - - x', reason: /HOSTNAME has a character outside/ },
  { name: 'SD neither - nor [', raw: '<13>1 - h a - - x msg', reason: /neither - nor \[/ },
  { name: 'SD not closed', raw: '<13>1 - h a - - [x@1 a="b" msg', reason: /expected =/ },
  { name: 'SD value unterminated', raw: '<13>1 - h a - - [x@1 a="b]', reason: /unterminated value/ },
  { name: 'SD value not quoted', raw: '<13>1 - h a - - [x@1 a=b]', reason: /expected ="value"/ },
  { name: 'SD-ID repeated', raw: '<13>1 - h a - - [x@1 a="1"][x@1 a="2"]', reason: /appears twice/ },
  { name: 'SD-ID empty', raw: '<13>1 - h a - - [] x', reason: /SD-ID must be/ },
  { name: 'SD followed by text without SP', raw: '<13>1 - h a - - [x@1]msg', reason: /expected SP after STRUCTURED-DATA/ },
  { name: 'nil SD followed by text without SP', raw: '<13>1 - h a - - -msg', reason: /expected SP after STRUCTURED-DATA/ },
];

describe('parseRfc5424', () => {
  it.each(valid)('$name', ({ raw, want }) => {
    expect(parseRfc5424(raw)).toEqual({ ok: true, record: want });
  });

  it.each(invalid)('rejects: $name', ({ raw, reason }) => {
    const r = parseRfc5424(raw);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('PARSE_SYSLOG');
    expect(r.error.message).toMatch(reason);
    expect(r.error.location?.column).toBeGreaterThan(0);
  });
});

describe('structured data with the names of Object.prototype', () => {
  it('keeps an SD-ID or PARAM-NAME of __proto__ as data', () => {
    const r = parseRfc5424('<14>1 2026-12-05T10:00:00Z host app - - [__proto__ a="1"][x __proto__="2" b="3"] hello');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const sd = r.record.structuredData as Record<string, Record<string, string>>;
    expect(Object.getPrototypeOf(sd)).toBe(Object.prototype);
    expect(Object.keys(sd)).toEqual(['__proto__', 'x']);
    expect(JSON.parse(JSON.stringify(sd))).toEqual(JSON.parse('{"__proto__":{"a":"1"},"x":{"__proto__":"2","b":"3"}}'));
  });
});
