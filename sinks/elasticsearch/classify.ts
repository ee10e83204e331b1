import { errors } from '@elastic/elasticsearch';
import { classifyBulkItem, classifyBulkRefusal, type BulkErrorCause, type BulkItemResult, type BulkOutcome } from '../runner/bulk-items.js';

export { describeCause } from '../runner/bulk-items.js';

/** What to do with one bulk item: sinks/runner/bulk-items.ts has the table. */
export type Outcome = BulkOutcome;

export interface Verdict {
  outcome: Outcome;
  /** A stable label for metrics and the one log line per failure class, e.g. `document_parsing_exception`. */
  kind: string;
  /** Human-readable: the ES error type and reason, with the root cause. Empty when ok. */
  reason: string;
}

export type EsErrorCause = BulkErrorCause;
export type ItemResult = BulkItemResult;

export function classifyItem(item: ItemResult): Verdict {
  const v = classifyBulkItem(item);
  return { outcome: v.outcome, kind: v.kind, reason: v.outcome === 'ok' ? '' : v.detail || `HTTP ${item.status}` };
}

/**
 * What to do when the whole bulk request failed. Every outcome but `split` and `fatal` is
 * retried with the same documents: nothing is dead-lettered because a cluster is down or
 * overloaded (Kafka keeps the records; the partition waits).
 * - `retry`: network errors, timeouts, 408, 429, 5xx, other 4xx (a proxy in the way), bodies that did not parse.
 * - `split`: 413 (too large) or 400 (the request failed validation, e.g. one `_id` over 512
 *   bytes): halve it until the culprit is alone; a single document refused so is rejected.
 * - `auth`: 401/403: retried (the credentials may be fixed) but logged as an error.
 * - `fatal`: the client refuses to talk to this server (not Elasticsearch, bad configuration).
 */
export type RequestOutcome = 'retry' | 'split' | 'auth' | 'fatal';

export function classifyRequestError(err: unknown): { outcome: RequestOutcome; kind: string; reason: string } {
  if (err instanceof errors.ResponseError) return classifyBulkRefusal(err.statusCode ?? 0, err.body);
  if (err instanceof errors.TimeoutError) return { outcome: 'retry', kind: 'timeout', reason: err.message };
  if (err instanceof errors.NoLivingConnectionsError) return { outcome: 'retry', kind: 'no_living_connections', reason: err.message };
  if (err instanceof errors.ConnectionError) return { outcome: 'retry', kind: 'connection', reason: err.message };
  if (err instanceof errors.DeserializationError) return { outcome: 'retry', kind: 'deserialization', reason: err.message };
  if (err instanceof errors.RequestAbortedError) return { outcome: 'retry', kind: 'aborted', reason: err.message };
  if (err instanceof errors.ProductNotSupportedError || err instanceof errors.ConfigurationError) {
    return { outcome: 'fatal', kind: 'not_elasticsearch', reason: err.message };
  }
  return { outcome: 'retry', kind: 'unknown', reason: err instanceof Error ? err.message : String(err) };
}
