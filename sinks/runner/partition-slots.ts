import { VigilError } from '../../core/errors/index.js';

/**
 * `deliver` calls in flight per Kafka partition, whichever of its batches they come from: the
 * sink's `concurrency`. A pipelined sink (`inFlightBatches`) has several batches of a partition
 * in delivery at once, and each sends up to `concurrency` calls: without this, the endpoint would
 * see that many times what the option says. Waiters are served in arrival order, so the older
 * batch's calls go first.
 */
export interface PartitionSlots {
  /**
   * Runs `fn` once a slot of `key` is free; a wait aborted by `signal` throws without running it,
   * and a run aborted by it gives the slot back at once (a `fn` that ignores the abort is left to
   * finish on its own, counted no more).
   */
  run<T>(key: string, signal: AbortSignal, fn: () => Promise<T>): Promise<T>;
}

export function partitionSlots(perPartition: number): PartitionSlots {
  const lanes = new Map<string, { busy: number; queue: Array<() => void> }>();

  const acquire = (key: string, signal: AbortSignal): Promise<void> => {
    let lane = lanes.get(key);
    if (!lane) lanes.set(key, (lane = { busy: 0, queue: [] }));
    if (lane.busy < perPartition) {
      lane.busy++;
      return Promise.resolve();
    }
    const l = lane;
    return new Promise<void>((resolve, reject) => {
      const take = () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        const at = l.queue.indexOf(take);
        if (at >= 0) l.queue.splice(at, 1);
        reject(new VigilError('SINK_RETRY', 'delivery aborted while it waited for a slot of its partition'));
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      l.queue.push(take);
    });
  };

  const release = (key: string): void => {
    const lane = lanes.get(key);
    if (!lane) return;
    const next = lane.queue.shift();
    if (next) return next(); // the slot passes on: `busy` stays
    lane.busy--;
    if (lane.busy === 0) lanes.delete(key);
  };

  return {
    async run(key, signal, fn) {
      await acquire(key, signal);
      let onAbort = () => {};
      const aborted = new Promise<never>((_, reject) => {
        onAbort = () => reject(new VigilError('SINK_RETRY', 'delivery aborted'));
        if (signal.aborted) onAbort();
        else signal.addEventListener('abort', onAbort, { once: true });
      });
      aborted.catch(() => undefined); // observed only when it wins the race
      try {
        return await Promise.race([fn(), aborted]);
      } finally {
        signal.removeEventListener('abort', onAbort);
        release(key);
      }
    },
  };
}
