import { errors } from '@opensearch-project/opensearch';
import { classifyBulkItem, classifyBulkRefusal, type BulkErrorCause } from '../runner/bulk-items.js';
import type { Verdict } from '../runner/index.js';

/**
 * What OpenSearch's answer means for each record (the table is sinks/runner/bulk-items.ts, shared
 * with the Elasticsearch sink). Pure, so that classify.test.ts pins it.
 */
export type OsErrorCause = BulkErrorCause;

export interface BulkItem {
  status: number;
  error?: OsErrorCause;
}

export function classifyItem(item: BulkItem): Verdict {
  const v = classifyBulkItem(item);
  return v.outcome === 'ok' ? { outcome: 'ok' } : { outcome: v.outcome, reason: `HTTP ${item.status} ${v.detail || v.kind}` };
}

/**
 * A bulk request that failed as a whole. `split`: 413 or 400 (one document made the request
 * invalid): halve it until the culprit stands alone. `fatal`: credentials refused. Anything
 * else (down, timeout, 429, 5xx) is retried with the same documents, without limit.
 */
export function classifyRequestError(err: unknown): { outcome: 'retry' | 'split' | 'fatal'; reason: string } {
  if (err instanceof errors.ResponseError) {
    const { outcome, reason } = classifyBulkRefusal(err.statusCode ?? 0, err.body);
    return { outcome: outcome === 'auth' ? 'fatal' : outcome, reason };
  }
  return { outcome: 'retry', reason: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
}
