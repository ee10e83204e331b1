import { errors } from '@opensearch-project/opensearch';
import type { Verdict } from '../runner/index.js';

/**
 * What OpenSearch's answer means for each record. Pure, so that classify.test.ts pins the table.
 * Per bulk item: 2xx ok; mapping and parse errors (a field of the wrong type, a malformed
 * document) refused for good; 429 (`rejected_execution_exception`, the write queue is full),
 * 5xx, unavailable shards and write blocks retried.
 */
export interface OsErrorCause {
  type?: string;
  reason?: string | null;
  caused_by?: OsErrorCause;
}

export interface BulkItem {
  status: number;
  error?: OsErrorCause;
}

const RETRY_TYPES = new Set([
  'rejected_execution_exception',
  'opensearch_rejected_execution_exception',
  'circuit_breaking_exception',
  'unavailable_shards_exception',
  'no_shard_available_action_exception',
  'node_not_connected_exception',
  'node_closed_exception',
  'primary_missing_action_exception',
  'timeout_exception',
  'process_cluster_event_timeout_exception',
  'receive_timeout_transport_exception',
  'connect_transport_exception',
  'cluster_block_exception',
]);

const REJECT_TYPES = new Set([
  'mapper_parsing_exception',
  'document_parsing_exception',
  'illegal_argument_exception',
  'strict_dynamic_mapping_exception',
  'x_content_parse_exception',
  'json_parse_exception',
  'parse_exception',
  'mapper_exception',
  'invalid_index_name_exception',
]);

/** `type: reason (caused by type: reason)` down to the root cause. */
export function describeCause(cause: OsErrorCause | undefined): string {
  const parts: string[] = [];
  for (let c = cause, depth = 0; c && depth < 5; c = c.caused_by, depth++) parts.push(`${c.type ?? 'error'}: ${c.reason ?? ''}`.trim());
  return parts.join(' (caused by ') + ')'.repeat(Math.max(0, parts.length - 1));
}

export function classifyItem(item: BulkItem): Verdict {
  const { status, error } = item;
  if (status >= 200 && status < 300) return { outcome: 'ok' };
  const type = error?.type ?? `http_${status}`;
  const reason = `HTTP ${status} ${describeCause(error) || type}`;
  if (RETRY_TYPES.has(type) || status === 429 || status === 408 || status >= 500) return { outcome: 'retry', reason };
  if (REJECT_TYPES.has(type) || status >= 400) return { outcome: 'reject', reason };
  return { outcome: 'retry', reason };
}

/**
 * A bulk request that failed as a whole. `split`: 413 or 400 (one document made the request
 * invalid): halve it until the culprit stands alone. `fatal`: credentials refused. Anything
 * else (down, timeout, 429, 5xx) is retried with the same documents, without limit.
 */
export function classifyRequestError(err: unknown): { outcome: 'retry' | 'split' | 'fatal'; reason: string } {
  if (err instanceof errors.ResponseError) {
    const status = err.statusCode ?? 0;
    const raw = (err.body as { error?: OsErrorCause | string } | undefined)?.error;
    const detail = typeof raw === 'object' && raw !== null ? describeCause(raw) : typeof raw === 'string' ? raw : '';
    const reason = `HTTP ${status}${detail ? ` ${detail}` : ''}`;
    if (status === 413 || status === 400) return { outcome: 'split', reason };
    if (status === 401 || status === 403) return { outcome: 'fatal', reason };
    return { outcome: 'retry', reason };
  }
  return { outcome: 'retry', reason: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
}
