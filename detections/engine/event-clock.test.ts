import { describe, expect, it } from 'vitest';
import { EventClock, isTick } from './event-clock.js';

describe('EventClock', () => {
  it('says nothing before the first event time, nor while batches keep coming', () => {
    let now = 1_000_000;
    const clock = new EventClock(60_000, () => now);
    clock.read([]);
    now += 120_000;
    expect(clock.idleTime()).toBeUndefined();
    clock.read([{ timestamp: 5_000 }, { timestamp: 9_000 }, { timestamp: 7_000 }]);
    now += 59_999;
    expect(clock.idleTime()).toBeUndefined();
  });

  it('once idle, follows the wall clock from the newest event time', () => {
    let now = 1_000_000;
    const clock = new EventClock(60_000, () => now);
    clock.read([{ timestamp: 9_000 }, { timestamp: 5_000 }]);
    now += 60_000;
    expect(clock.idleTime()).toBe(69_000);
    now += 15_000;
    expect(clock.idleTime()).toBe(84_000);
    clock.read([{ timestamp: 4_000 }, {}]); // reading again ends the idleness; an older event does not move the newest
    expect(clock.idleTime()).toBeUndefined();
    now += 60_000;
    expect(clock.idleTime()).toBe(69_000);
  });

  it('never ticks when turned off (0)', () => {
    let now = 0;
    const clock = new EventClock(0, () => now);
    clock.read([{ timestamp: 1 }]);
    now += 10_000_000;
    expect(clock.idleTime()).toBeUndefined();
  });

  it('tells a tick from a correlation input', () => {
    expect(isTick({ tick: 5 })).toBe(true);
    expect(isTick({ ruleId: 'r', correlationId: 'c', event: {} })).toBe(false);
    expect(isTick(null)).toBe(false);
  });
});
