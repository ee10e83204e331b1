import { describe, expect, it } from 'vitest';
import { inferYearEpoch, isoFromEpoch, wallTimeToEpoch, zoneOffsetMs } from './time.js';

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('wallTimeToEpoch around DST changes (Europe/Berlin, 2026-03-29 and 2026-10-25)', () => {
  it.each<[string, [number, number, number, number, number, number], string]>([
    ['before spring forward', [2026, 3, 29, 1, 30, 0], '2026-03-29T00:30:00.000Z'],
    ['inside the spring gap: one hour later', [2026, 3, 29, 2, 30, 0], '2026-03-29T01:30:00.000Z'],
    ['after spring forward', [2026, 3, 29, 3, 30, 0], '2026-03-29T01:30:00.000Z'],
    ['before fall back', [2026, 10, 25, 1, 30, 0], '2026-10-24T23:30:00.000Z'],
    ['inside the repeated hour: the later instant', [2026, 10, 25, 2, 30, 0], '2026-10-25T01:30:00.000Z'],
    ['after fall back', [2026, 10, 25, 3, 30, 0], '2026-10-25T02:30:00.000Z'],
  ])('%s', (_name, [y, mo, d, h, mi, s], want) => {
    expect(iso(wallTimeToEpoch(y, mo, d, h, mi, s, 'Europe/Berlin'))).toBe(want);
  });

  it('reads the offset on both sides of a change (cached per quarter hour)', () => {
    const change = Date.parse('2026-03-29T01:00:00Z');
    for (let i = 0; i < 2; i++) {
      expect(zoneOffsetMs('Europe/Berlin', change - 1)).toBe(3_600_000);
      expect(zoneOffsetMs('Europe/Berlin', change)).toBe(7_200_000);
    }
    expect(zoneOffsetMs('Australia/Lord_Howe', Date.parse('2026-01-15T00:00:00Z'))).toBe(11 * 3_600_000);
    expect(zoneOffsetMs('Asia/Kathmandu', Date.parse('2026-01-15T00:00:00Z'))).toBe(5.75 * 3_600_000);
  });
});

describe('inferYearEpoch', () => {
  const now = new Date('2026-11-22T02:05:00Z');
  it.each<[string, [number, number, number, number, number], string | undefined]>([
    ['yesterday', [11, 21, 12, 0, 0], '2026-11-21T12:00:00.000Z'],
    ['exactly one day ahead', [11, 23, 2, 5, 0], '2026-11-23T02:05:00.000Z'],
    ['one second more than a day ahead', [11, 23, 2, 5, 1], '2025-11-23T02:05:01.000Z'],
    ['Feb 29', [2, 29, 0, 0, 0], '2024-02-29T00:00:00.000Z'],
    ['Feb 30 never exists', [2, 30, 0, 0, 0], undefined],
  ])('%s', (_name, [mo, d, h, mi, s], want) => {
    expect(iso(inferYearEpoch(mo, d, h, mi, s, 'UTC', now))).toBe(want);
  });
});

describe('isoFromEpoch', () => {
  it.each<[string | undefined, string]>([
    [undefined, '2026-11-20T09:00:00.000Z'],
    ['5', '2026-11-20T09:00:00.500Z'],
    ['123456', '2026-11-20T09:00:00.123456Z'],
    ['123456789', '2026-11-20T09:00:00.123456789Z'],
  ])('fraction %j', (fraction, want) => {
    expect(isoFromEpoch(Date.parse('2026-11-20T09:00:00Z'), fraction)).toBe(want);
  });
});
