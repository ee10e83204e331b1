import type { Verdict } from './types.js';

/** Why a call failed as a whole, and how long the far end asked to be left alone. */
export interface CallFailure {
  readonly reason: string;
  readonly retryAfterMs?: number;
}

/**
 * The call's failure when any of its verdicts is `unavailable` (the first one's reason, the longest
 * Retry-After), else undefined: the verdicts then stand one by one.
 */
export function callFailure(verdicts: readonly Verdict[]): CallFailure | undefined {
  let failure: CallFailure | undefined;
  for (const v of verdicts) {
    if (v.outcome !== 'unavailable') continue;
    const after = Math.max(failure?.retryAfterMs ?? 0, v.retryAfterMs ?? 0);
    failure = { reason: failure?.reason ?? v.reason, ...(after > 0 ? { retryAfterMs: after } : {}) };
  }
  return failure;
}
