/**
 * The bookkeeping of a pipelined consumer loop (consumer.ts, `inFlightBatches`): which batches of
 * one partition were handed to the handler and not yet committed, and which offset may be
 * committed once some of them were delivered. Pure state, no Kafka: the loop does the I/O.
 */

/** One batch handed to the handler. */
export interface InFlight {
  /** Offset of the batch's last record. */
  readonly lastOffset: string;
  /** `delivered`: every record delivered or dead-lettered; `abandoned`: given up uncommitted (stop, revoke, rejoin). */
  state: 'in-flight' | 'delivered' | 'abandoned';
}

/**
 * One partition's batches, in offset order, from the oldest not yet committed. A batch leaves the
 * window only when it and every batch before it were delivered: the window's length, not only
 * the batches still being delivered, is what `limit` bounds, so the loop never reads further than
 * `limit` batches past a batch that keeps failing (a restart then re-reads at most that much).
 * Revoked on a rebalance or a stop: nothing of it is committed after that.
 */
export class PartitionWindow {
  private readonly batches: InFlight[] = [];
  private waiters: Array<() => void> = [];
  private revokedFlag = false;

  constructor(
    readonly topic: string,
    readonly partition: number,
    /** Batches at most in the window. */
    readonly limit: number,
  ) {}

  get revoked(): boolean {
    return this.revokedFlag;
  }

  /** Batches handed over and not yet committable. */
  get size(): number {
    return this.batches.length;
  }

  hasRoom(): boolean {
    return this.batches.length < this.limit;
  }

  /** Resolves at the next change (a batch settled, the window revoked, or `wake`). */
  changed(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Wakes whoever waits on `changed` (the loop stopping). */
  wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Records a batch handed to the handler; its records follow every batch already in the window. */
  add(lastOffset: string): InFlight {
    const batch: InFlight = { lastOffset, state: 'in-flight' };
    this.batches.push(batch);
    return batch;
  }

  /**
   * Settles `batch` and returns the offset to commit (the last record of the longest run of
   * delivered batches at the head of the window, plus one), or undefined when nothing new may be
   * committed: an earlier batch is still in flight, or was abandoned, or the window was revoked.
   */
  settle(batch: InFlight, state: 'delivered' | 'abandoned'): string | undefined {
    batch.state = state;
    let commit: string | undefined;
    if (!this.revokedFlag) {
      while (this.batches[0]?.state === 'delivered') {
        commit = (BigInt((this.batches.shift() as InFlight).lastOffset) + 1n).toString();
      }
    }
    this.wake();
    return commit;
  }

  /** The partition is no longer this loop's to commit (rebalance, stop, a rejoin met by the handler). */
  revoke(): void {
    this.revokedFlag = true;
    this.wake();
  }
}

/** A commit to make: the next offset to read of one partition. */
export interface PendingCommit {
  topic: string;
  partition: number;
  offset: string;
}

/**
 * Sends commits one request at a time, so that a partition's commits reach Kafka in the order
 * they were made; the commits made while a request is out go together in the next one (the
 * latest offset of each partition). A window revoked before its commit went out is left out.
 */
export class CommitQueue {
  private readonly pending = new Map<string, { commit: PendingCommit; window: PartitionWindow }>();
  private running: Promise<void> | null = null;

  constructor(
    private readonly send: (commits: PendingCommit[]) => Promise<void>,
    /** Told of a failed request; its offsets go out again with the next one. */
    private readonly onError: (err: unknown, commits: PendingCommit[]) => void,
  ) {}

  add(window: PartitionWindow, offset: string): void {
    this.pending.set(`${window.topic}:${window.partition}`, {
      commit: { topic: window.topic, partition: window.partition, offset },
      window,
    });
    this.running ??= this.drain().finally(() => (this.running = null));
  }

  /** Resolves once every commit made so far was sent (or failed and was reported). */
  async flush(): Promise<void> {
    while (this.running) await this.running;
    if (this.pending.size > 0) {
      this.running = this.drain().finally(() => (this.running = null));
      await this.running;
    }
  }

  private async drain(): Promise<void> {
    while (this.pending.size > 0) {
      const taken = [...this.pending.values()].filter((p) => !p.window.revoked);
      this.pending.clear();
      if (taken.length === 0) return;
      try {
        await this.send(taken.map((p) => p.commit));
      } catch (err) {
        this.onError(
          err,
          taken.map((p) => p.commit),
        );
        // Put back unless a later offset of the partition came in meanwhile; they go out with the next commit.
        for (const p of taken) {
          const key = `${p.commit.topic}:${p.commit.partition}`;
          if (!this.pending.has(key)) this.pending.set(key, p);
        }
        return;
      }
    }
  }
}
