import { describe, expect, it } from 'vitest';
import { AckRegistry } from './acks.js';

describe('AckRegistry', () => {
  const make = (over: Partial<ConstructorParameters<typeof AckRegistry>[0]> = {}) => {
    let t = 0;
    const reg = new AckRegistry({ maxPerChannel: 3, maxChannels: 2, idleMs: 1000, now: () => t, ...over });
    return { reg, tick: (ms: number) => (t += ms) };
  };

  it('numbers ids per channel from 0 and reports true once, after settling', () => {
    const { reg } = make();
    expect([reg.open('a'), reg.open('a'), reg.open('b')]).toEqual([0, 1, 0]);
    expect(reg.query('a', [0, 1])).toEqual({ '0': false, '1': false });
    reg.settle('a', 1, true);
    expect(reg.query('a', [0, 1])).toEqual({ '0': false, '1': true });
    expect(reg.query('a', [1])).toEqual({ '1': false });
    reg.settle('a', 0, false);
    expect(reg.query('a', [0])).toEqual({ '0': false });
    expect(reg.size).toEqual({ channels: 2, ids: 1 });
  });

  it('numbers a restarted process’s ids above every id the one before could have handed out', () => {
    const before = new AckRegistry({ maxPerChannel: 5000, maxChannels: 2, idleMs: 60_000, now: () => 1_700_000_000_000 });
    let last = -1;
    for (let i = 0; i < 4000; i++) {
      last = before.open('a') as number;
      before.settle('a', last, true);
      before.query('a', [last]);
    }
    // Restarted one second later, after 4,000 requests on the channel in that second.
    const after = new AckRegistry({ maxPerChannel: 5000, maxChannels: 2, idleMs: 60_000, now: () => 1_700_000_001_000 });
    const first = after.open('a') as number;
    expect(first).toBeGreaterThan(last);
    expect(Number.isSafeInteger(first)).toBe(true);
  });

  it('is busy past maxPerChannel (until ids are queried) and past maxChannels (until one expires)', () => {
    const { reg, tick } = make();
    for (let i = 0; i < 3; i++) reg.settle('a', reg.open('a') as number, true);
    expect(reg.open('a')).toBe('busy');
    reg.query('a', [0]);
    expect(reg.open('a')).toBe(3);
    expect(reg.open('b')).toBe(0);
    expect(reg.open('c')).toBe('busy');
    tick(500);
    reg.query('b', []);
    tick(600);
    expect(reg.open('c')).toBe(0); // 'a' idle for 1100 ms was swept; 'b' was used 600 ms ago
    expect(reg.query('a', [1])).toEqual({ '1': false });
  });
});
