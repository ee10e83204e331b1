import { describe, expect, it } from 'vitest';
import { IdList } from './id-list.js';

describe('IdList', () => {
  it('grows past its capacity and keeps every id in order', () => {
    const l = new IdList(2);
    for (let i = 0; i < 100; i++) l.push(i * 3);
    expect(l.length).toBe(100);
    expect(l.at(0)).toBe(0);
    expect(l.at(99)).toBe(297);
    expect(l.toArray()).toEqual(Array.from({ length: 100 }, (_, i) => i * 3));
  });

  it('is empty after clear and reuses its storage', () => {
    const l = new IdList(4);
    l.push(7);
    l.push(8);
    l.clear();
    expect(l.length).toBe(0);
    expect(l.toArray()).toEqual([]);
    l.push(9);
    expect(l.toArray()).toEqual([9]);
  });

  it.each([0, 1, 5, 32, 33, 200])('sorts %i ids ascending (insertion sort and typed-array sort alike)', (n) => {
    let seed = n + 1;
    const want: number[] = [];
    const l = new IdList();
    for (let i = 0; i < n; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const x = seed % 50;
      want.push(x);
      l.push(x);
    }
    l.sort();
    expect(l.toArray()).toEqual(want.sort((a, b) => a - b));
  });
});
