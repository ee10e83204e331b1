/** Timestamp parts for the time modifiers, checked against an independent ISO week computation. */
import { describe, expect, it } from 'vitest';
import { isoWeek, timePartOf } from './timestamp.js';

/** ISO 8601 week by the Thursday rule: the week belongs to the year of its Thursday. */
function referenceWeek(date: Date): number {
  const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const day = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - day);
  const yearStart = new Date(Date.UTC(d.getUTCFullYear(), 0, 1));
  return Math.ceil(((d.getTime() - yearStart.getTime()) / 86_400_000 + 1) / 7);
}

describe('timestamp parts', () => {
  it('computes ISO weeks for every day of 1995–2035', () => {
    for (let t = Date.UTC(1995, 0, 1); t <= Date.UTC(2035, 11, 31); t += 86_400_000) {
      const d = new Date(t);
      expect(isoWeek(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()), d.toISOString()).toBe(referenceWeek(d));
    }
  });

  it('reads epoch seconds and milliseconds as UTC', () => {
    for (const t of [0, 951_782_400_000, 1_772_368_200_000, 4_102_444_799_000]) {
      const d = new Date(t);
      expect(timePartOf(t, 'year')).toBe(d.getUTCFullYear());
      expect(timePartOf(t / 1000, 'month')).toBe(d.getUTCMonth() + 1);
      expect(timePartOf(t, 'day')).toBe(d.getUTCDate());
      expect(timePartOf(t, 'hour')).toBe(d.getUTCHours());
      expect(timePartOf(t, 'minute')).toBe(d.getUTCMinutes());
    }
  });

  it.each([
    ['2026-13-01T00:00:00Z', 'month'],
    ['2026-03-01T25:00:00Z', 'hour'],
    ['2026/03/01', 'day'],
    ['not a date', 'year'],
  ] as const)('refuses %j', (text, part) => {
    expect(timePartOf(text, part)).toBeNaN();
  });
});
