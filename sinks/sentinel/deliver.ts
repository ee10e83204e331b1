import type { Logger } from '../../core/telemetry/index.js';
import { postInChunks, type PostOutcome } from '../runner/chunked-post.js';
import type { DeliverContext, DeliverFn, Outgoing, Verdict } from '../runner/index.js';
import { sentinelRow } from './columns.js';
import type { SentinelSinkConfig } from './config.js';

/** Rows per call: the API documents no count limit, so bytes decide; this only bounds memory. */
const MAX_ROWS = 10_000;

/**
 * One delivery call: every record becomes a row (columns.ts), rows are cut into calls under
 * `maxRequestBytes` (before gzip; the API's limit is 1 MB), and each call's answer becomes its
 * rows' verdicts: 204 ok; 429 waits its Retry-After and goes again; 413 splits, and a row too
 * large by itself is dead-lettered; 400 bisects to the refused row and dead-letters it with
 * Azure's `error.code: message`; 401/403/404/5xx and network failures fail the call (`unavailable`),
 * so that the runner retries without limit while the rule, the app's role or the service is being fixed.
 */
export function createSentinelDeliver(
  sink: SentinelSinkConfig,
  post: (rows: readonly string[], signal: AbortSignal) => Promise<PostOutcome>,
  log: Logger,
): DeliverFn {
  const who = `sentinel sink ${sink.id}`;
  return (batch: readonly Outgoing[], ctx: DeliverContext): Promise<readonly Verdict[]> =>
    postInChunks({
      encoded: batch.map((o) => ({
        body: JSON.stringify(sentinelRow(o.doc, sink.columns, o.source.timestamp, () => o.json ?? JSON.stringify(o.doc))),
      })),
      maxBytes: sink.maxRequestBytes,
      envelopeBytes: 2,
      maxItems: MAX_ROWS,
      concurrency: sink.concurrency,
      post,
      signal: ctx.signal,
      maxThrottleWaitMs: sink.maxRetryAfterSeconds * 1000,
      who,
      onThrottled: (reason, waitMs) => log.warn({ reason, waitMs }, 'throttled by the Logs Ingestion API; waiting'),
    });
}
