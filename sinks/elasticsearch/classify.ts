import { errors } from '@elastic/elasticsearch';

/**
 * What to do with one bulk item or one whole request. Pure: no I/O, so the table in
 * classify.test.ts pins every case.
 *
 * - `ok`: Elasticsearch holds the document (2xx; 409 on `create` = already written; 404 on
 *   `delete` = already gone).
 * - `retry`: may succeed later (429, 5xx, rejected execution, timeouts, unavailable shards,
 *   index blocks); retried with backoff up to `maxRetries`, then dead-lettered.
 * - `reject`: will never succeed as is (mapping and parse errors, other 4xx); dead-lettered now.
 */
export type Outcome = 'ok' | 'retry' | 'reject';

export interface Verdict {
  outcome: Outcome;
  /** A stable label for metrics and the one log line per failure class, e.g. `document_parsing_exception`. */
  kind: string;
  /** Human-readable: the ES error type and reason, with the root cause. Empty when ok. */
  reason: string;
}

export interface EsErrorCause {
  type?: string;
  reason?: string | null;
  caused_by?: EsErrorCause;
  [k: string]: unknown;
}

export interface ItemResult {
  op: 'index' | 'create' | 'delete' | 'update';
  status: number;
  error?: EsErrorCause;
}

/** Error types that are transient whatever the status says. */
const RETRY_TYPES = new Set([
  'es_rejected_execution_exception', // thread pool queue full: back off
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

/** Error types that mean "this document will never fit this index". */
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
]);

/** `type: reason (caused by type: reason)` down to the root cause. */
export function describeCause(cause: EsErrorCause | undefined): string {
  if (!cause) return '';
  const parts: string[] = [];
  let c: EsErrorCause | undefined = cause;
  for (let depth = 0; c && depth < 5; depth++, c = c.caused_by) {
    parts.push(`${c.type ?? 'error'}: ${c.reason ?? ''}`.trim());
  }
  return parts.join(' (caused by ') + ')'.repeat(Math.max(0, parts.length - 1));
}

export function classifyItem(item: ItemResult): Verdict {
  const { status, error } = item;
  if (status >= 200 && status < 300) return { outcome: 'ok', kind: 'ok', reason: '' };
  const type = error?.type ?? `http_${status}`;
  const reason = describeCause(error) || `HTTP ${status}`;
  // Deterministic ids: a create conflict means this very document is already there.
  if (status === 409 && item.op === 'create') return { outcome: 'ok', kind: 'duplicate', reason: '' };
  if (status === 404 && item.op === 'delete') return { outcome: 'ok', kind: 'already_deleted', reason: '' };
  if (RETRY_TYPES.has(type)) return { outcome: 'retry', kind: type, reason };
  if (REJECT_TYPES.has(type)) return { outcome: 'reject', kind: type, reason };
  if (status === 429 || status === 408 || status >= 500) return { outcome: 'retry', kind: type, reason };
  // 409 on `index`: the document changed since it was read for a conditional write (an analyst's
  // edit, analyst-edits.ts); the retry reads it again.
  if (status === 409) return { outcome: 'retry', kind: type, reason };
  if (status >= 400) return { outcome: 'reject', kind: type, reason };
  return { outcome: 'retry', kind: type, reason };
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
  if (err instanceof errors.ResponseError) {
    const status = err.statusCode ?? 0;
    // ES answers unknown routes with `{"error": "no handler found for uri ..."}`: a string, not a cause.
    const raw = (err.body as { error?: EsErrorCause | string } | undefined)?.error;
    const cause = typeof raw === 'object' && raw !== null ? raw : undefined;
    const detail = cause ? describeCause(cause) : typeof raw === 'string' ? raw : '';
    const reason = `HTTP ${status}${detail ? ` ${detail}` : ''}`;
    const kind = cause?.type ?? `http_${status}`;
    if (status === 413 || status === 400) return { outcome: 'split', kind, reason };
    if (status === 401 || status === 403) return { outcome: 'auth', kind, reason };
    return { outcome: 'retry', kind, reason };
  }
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
