import { createHash } from 'node:crypto';

/**
 * Remembers what a route sent for `windowMs` to drop exact duplicates (the same document, byte
 * for byte after the transforms). A record is only remembered once its batch was delivered
 * (`remember` at settle time), so a batch retried after a failure is not dropped as a duplicate
 * of an attempt that never arrived. Bounded: past `maxEntries` the oldest are forgotten.
 */
export class DedupeWindow {
  /** digest → when it stops counting as a duplicate. Insertion order is expiry order (one window for all). */
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly windowMs: number,
    private readonly maxEntries: number,
  ) {}

  static digest(json: string): string {
    return createHash('sha1').update(json).digest('base64');
  }

  isDuplicate(digest: string, now: number): boolean {
    const until = this.seen.get(digest);
    return until !== undefined && until > now;
  }

  remember(digest: string, now: number): void {
    this.seen.delete(digest);
    this.seen.set(digest, now + this.windowMs);
    for (const [d, until] of this.seen) {
      if (until > now && this.seen.size <= this.maxEntries) break;
      this.seen.delete(d);
    }
  }

  get size(): number {
    return this.seen.size;
  }
}
