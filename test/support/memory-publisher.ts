import type { OutRecord, Publisher } from '../../core/bus/types.js';

/**
 * An in-memory Publisher double for unit tests of pure logic. A record counts as "acked" (and is
 * listed in `acked`) only when its `send` resolves; `hold()` keeps sends pending until released,
 * and `failNext` makes the next send reject. Integration tests use real Kafka instead.
 */
export class MemoryPublisher implements Publisher {
  readonly acked: Array<{ topic: string; record: OutRecord }> = [];
  calls = 0;
  pending = 0;
  failNext: Error | undefined;
  private gate: Promise<void> | undefined;
  private release: (() => void) | undefined;
  private readonly waiters: Array<() => void> = [];

  async send(topic: string, records: OutRecord[]): Promise<void> {
    this.calls++;
    const fail = this.failNext;
    this.failNext = undefined;
    this.pending++;
    this.notify();
    try {
      if (this.gate) await this.gate;
      if (fail) throw fail;
      for (const record of records) this.acked.push({ topic, record });
    } finally {
      this.pending--;
      this.notify();
    }
  }

  /** Holds every send from now on until the returned function is called. */
  hold(): () => void {
    this.gate = new Promise<void>((resolve) => (this.release = resolve));
    return () => {
      this.gate = undefined;
      this.release?.();
    };
  }

  records(topic: string): OutRecord[] {
    return this.acked.filter((a) => a.topic === topic).map((a) => a.record);
  }

  /** The values written to `topic`, parsed as JSON. */
  values<T = Record<string, unknown>>(topic: string): T[] {
    return this.records(topic).map((r) => JSON.parse(String(r.value)) as T);
  }

  /** Resolves when `predicate` holds (re-checked on every send start and end), or rejects after `ms`. */
  waitFor(predicate: () => boolean, ms = 5000): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('MemoryPublisher.waitFor timed out')), ms);
      const check = () => {
        if (!predicate()) {
          this.waiters.push(check);
          return;
        }
        clearTimeout(timer);
        resolve();
      };
      this.waiters.push(check);
    });
  }

  private notify(): void {
    const waiting = this.waiters.splice(0);
    for (const w of waiting) w();
  }
}
