import { describe, expect, it } from 'vitest';
import { elapsedMs } from '../../test/support/timing.js';
import { parseEpoch, parseJavaDate, parseTimestamp, zoneTokenOffset } from './datetime.js';

const ctx = { tz: 'UTC', now: new Date('2026-11-22T02:05:00Z') };
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('parseTimestamp: every form seen inside messages', () => {
  it.each<[string, string, string | undefined, string?]>([
    ['epoch seconds', '1795166043', '2026-11-20T09:14:03.000Z'],
    ['epoch seconds with fraction', '1795166043.25', '2026-11-20T09:14:03.250Z'],
    ['epoch ms', '1795166043123', '2026-11-20T09:14:03.123Z'],
    ['epoch µs', '1795166043123456', '2026-11-20T09:14:03.123Z'],
    ['epoch ns (FortiOS eventtime)', '1795166043123456789', '2026-11-20T09:14:03.123Z'],
    ['RFC 3339', '2026-11-20T09:14:03.5+01:00', '2026-11-20T08:14:03.500Z'],
    ['RFC 3339 without zone, input zone applies', '2026-11-20 09:14:03', '2026-11-20T08:14:03.000Z', 'Europe/Berlin'],
    ['CEF MMM dd yyyy HH:mm:ss', 'Nov 20 2026 09:14:03', '2026-11-20T09:14:03.000Z'],
    ['CEF MMM dd yyyy HH:mm:ss.SSS zzz', 'Nov 20 2026 09:14:03.250 CET', '2026-11-20T08:14:03.250Z'],
    ['CEF MMM dd HH:mm:ss (year inferred)', 'Nov 20 09:14:03', '2026-11-20T09:14:03.000Z'],
    ['Dec 31 read on Jan 1 is last year', 'Dec 31 23:59:00', '2025-12-31T23:59:00.000Z'],
    ['a date more than a day ahead is last year', 'Nov 24 00:00:00', '2025-11-24T00:00:00.000Z'],
    ['ASA MMM dd yyyy HH:mm:ss with zone offset', 'Nov 20 2026 09:14:03 +0200', '2026-11-20T07:14:03.000Z'],
    ['PAN-OS yyyy/MM/dd HH:mm:ss in the input zone', '2026/11/20 09:14:03', '2026-11-20T14:14:03.000Z', 'America/New_York'],
    ['NCSA', '20/Nov/2026:09:14:03 +0000', '2026-11-20T09:14:03.000Z'],
    ['not a date', 'yesterday', undefined],
    ['an impossible date', 'Feb 30 2026 00:00:00', undefined],
    ['an unknown zone abbreviation', 'Nov 20 2026 09:14:03 XYZ', undefined],
  ])('%s', (_name, value, want, tz) => {
    const now = _name.startsWith('Dec 31') ? new Date('2026-01-01T00:10:00Z') : ctx.now;
    expect(iso(parseTimestamp(value, { tz: tz ?? 'UTC', now }))).toBe(want);
  });
});

describe('parseJavaDate (LEEF devTimeFormat)', () => {
  it.each<[string, string, string | undefined]>([
    ['MMM dd yyyy HH:mm:ss', 'Nov 20 2026 09:14:03', '2026-11-20T09:14:03.000Z'],
    ['yyyy-MM-dd HH:mm:ss.SSS Z', '2026-11-20 09:14:03.123 +0100', '2026-11-20T08:14:03.123Z'],
    ["yyyy-MM-dd'T'HH:mm:ssXXX", '2026-11-20T09:14:03-05:00', '2026-11-20T14:14:03.000Z'],
    ['dd/MM/yy hh:mm:ss a', '20/11/26 09:14:03 PM', '2026-11-20T21:14:03.000Z'],
    ['EEE MMM d HH:mm:ss zzz yyyy', 'Fri Nov 20 09:14:03 UTC 2026', '2026-11-20T09:14:03.000Z'],
    ['yyyy-MM-dd HH:mm:ss VV', '2026-07-01 12:00:00 Europe/Berlin', '2026-07-01T10:00:00.000Z'],
    ['MMM dd HH:mm:ss', 'Nov 20 09:14:03', '2026-11-20T09:14:03.000Z'],
    ['yyyy-MM-dd', 'Nov 20', undefined],
    ['yyyy-MM-dd QQ', '2026-11-20 Q4', undefined],
  ])('%s ← %s', (pattern, value, want) => {
    expect(iso(parseJavaDate(value, pattern, ctx))).toBe(want);
  });
});

describe('parseEpoch and zone tokens', () => {
  it('refuses what is not an epoch', () => {
    expect(parseEpoch('12345')).toBeUndefined();
    expect(parseEpoch('1795166043123.5')).toBeUndefined();
  });
  it('reads zone tokens', () => {
    expect(zoneTokenOffset('Z')).toBe(0);
    expect(zoneTokenOffset('EST')).toBe(-5 * 3_600_000);
    expect(zoneTokenOffset('GMT+2')).toBe(2 * 3_600_000);
    expect(zoneTokenOffset('+05:30')).toBe(5.5 * 3_600_000);
    expect(zoneTokenOffset('Mars')).toBeUndefined();
  });
});

describe('found by fuzzing', () => {
  it('refuses a devTimeFormat too long to be a date pattern instead of throwing', () => {
    const t = { tz: 'UTC', now: new Date('2026-11-22T02:05:00Z') };
    expect(parseJavaDate('2026-11-20T09:14:06', `yyyy-MM-dd'${'Q'.repeat(100_000)}'HH`, t)).toBeUndefined();
  });
});

describe('parseJavaDate runs in linear time whatever the record sends', () => {
  // A devTimeFormat and a devTime both come from the record. Adjacent numeric fields of 1–2
  // digits (`dH` = `( ?\d{1,2})(\d{1,2})`) can split a run of digits in Fibonacci-many ways,
  // every one of them tried by a backtracking matcher before a trailing letter refuses them all.
  it.each<[string, string, string]>([
    ['adjacent 1–2 digit fields', 'dH'.repeat(15), `${'1'.repeat(60)}x`],
    ['adjacent name fields', 'Ez'.repeat(12), `${'a'.repeat(96)}1`],
  ])('refuses %s that do not fit within 200 ms', (_name, pattern, value) => {
    let t: number | undefined = 0;
    const ms = elapsedMs(() => (t = parseJavaDate(value, pattern, ctx)));
    expect(t).toBeUndefined();
    expect(ms).toBeLessThan(200);
  });

  it('refuses a devTime of tens of KB at once', () => {
    let t: number | undefined = 0;
    const ms = elapsedMs(() => (t = parseJavaDate(`${'1'.repeat(50_000)}x`, 'dHdHdHdH', ctx)));
    expect(t).toBeUndefined();
    expect(ms).toBeLessThan(200);
  });
});
