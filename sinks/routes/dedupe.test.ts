import { describe, expect, it } from 'vitest';
import { DedupeWindow } from './dedupe.js';

describe('dedupe window', () => {
  it('a digest is a duplicate only once remembered, and only within the window', () => {
    const w = new DedupeWindow(1000, 10);
    const d = DedupeWindow.digest('{"a":1}');
    expect(w.isDuplicate(d, 0)).toBe(false);
    w.remember(d, 0);
    expect(w.isDuplicate(d, 999)).toBe(true);
    expect(w.isDuplicate(d, 1000)).toBe(false);
    expect(w.isDuplicate(DedupeWindow.digest('{"a":2}'), 10)).toBe(false);
  });

  it('stays within maxEntries, forgetting the oldest first', () => {
    const w = new DedupeWindow(60_000, 3);
    const ds = ['1', '2', '3', '4'].map((s) => DedupeWindow.digest(s));
    ds.forEach((d, i) => w.remember(d, i));
    expect(w.size).toBe(3);
    expect(w.isDuplicate(ds[0] as string, 10)).toBe(false);
    expect(w.isDuplicate(ds[3] as string, 10)).toBe(true);
  });

  it('drops expired entries as it goes', () => {
    const w = new DedupeWindow(10, 100);
    w.remember(DedupeWindow.digest('a'), 0);
    w.remember(DedupeWindow.digest('b'), 100);
    expect(w.size).toBe(1);
  });
});
