import { describe, expect, it } from 'vitest';
import { parseRfc3164 } from './rfc3164.js';
import type { SyslogRecord } from './types.js';

/** Receive time of every case unless it says otherwise. */
const NOW = '2026-11-22T02:05:00Z';

type Want = Omit<SyslogRecord, 'format' | 'facility' | 'severity' | 'partial'> & { partial?: boolean };

/** Golden table: the classic shape, then each deviation SPECS.md lists, then year and zone inference. */
const valid: Array<{ name: string; raw: string | Buffer; want: Want; now?: string; tz?: string }> = [
  {
    name: 'classic BSD line',
    raw: '<38>Nov 20 09:14:03 web-01 sshd[2231]: Failed password for invalid user admin from 203.0.113.45 port 52144 ssh2',
    want: {
      priority: 38,
      timestamp: '2026-11-20T09:14:03.000Z',
      hostname: 'web-01',
      appname: 'sshd',
      procid: '2231',
      message: 'Failed password for invalid user admin from 203.0.113.45 port 52144 ssh2',
    },
  },
  {
    name: 'space-padded day',
    raw: '<13>Nov  2 03:04:05 host app: msg',
    want: { priority: 13, timestamp: '2026-11-02T03:04:05.000Z', hostname: 'host', appname: 'app', message: 'msg' },
  },
  {
    name: 'unpadded single-digit day',
    raw: '<13>Nov 2 03:04:05 host app: msg',
    want: { priority: 13, timestamp: '2026-11-02T03:04:05.000Z', hostname: 'host', appname: 'app', message: 'msg' },
  },
  {
    name: 'lower-case month',
    raw: '<13>nov 20 03:04:05 host app: msg',
    want: { priority: 13, timestamp: '2026-11-20T03:04:05.000Z', hostname: 'host', appname: 'app', message: 'msg' },
  },
  {
    name: 'missing hostname (TAG[pid]: first)',
    raw: '<86>Nov 20 09:20:11 sshd[2301]: Accepted password for deploy from 203.0.113.45 port 53022 ssh2',
    want: {
      priority: 86,
      timestamp: '2026-11-20T09:20:11.000Z',
      appname: 'sshd',
      procid: '2301',
      message: 'Accepted password for deploy from 203.0.113.45 port 53022 ssh2',
    },
  },
  {
    name: 'missing hostname (TAG: first)',
    raw: '<6>Nov 20 09:20:11 kernel: [ 12.345678] eth0: link up',
    want: { priority: 6, timestamp: '2026-11-20T09:20:11.000Z', appname: 'kernel', message: '[ 12.345678] eth0: link up' },
  },
  {
    name: 'RFC 3339 timestamp with offset and microseconds',
    raw: '<34>2026-11-20T09:14:03.123456+01:00 web-01 app[7]: x',
    want: { priority: 34, timestamp: '2026-11-20T08:14:03.123456Z', hostname: 'web-01', appname: 'app', procid: '7', message: 'x' },
  },
  {
    name: 'RFC 3339 timestamp without zone takes the configured one',
    tz: 'Europe/Berlin',
    raw: '<34>2026-11-20T09:14:03 web-01 app: x',
    want: { priority: 34, timestamp: '2026-11-20T08:14:03.000Z', hostname: 'web-01', appname: 'app', message: 'x' },
  },
  {
    name: 'rsyslog #012 / #011 escapes decoded',
    raw: '<13>Nov 20 09:14:03 host app: line1#012line2#011tabbed #123 stays',
    want: {
      priority: 13,
      timestamp: '2026-11-20T09:14:03.000Z',
      hostname: 'host',
      appname: 'app',
      message: 'line1\nline2\ttabbed #123 stays',
    },
  },
  {
    name: 'Cisco ASA: year in timestamp, trailing colon, no hostname, %ASA tag',
    raw: '<166>Nov 20 2026 09:14:03: %ASA-6-302013: Built outbound TCP connection 123 for outside:198.51.100.7/443 (198.51.100.7/443) to inside:10.0.0.5/51234 (192.0.2.10/51234)',
    want: {
      priority: 166,
      timestamp: '2026-11-20T09:14:03.000Z',
      appname: '%ASA-6-302013',
      message:
        'Built outbound TCP connection 123 for outside:198.51.100.7/443 (198.51.100.7/443) to inside:10.0.0.5/51234 (192.0.2.10/51234)',
    },
  },
  {
    name: 'Cisco ASA with a device id hostname',
    raw: '<164>Nov 20 09:14:03 asa-fw01 %ASA-4-106023: Deny tcp src outside:203.0.113.45/4444 dst inside:10.0.0.5/22',
    want: {
      priority: 164,
      timestamp: '2026-11-20T09:14:03.000Z',
      hostname: 'asa-fw01',
      appname: '%ASA-4-106023',
      message: 'Deny tcp src outside:203.0.113.45/4444 dst inside:10.0.0.5/22',
    },
  },
  {
    name: 'year after the time',
    raw: '<13>Nov 20 09:14:03 2025 host app: x',
    want: { priority: 13, timestamp: '2025-11-20T09:14:03.000Z', hostname: 'host', appname: 'app', message: 'x' },
  },
  {
    name: 'milliseconds and a UTC zone after the time',
    tz: 'America/New_York',
    raw: '<13>Nov 20 09:14:03.250 UTC host app: x',
    want: { priority: 13, timestamp: '2026-11-20T09:14:03.250Z', hostname: 'host', appname: 'app', message: 'x' },
  },
  {
    name: 'numeric zone after the time',
    raw: '<13>Nov 20 09:14:03 +0200 host app: x',
    want: { priority: 13, timestamp: '2026-11-20T07:14:03.000Z', hostname: 'host', appname: 'app', message: 'x' },
  },
  {
    name: 'Cisco unsynchronised-clock star',
    raw: '<187>*Nov 20 09:14:03.001 router1 LINK: down',
    want: { priority: 187, timestamp: '2026-11-20T09:14:03.001Z', hostname: 'router1', appname: 'LINK', message: 'down' },
  },
  {
    name: 'no tag: the rest is the message',
    raw: '<13>Nov 20 09:14:03 host just some text',
    want: { priority: 13, timestamp: '2026-11-20T09:14:03.000Z', hostname: 'host', message: 'just some text' },
  },
  {
    name: 'tag with a slash (postfix)',
    raw: '<22>Nov 20 09:14:03 mail-01 postfix/smtpd[1234]: connect from unknown[203.0.113.45]',
    want: {
      priority: 22,
      timestamp: '2026-11-20T09:14:03.000Z',
      hostname: 'mail-01',
      appname: 'postfix/smtpd',
      procid: '1234',
      message: 'connect from unknown[203.0.113.45]',
    },
  },
  {
    name: 'sudo pads the user with spaces: leading spaces dropped',
    raw: '<85>Nov 20 09:21:40 web-01 sudo:   deploy : TTY=pts/0 ; PWD=/home/deploy ; USER=root ; COMMAND=/bin/bash',
    want: {
      priority: 85,
      timestamp: '2026-11-20T09:21:40.000Z',
      hostname: 'web-01',
      appname: 'sudo',
      message: 'deploy : TTY=pts/0 ; PWD=/home/deploy ; USER=root ; COMMAND=/bin/bash',
    },
  },
  {
    name: 'non-numeric pid kept as procid',
    raw: '<13>Nov 20 09:14:03 host app[worker-1]: x',
    want: { priority: 13, timestamp: '2026-11-20T09:14:03.000Z', hostname: 'host', appname: 'app', procid: 'worker-1', message: 'x' },
  },
  {
    name: 'TAG[pid] without the colon',
    raw: '<13>Nov 20 09:14:03 host app[12] x',
    want: { priority: 13, timestamp: '2026-11-20T09:14:03.000Z', hostname: 'host', appname: 'app', procid: '12', message: 'x' },
  },
  {
    name: 'IPv4 hostname, NUL and CRLF trailers',
    raw: Buffer.from('<13>Nov 20 09:14:03 10.1.2.3 app: x\r\n\u0000'),
    want: { priority: 13, timestamp: '2026-11-20T09:14:03.000Z', hostname: '10.1.2.3', appname: 'app', message: 'x' },
  },
  {
    name: 'PRI 0 and empty message',
    raw: '<0>Nov 20 09:14:03 host app:',
    want: { priority: 0, timestamp: '2026-11-20T09:14:03.000Z', hostname: 'host', appname: 'app', message: '' },
  },
  // year inference: never more than a day in the future
  {
    name: 'Dec 31 read on Nov 22: last year',
    raw: '<13>Dec 31 23:59:59 host app: x',
    want: { priority: 13, timestamp: '2025-12-31T23:59:59.000Z', hostname: 'host', appname: 'app', message: 'x' },
  },
  {
    name: 'less than a day ahead (sender clock skew): this year',
    raw: '<13>Nov 22 20:00:00 host app: x',
    want: { priority: 13, timestamp: '2026-11-22T20:00:00.000Z', hostname: 'host', appname: 'app', message: 'x' },
  },
  {
    name: 'more than a day ahead: last year',
    raw: '<13>Nov 23 03:00:00 host app: x',
    want: { priority: 13, timestamp: '2025-11-23T03:00:00.000Z', hostname: 'host', appname: 'app', message: 'x' },
  },
  {
    name: 'Dec 31 read on Jan 1',
    now: '2027-01-01T00:00:10Z',
    raw: '<13>Dec 31 23:59:50 host app: x',
    want: { priority: 13, timestamp: '2026-12-31T23:59:50.000Z', hostname: 'host', appname: 'app', message: 'x' },
  },
  {
    name: 'Feb 29 in a common year: the last leap year',
    raw: '<13>Feb 29 12:00:00 host app: x',
    want: { priority: 13, timestamp: '2024-02-29T12:00:00.000Z', hostname: 'host', appname: 'app', message: 'x' },
  },
  // time zones through Intl
  {
    name: 'Europe/Berlin in winter (+01:00)',
    tz: 'Europe/Berlin',
    raw: '<13>Nov 20 10:00:00 host app: x',
    want: { priority: 13, timestamp: '2026-11-20T09:00:00.000Z', hostname: 'host', appname: 'app', message: 'x' },
  },
  {
    name: 'Europe/Berlin in summer (+02:00)',
    tz: 'Europe/Berlin',
    raw: '<13>Jul  1 12:00:00 host app: x',
    want: { priority: 13, timestamp: '2026-07-01T10:00:00.000Z', hostname: 'host', appname: 'app', message: 'x' },
  },
  {
    name: 'America/New_York (-05:00)',
    tz: 'America/New_York',
    raw: '<13>Nov 20 10:00:00 host app: x',
    want: { priority: 13, timestamp: '2026-11-20T15:00:00.000Z', hostname: 'host', appname: 'app', message: 'x' },
  },
  {
    name: 'Asia/Kolkata (+05:30)',
    tz: 'Asia/Kolkata',
    raw: '<13>Nov 20 10:00:00 host app: x',
    want: { priority: 13, timestamp: '2026-11-20T04:30:00.000Z', hostname: 'host', appname: 'app', message: 'x' },
  },
  {
    name: 'year rolls in the configured zone, not in UTC',
    tz: 'Pacific/Auckland',
    now: '2026-12-31T12:30:00Z', // already Jan 1 2027 01:30 in Auckland
    raw: '<13>Jan  1 01:00:00 host app: x',
    want: { priority: 13, timestamp: '2026-12-31T12:00:00.000Z', hostname: 'host', appname: 'app', message: 'x' },
  },
  // partial: a PRI but no readable timestamp
  {
    name: 'no timestamp: whole rest is the message, partial',
    raw: '<13>hello world',
    want: { priority: 13, message: 'hello world', partial: true },
  },
  {
    name: 'no timestamp but a tag',
    raw: '<13>myapp[5]: started',
    want: { priority: 13, appname: 'myapp', procid: '5', message: 'started', partial: true },
  },
  {
    name: 'impossible date (Feb 30): kept in the message, partial',
    raw: '<13>Feb 30 12:00:00 host app: x',
    want: { priority: 13, message: 'Feb 30 12:00:00 host app: x', partial: true },
  },
  {
    name: 'hour 25: partial',
    raw: '<13>Nov 20 25:00:00 host app: x',
    want: { priority: 13, message: 'Nov 20 25:00:00 host app: x', partial: true },
  },
];

const invalid: Array<{ name: string; raw: string; reason: RegExp }> = [
  { name: 'no PRI', raw: 'Nov 20 09:14:03 web-01 sshd[1]: x', reason: /no PRI/ },
  { name: 'empty', raw: '', reason: /no PRI/ },
  { name: 'PRI 999', raw: '<999>Nov 20 09:14:03 web-01 sshd[1]: x', reason: /above 191/ },
  { name: 'PRI 01', raw: '<01>Nov 20 09:14:03 web-01 sshd[1]: x', reason: /leading zero/ },
  { name: 'PRI unterminated', raw: '<13 Nov 20', reason: /not closed/ },
  { name: 'PRI of 4 digits', raw: '<1234>x', reason: /not closed/ },
  { name: 'binary garbage', raw: '\u0016\u0003\u0001\u0002\u0000', reason: /no PRI/ },
];

describe('parseRfc3164', () => {
  it.each(valid)('$name', ({ raw, want, now, tz }) => {
    const r = parseRfc3164(raw, { now: new Date(now ?? NOW), timezone: tz ?? 'UTC' });
    expect(r).toEqual({
      ok: true,
      record: {
        format: 'rfc3164',
        facility: want.priority! >> 3,
        severity: want.priority! & 7,
        ...want,
        partial: want.partial ?? false,
      },
    });
  });

  it.each(invalid)('rejects: $name', ({ raw, reason }) => {
    const r = parseRfc3164(raw, { now: new Date(NOW) });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('PARSE_SYSLOG');
      expect(r.error.message).toMatch(reason);
    }
  });

  it('an unknown time zone does not throw (read as UTC)', () => {
    const r = parseRfc3164('<13>Nov 20 10:00:00 host app: x', { now: new Date(NOW), timezone: 'Mars/Olympus' });
    expect(r.ok && r.record.timestamp).toBe('2026-11-20T10:00:00.000Z');
  });
});
