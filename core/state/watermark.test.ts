import { describe, expect, it } from 'vitest';
import { Watermark } from './watermark.js';

describe('Watermark', () => {
  it.each([
    { name: 'nothing seen: nothing is late', lateness: 1000, seen: [], probe: 0, value: null, late: false },
    { name: 'in order', lateness: 1000, seen: [10_000, 11_000], probe: 10_500, value: 10_000, late: false },
    { name: 'out of order within the lateness', lateness: 1000, seen: [11_000, 10_200], probe: 10_000, value: 10_000, late: false },
    { name: 'older than the lateness allows', lateness: 1000, seen: [11_000], probe: 9_999, value: 10_000, late: true },
    { name: 'never moves back', lateness: 0, seen: [5_000, 3_000], probe: 4_000, value: 5_000, late: true },
    { name: 'ignores non-finite times', lateness: 0, seen: [NaN, Infinity, 7], probe: 6, value: 7, late: true },
  ])('$name', ({ lateness, seen, probe, value, late }) => {
    const w = new Watermark(lateness);
    for (const t of seen) w.observe(t);
    expect(w.value).toBe(value);
    expect(w.isLate(probe)).toBe(late);
  });

  it('resumes from a persisted max event time', () => {
    const w = new Watermark(500, 2_000);
    expect(w.value).toBe(1_500);
    expect(w.maxEventTime).toBe(2_000);
  });
});
