/**
 * A min-heap of timers (time, key, owner) over parallel arrays, one per partition. Entries are
 * never removed in place: the engine marks the live timer of a key in its state and skips stale
 * entries when they come out (lazy deletion), so a key has at most one live entry.
 */
export class TimerHeap<T> {
  private times: number[] = [];
  private keys: string[] = [];
  private owners: T[] = [];

  get size(): number {
    return this.times.length;
  }

  /** The earliest time, or Infinity. */
  peek(): number {
    return this.times.length > 0 ? (this.times[0] as number) : Infinity;
  }

  push(time: number, key: string, owner: T): void {
    const { times, keys, owners } = this;
    let i = times.length;
    times.push(time);
    keys.push(key);
    owners.push(owner);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((times[parent] as number) <= time) break;
      times[i] = times[parent] as number;
      keys[i] = keys[parent] as string;
      owners[i] = owners[parent] as T;
      i = parent;
    }
    times[i] = time;
    keys[i] = key;
    owners[i] = owner;
  }

  /** Removes the earliest entry; call only when size > 0. */
  pop(): { time: number; key: string; owner: T } {
    const { times, keys, owners } = this;
    const top = { time: times[0] as number, key: keys[0] as string, owner: owners[0] as T };
    const lastT = times.pop() as number;
    const lastK = keys.pop() as string;
    const lastO = owners.pop() as T;
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
        owners[i] = owners[c] as T;
        i = c;
      }
      times[i] = lastT;
      keys[i] = lastK;
      owners[i] = lastO;
    }
    return top;
  }

  clear(): void {
    this.times = [];
    this.keys = [];
    this.owners = [];
  }
}
