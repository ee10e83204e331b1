/**
 * What an answer of a `_bulk` API (Elasticsearch, OpenSearch: one wire format) means, per item
 * and for a request refused as a whole. Pure: each sink's classify.test.ts pins the table.
 *
 * - `ok`: the cluster holds the document (2xx; 409 on `create` = already written, since ids are
 *   deterministic; 404 on `delete` = already gone).
 * - `retry`: may succeed later (429, 5xx, rejected execution, timeouts, unavailable shards, write
 *   blocks); the runner retries it with backoff up to `maxRetries`, then dead-letters it.
 * - `reject`: will never succeed as is (mapping and parse errors, other 4xx): dead-lettered now.
 */
export type BulkOutcome = 'ok' | 'retry' | 'reject';

export interface BulkErrorCause {
  type?: string;
  reason?: string | null;
  caused_by?: BulkErrorCause;
  [k: string]: unknown;
}

/** One item of a `_bulk` response. */
export interface BulkItemResult {
  /** The action the item answers; absent counts as `index`. */
  op?: 'index' | 'create' | 'delete' | 'update';
  status: number;
  error?: BulkErrorCause;
}

export interface BulkItemVerdict {
  outcome: BulkOutcome;
  /** A stable label for metrics and logs: the error type (`document_parsing_exception`), `http_<status>`, `ok`, `duplicate`. */
  kind: string;
  /** What the cluster said, down to the root cause (`describeCause`); empty when it said nothing. */
  detail: string;
}

/** Error types that are transient whatever the status says. */
const RETRY_TYPES = new Set([
  'es_rejected_execution_exception', // thread pool queue full: back off
  'rejected_execution_exception', // OpenSearch's name of the same
  'opensearch_rejected_execution_exception',
  'circuit_breaking_exception', // memory pressure: back off
  'unavailable_shards_exception', // primary not active yet (index just created, node restarting)
  'no_shard_available_action_exception',
  'node_not_connected_exception',
  'node_closed_exception',
  'primary_missing_action_exception',
  'timeout_exception',
  'process_cluster_event_timeout_exception',
  'receive_timeout_transport_exception',
  'connect_transport_exception',
  // A write block is set by an operator or by the disk watermark (flood stage answers 429, an
  // `index.blocks.write` 403): both are lifted without changing the document.
  'cluster_block_exception',
]);

/** Error types that mean "this document will never fit this index", whatever the status. */
const REJECT_TYPES = new Set([
  'mapper_parsing_exception',
  'document_parsing_exception', // 8.x name of a parse failure inside a document
  'illegal_argument_exception',
  'strict_dynamic_mapping_exception',
  'x_content_parse_exception',
  'json_parse_exception',
  'parse_exception',
  'mapper_exception',
  'document_source_missing_exception',
  'invalid_index_name_exception',
]);

/** `type: reason (caused by type: reason)` down to the root cause. */
export function describeCause(cause: BulkErrorCause | undefined): string {
  const parts: string[] = [];
  for (let c = cause, depth = 0; c && depth < 5; c = c.caused_by, depth++) parts.push(`${c.type ?? 'error'}: ${c.reason ?? ''}`.trim());
  return parts.join(' (caused by ') + ')'.repeat(Math.max(0, parts.length - 1));
}

export function classifyBulkItem(item: BulkItemResult): BulkItemVerdict {
  const { status, error } = item;
  const op = item.op ?? 'index';
  if (status >= 200 && status < 300) return { outcome: 'ok', kind: 'ok', detail: '' };
  if (status === 409 && op === 'create') return { outcome: 'ok', kind: 'duplicate', detail: '' };
  if (status === 404 && op === 'delete') return { outcome: 'ok', kind: 'already_deleted', detail: '' };
  const kind = error?.type ?? `http_${status}`;
  const detail = describeCause(error);
  if (RETRY_TYPES.has(kind)) return { outcome: 'retry', kind, detail };
  if (REJECT_TYPES.has(kind)) return { outcome: 'reject', kind, detail };
  if (status === 429 || status === 408 || status >= 500) return { outcome: 'retry', kind, detail };
  // 409 on `index`: the document changed since it was read for a conditional write (an analyst's
  // edit, sinks/elasticsearch/analyst-edits.ts); the retry reads it again.
  if (status === 409) return { outcome: 'retry', kind, detail };
  if (status >= 400) return { outcome: 'reject', kind, detail };
  return { outcome: 'retry', kind, detail };
}

/**
 * A `_bulk` request refused as a whole with an HTTP status (network failures never get here):
 * - `split`: 413 (too large) or 400 (the request failed validation, e.g. one `_id` over 512
 *   bytes): halve it until the culprit stands alone; a single document refused so is rejected.
 * - `auth`: 401/403, the credentials were refused.
 * - `retry`: anything else (408, 429, 5xx, a proxy's 4xx): the same documents again, without limit.
 */
export type BulkRefusal = 'split' | 'auth' | 'retry';

export function classifyBulkRefusal(status: number, body: unknown): { outcome: BulkRefusal; kind: string; reason: string } {
  // The cluster answers unknown routes with `{"error": "no handler found for uri ..."}`: a string, not a cause.
  const raw = (body as { error?: BulkErrorCause | string } | undefined)?.error;
  const cause = typeof raw === 'object' && raw !== null ? raw : undefined;
  const detail = cause ? describeCause(cause) : typeof raw === 'string' ? raw : '';
  const reason = `HTTP ${status}${detail ? ` ${detail}` : ''}`;
  const kind = cause?.type ?? `http_${status}`;
  if (status === 413 || status === 400) return { outcome: 'split', kind, reason };
  if (status === 401 || status === 403) return { outcome: 'auth', kind, reason };
  return { outcome: 'retry', kind, reason };
}
