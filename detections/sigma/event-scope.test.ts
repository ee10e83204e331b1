import { describe, expect, it } from 'vitest';
import { closeEvent, openEvent } from './event-scope.js';
import { firstOfPaths } from './field-path.js';

describe('event scope', () => {
  it('remembers a read for the event of the open scope only', () => {
    let reads = 0;
    // `map` runs on every read of a present value, never on a remembered one.
    const get = firstOfPaths(['x'], {
      memo: true,
      map: (v) => {
        reads++;
        return v;
      },
    });
    const a = { x: 1 };
    const b = { x: 2 };
    expect(get(a)).toBe(1);
    expect(get(a)).toBe(1);
    expect(reads).toBe(2); // no scope: every call reads
    const prev = openEvent(a);
    expect(get(a)).toBe(1);
    a.x = 5;
    expect(get(a)).toBe(1); // remembered
    expect(get(b)).toBe(2); // another event is read through
    expect(reads).toBe(4);
    closeEvent(prev);
    expect(get(a)).toBe(5);
  });

  it('reads afresh when a scope is reopened for the same or a nested event', () => {
    const get = firstOfPaths(['x'], { memo: true });
    const a = { x: 1 };
    const outer = openEvent(a);
    expect(get(a)).toBe(1);
    closeEvent(outer);
    a.x = 2;
    const again = openEvent(a);
    expect(get(a)).toBe(2);
    const b = { x: 3 };
    const inner = openEvent(b);
    expect(get(b)).toBe(3);
    a.x = 4;
    closeEvent(inner);
    expect(get(a)).toBe(4);
    closeEvent(again);
  });
});
