/** KeyState keeps its timer as a small offset; every time must read back exactly. */
import { describe, expect, it } from 'vitest';
import { KeyState } from './contract.js';

describe('KeyState.wake', () => {
  it.each([
    ['none', Infinity],
    ['now', Date.now()],
    ['an hour ahead, to the millisecond', Date.now() + 3_600_001],
    ['a replay of last year', Date.parse('2025-01-01T00:00:00.123Z')],
    ['the epoch', 0],
    ['a fraction of a millisecond', Date.now() + 0.5],
  ])('reads back %s exactly', (_name, time) => {
    const s = new KeyState({ id: 'p0' });
    expect(s.wake).toBe(Infinity);
    s.wake = time;
    expect(s.wake).toBe(time);
    s.wake = Infinity;
    expect(s.wake).toBe(Infinity);
  });
});
