import { describe, expect, it } from 'vitest';
import { isVigilError } from '../errors/index.js';
import { KeyValueStore } from './store.js';

describe('KeyValueStore', () => {
  it('reports each changed key once per drain, with its last value (undefined when deleted)', () => {
    const s = new KeyValueStore<number>();
    s.set('a', 1);
    s.set('a', 2);
    s.set('b', 1);
    s.delete('b');
    s.delete('never-there');
    expect(s.drainChanges()).toEqual([
      ['a', 2],
      ['b', undefined],
    ]);
    expect(s.drainChanges()).toEqual([]);
    expect([...s.entries()]).toEqual([['a', 2]]);
  });

  it('does not track what a restore loads', () => {
    const s = new KeyValueStore<string>();
    s.restore('k', 'v');
    s.restore('gone', 'x');
    s.restore('gone', undefined);
    expect(s.drainChanges()).toEqual([]);
    expect(s.size).toBe(1);
    expect(s.get('k')).toBe('v');
  });

  it('refuses keys the runtime reserves (STATE_STORE)', () => {
    const s = new KeyValueStore<number>();
    let caught: unknown;
    try {
      s.set('\u0000vigil.meta', 1);
    } catch (err) {
      caught = err;
    }
    expect(isVigilError(caught, 'STATE_STORE')).toBe(true);
  });
});
