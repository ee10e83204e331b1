/**
 * Firehose keeps `X-Amz-Firehose-Request-Id` stable across retries of one request. Ids whose
 * records Kafka acknowledged are remembered (bounded, least recently used out first) so that a
 * retry — after a lost response or a timeout — is answered 200 without writing the records
 * again; a retry arriving while the first attempt is still in flight waits for that attempt.
 */
export class RequestDedup {
  private readonly done = new Map<string, true>();
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(private readonly capacity: number) {}

  /** Runs `work` for `id` once: a completed id resolves at once, an in-flight id joins the attempt. */
  async run(id: string, work: () => Promise<void>): Promise<'done' | 'duplicate'> {
    if (this.done.has(id)) {
      this.done.delete(id);
      this.done.set(id, true); // refresh: recently retried ids stay longest
      return 'duplicate';
    }
    const running = this.inFlight.get(id);
    if (running) {
      await running;
      return 'duplicate';
    }
    const attempt = work();
    this.inFlight.set(id, attempt);
    try {
      await attempt;
      this.remember(id);
      return 'done';
    } finally {
      this.inFlight.delete(id);
    }
  }

  get size(): number {
    return this.done.size;
  }

  private remember(id: string): void {
    if (this.capacity === 0) return;
    this.done.set(id, true);
    while (this.done.size > this.capacity) this.done.delete(this.done.keys().next().value as string);
  }
}
