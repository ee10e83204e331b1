/** Exponential backoff with full jitter (as kafkajs's retrier and Vector's retry logic do it). */
export interface BackoffPolicy {
  /** First delay in ms. */
  initialMs: number;
  /** Ceiling of one delay in ms. */
  maxMs: number;
  /** Growth per attempt. */
  factor: number;
  /** 0 = no jitter, 1 = delay drawn uniformly in [0, d]. */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 200, maxMs: 30_000, factor: 2, jitter: 0.5 };

/** Delay before retry number `attempt` (1-based). `random` is injectable for tests. */
export function backoffDelay(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random = Math.random): number {
  const base = Math.min(policy.maxMs, policy.initialMs * policy.factor ** Math.max(0, attempt - 1));
  return Math.round(base * (1 - policy.jitter * random()));
}

/** Waits `ms`, or less if `signal` aborts; the abort listener is removed either way. */
export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const onAbort = () => {
      clearTimeout(t);
      resolve();
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * Runs `fn` until it succeeds, `shouldRetry` says no, `maxAttempts` is reached or `signal` aborts.
 * `onRetry` sees every failure that will be retried (for logs and metrics).
 */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  opts: {
    policy?: BackoffPolicy;
    maxAttempts?: number;
    shouldRetry?: (err: unknown) => boolean;
    onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
    signal?: AbortSignal;
  } = {},
): Promise<T> {
  const max = opts.maxAttempts ?? Infinity;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (attempt >= max || opts.signal?.aborted || (opts.shouldRetry && !opts.shouldRetry(err))) throw err;
      const delay = backoffDelay(attempt, opts.policy);
      opts.onRetry?.(err, attempt, delay);
      await sleep(delay, opts.signal);
      if (opts.signal?.aborted) throw err;
    }
  }
}
