/**
 * Gathers the records of concurrent delivery calls (one per partition) into requests of at most
 * `maxEvents` records and `maxBytes` bytes, waiting up to `lingerMs` for a request to fill. Each
 * record learns what became of the request it travelled in.
 */
export type ItemResult<V> = { ok: true; verdict: V } | { ok: false; error: unknown };

export interface Item<V> {
  readonly line: string;
  readonly bytes: number;
  /** The caller gave up (its call timed out): not sent if it has not gone yet. */
  cancelled: boolean;
  settle(r: ItemResult<V>): void;
}

export interface LingerOptions<V> {
  maxEvents: number;
  maxBytes: number;
  lingerMs: number;
  /** Sends one request; settles every item of it (never rejects). */
  send(items: Item<V>[]): Promise<void>;
}

export class LingerBatcher<V> {
  private buffer: Item<V>[] = [];
  private bytes = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: LingerOptions<V>) {}

  /** Queues `lines`; resolves with one result per line, in order. */
  add(lines: readonly string[], signal: AbortSignal): Promise<ItemResult<V>[]> {
    const mine: Item<V>[] = [];
    const results = lines.map(
      (line) =>
        new Promise<ItemResult<V>>((resolve) => {
          const item: Item<V> = { line, bytes: Buffer.byteLength(line) + 1, cancelled: false, settle: resolve };
          mine.push(item);
          this.buffer.push(item);
          this.bytes += item.bytes;
          if (this.buffer.length >= this.opts.maxEvents || this.bytes >= this.opts.maxBytes) this.flush();
        }),
    );
    // One listener per call, not per record: a signal warns past ten listeners.
    const cancel = () => mine.forEach((i) => (i.cancelled = true));
    signal.addEventListener('abort', cancel, { once: true });
    if (this.buffer.length > 0) this.timer ??= setTimeout(() => this.flush(), this.opts.lingerMs);
    return Promise.all(results).finally(() => signal.removeEventListener('abort', cancel));
  }

  /** Sends everything queued now, in requests that fit the limits. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const items = this.buffer.filter((i) => !i.cancelled);
    this.buffer = [];
    this.bytes = 0;
    for (const chunk of chunks(items, this.opts.maxEvents, this.opts.maxBytes)) void this.opts.send(chunk);
  }

  close(): void {
    clearTimeout(this.timer);
    for (const i of this.buffer) i.settle({ ok: false, error: new Error('the sink is closing') });
    this.buffer = [];
  }
}

/** Runs of at most `maxEvents` items and `maxBytes` bytes; an item larger than `maxBytes` travels alone. */
export function chunks<T extends { bytes: number }>(items: readonly T[], maxEvents: number, maxBytes: number): T[][] {
  const out: T[][] = [];
  let cur: T[] = [];
  let bytes = 0;
  for (const item of items) {
    if (cur.length > 0 && (cur.length >= maxEvents || bytes + item.bytes > maxBytes)) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(item);
    bytes += item.bytes;
  }
  if (cur.length > 0) out.push(cur);
  return out;
}
