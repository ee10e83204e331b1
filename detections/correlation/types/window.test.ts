/**
 * The window's flat layout: times stored as offsets from a whole-second base survive events
 * before the base, sub-second times and a snapshot → JSON → restore round trip unchanged.
 */
import { describe, expect, it } from 'vitest';
import type { EcsEvent } from '../../../core/event/index.js';
import type { Condition } from '../model.js';
import type { Entry, HandlerContext, TypeConfig } from './contract.js';
import { eventCount, valueCount } from './counts.js';
import type { WindowState } from './window.js';

const T0 = Date.parse('2026-12-05T10:00:00.000Z');
const part = { id: 'p0' };

function ctx(): HandlerContext {
  const cfg: TypeConfig = {
    spanMs: 60_000,
    eager: false,
    test: () => false,
    minMetric: 1,
    condition: { bounds: [] } as unknown as Condition,
    sequence: [],
    ruleCount: 1,
    learningMs: 0,
  };
  return { cfg, limits: { maxEventsPerKey: 1000, maxAlertEventIds: 100 }, counters: { duplicates: 0, absorbed: 0, overflow: 0 } };
}

const entry = (ms: number, id: string, val: string | number = 0): Entry => ({ ts: T0 + ms, id, val, event: {} as EcsEvent });

function contents(s: WindowState): Array<[number, string, string | number | undefined]> {
  return Array.from({ length: s.size }, (_, k) => [s.timeAt(k), s.idAt(k), s.stride === 3 ? s.valAt(k) : undefined]);
}

describe('window state', () => {
  it('keeps events in time order, including events before the first one and sub-second times', () => {
    const c = ctx();
    const s = valueCount.create(part);
    for (const e of [entry(1_500, 'b', 'root'), entry(-10_250, 'a', 'admin'), entry(3_750, 'c', 'guest'), entry(1_500, 'b2', 'x')])
      valueCount.add(s, e, T0 - 60_000, c);
    expect(contents(s)).toEqual([
      [T0 - 10_250, 'a', 'admin'],
      [T0 + 1_500, 'b', 'root'],
      [T0 + 1_500, 'b2', 'x'],
      [T0 + 3_750, 'c', 'guest'],
    ]);
  });

  it('ignores an event it already holds (same id and time)', () => {
    const c = ctx();
    const s = eventCount.create(part);
    eventCount.add(s, entry(0, 'a'), T0 - 60_000, c);
    expect(eventCount.add(s, entry(0, 'a'), T0 - 60_000, c)).toBeNull();
    expect(s.size).toBe(1);
    expect(c.counters.duplicates).toBe(1);
  });

  it.each([
    ['event_count', eventCount],
    ['value_count', valueCount],
  ] as const)('%s: restores from its snapshot (through JSON) to the same events', (_name, handler) => {
    const c = ctx();
    const s = handler.create(part);
    for (const [ms, id] of [
      [250, 'x'],
      [-999, 'w'],
      [59_999, 'z'],
      [30_001, 'y'],
    ] as const)
      handler.add(s, entry(ms, id, `v-${id}`), T0 - 60_000, c);
    const copy = handler.create(part);
    expect(handler.restore(copy, JSON.parse(JSON.stringify(handler.snapshot(s))))).toBe(true);
    expect(contents(copy)).toEqual(contents(s));
    expect(contents(copy).map(([t]) => t - T0)).toEqual([-999, 250, 30_001, 59_999]);
  });

  it('refuses a snapshot whose arrays do not line up', () => {
    const s = valueCount.create(part);
    expect(valueCount.restore(s, { b: T0, t: [0, 1], i: ['a'], x: ['v', 'w'] })).toBe(false);
    expect(valueCount.restore(s, { b: T0, t: [0], i: ['a'] })).toBe(false);
  });
});
