import { VigilError } from '../../../core/errors/index.js';

/**
 * A sliding-window limit on calls from this process: at most `requests` in any `perMs`.
 * The vendors' published limits are the library files' defaults; waiting here costs less than a
 * 429 and keeps a burst of runs from locking the account out.
 */
export class RateLimiter {
  private readonly sent: number[] = [];

  constructor(
    private readonly requests: number,
    private readonly perMs: number,
  ) {}

  /** Resolves when a call may go out; rejects ACTION_FAILED when `signal` aborts first. */
  async acquire(signal: AbortSignal, now: () => number = Date.now): Promise<void> {
    for (;;) {
      const t = now();
      while (this.sent.length > 0 && (this.sent[0] as number) <= t - this.perMs) this.sent.shift();
      if (this.sent.length < this.requests) {
        this.sent.push(t);
        return;
      }
      await sleep((this.sent[0] as number) + this.perMs - t, signal);
    }
  }
}

/** Waits `ms`, or rejects ACTION_FAILED as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const stop = () => {
      clearTimeout(timer);
      reject(new VigilError('ACTION_FAILED', 'aborted while waiting (step timeout or shutdown)'));
    };
    const timer = setTimeout(
      () => {
        signal.removeEventListener('abort', stop);
        resolve();
      },
      Math.max(0, ms),
    );
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
  });
}
