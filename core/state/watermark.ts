/**
 * The event-time watermark of one input partition: the highest event time seen, minus the
 * allowed lateness. An event older than the watermark is late. `process` feeds it
 * (`observe`) with the event times it parses; the runtime persists the highest event time in
 * the changelog with the batch, so a restarted or rebalanced partition resumes where it was.
 */
export class Watermark {
  private max: number | null;

  constructor(
    /** Milliseconds an event may arrive after newer ones and still be on time. */
    readonly allowedLatenessMs: number,
    maxEventTime: number | null = null,
  ) {
    this.max = maxEventTime;
  }

  /** Highest event time seen (epoch ms), or null before the first event. */
  get maxEventTime(): number | null {
    return this.max;
  }

  /** `maxEventTime − allowedLatenessMs`, or null before the first event (nothing is late yet). */
  get value(): number | null {
    return this.max === null ? null : this.max - this.allowedLatenessMs;
  }

  /** Moves the watermark forward (never back); non-finite times are ignored. */
  observe(eventTimeMs: number): void {
    if (!Number.isFinite(eventTimeMs)) return;
    if (this.max === null || eventTimeMs > this.max) this.max = eventTimeMs;
  }

  /** Whether an event with this time is older than the watermark. Check before `observe`. */
  isLate(eventTimeMs: number): boolean {
    const w = this.value;
    return w !== null && eventTimeMs < w;
  }
}
