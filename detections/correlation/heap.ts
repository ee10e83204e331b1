/**
 * A min-heap of timers (time, key) over parallel arrays, one per partition. Entries are never
 * removed in place: the engine marks the live timer of a key in its state and skips stale
 * entries when they come out (lazy deletion), so a key has at most one live entry.
 */
export class TimerHeap {
  private times: number[] = [];
  private keys: string[] = [];

  get size(): number {
    return this.times.length;
  }

  /** The earliest time, or Infinity. */
  peek(): number {
    return this.times.length > 0 ? (this.times[0] as number) : Infinity;
  }

  push(time: number, key: string): void {
    const { times, keys } = this;
    let i = times.length;
    times.push(time);
    keys.push(key);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((times[parent] as number) <= time) break;
      times[i] = times[parent] as number;
      keys[i] = keys[parent] as string;
      i = parent;
    }
    times[i] = time;
    keys[i] = key;
  }

  /** Removes the earliest entry and returns its key (its time is what peek() returned); call only when size > 0. */
  pop(): string {
    const { times, keys } = this;
    const top = keys[0] as string;
    const lastT = times.pop() as number;
    const lastK = keys.pop() as string;
    const n = times.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && (times[c + 1] as number) < (times[c] as number)) c++;
        if ((times[c] as number) >= lastT) break;
        times[i] = times[c] as number;
        keys[i] = keys[c] as string;
        i = c;
      }
      times[i] = lastT;
      keys[i] = lastK;
    }
    return top;
  }
}
