import { describe, expect, it } from 'vitest';
import { isVigilError } from '../../core/errors/index.js';
import { partitionSlots } from './partition-slots.js';

describe('partition slots', () => {
  it('serves waiters in arrival order, and a wait aborted by its signal neither runs nor keeps a slot', async () => {
    const slots = partitionSlots(1);
    const order: string[] = [];
    let release: () => void = () => undefined;
    const first = slots.run('t:0', new AbortController().signal, () => new Promise<void>((r) => (release = r)));
    const aborted = new AbortController();
    const gaveUp = slots.run('t:0', aborted.signal, async () => void order.push('aborted one ran'));
    const second = slots.run('t:0', new AbortController().signal, async () => void order.push('second'));
    const third = slots.run('t:0', new AbortController().signal, async () => void order.push('third'));
    const other = slots.run('t:1', new AbortController().signal, async () => void order.push('other partition'));
    await other; // another partition does not wait
    aborted.abort();
    const err = await gaveUp.catch((e: unknown) => e);
    expect(isVigilError(err, 'SINK_RETRY')).toBe(true);
    release();
    await Promise.all([first, second, third]);
    expect(order).toEqual(['other partition', 'second', 'third']);
    // Every slot came back: a new request runs at once.
    await slots.run('t:0', new AbortController().signal, async () => void order.push('later'));
    expect(order.at(-1)).toBe('later');
  });
});
