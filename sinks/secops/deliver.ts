import type { Logger } from '../../core/telemetry/index.js';
import { postInChunks, type Encoded, type PostOutcome } from '../runner/chunked-post.js';
import type { DeliverContext, DeliverFn, Outgoing, Verdict } from '../runner/index.js';
import { envelope } from './client.js';
import type { SecopsSinkConfig } from './config.js';
import { rawMessage, toUdm } from './udm.js';

/** Records per import call: bytes decide first; this bounds memory. */
const MAX_ITEMS = 10_000;
/** SecOps ingests no log larger than 1 MB (Ingestion API note, kept by the Chronicle API). */
const MAX_LOG_BYTES = 1024 * 1024;

/** One record as an import item: `{"udm":{…}}` or `{"data":"<base64>","logEntryTime","collectionTime"}`. */
export function encodeSecopsItem(sink: SecopsSinkConfig, o: Outgoing, now: () => number = Date.now): Encoded {
  const json = () => o.json ?? JSON.stringify(o.doc);
  if (sink.mode === 'udm') return { body: JSON.stringify({ udm: toUdm(o.doc, o.source.timestamp) }) };
  const raw = Buffer.from(rawMessage(o.doc, json), 'utf8');
  if (raw.length > MAX_LOG_BYTES) return { reject: `the log is ${raw.length} bytes; SecOps ingests no log over ${MAX_LOG_BYTES} bytes` };
  const ts = typeof o.doc['@timestamp'] === 'string' ? Date.parse(o.doc['@timestamp']) : NaN;
  const entry = Number.isFinite(ts) ? ts : o.source.timestamp || now();
  // collectionTime must not be before logEntryTime.
  const collected = Math.max(now(), entry);
  return {
    body: JSON.stringify({
      data: raw.toString('base64'),
      logEntryTime: new Date(entry).toISOString(),
      collectionTime: new Date(collected).toISOString(),
    }),
  };
}

/**
 * One delivery call: records become import items, cut into calls under `maxRequestBytes`; an
 * import is all or nothing, so a 400 is bisected to the refused record, dead-lettered with
 * Google's `status: message`; 429 waits and goes again; 413 splits; 401/403/404/5xx fail the call
 * (`unavailable`: the runner retries without limit).
 */
export function createSecopsDeliver(
  sink: SecopsSinkConfig,
  post: (items: readonly string[], signal: AbortSignal) => Promise<PostOutcome>,
  log: Logger,
): DeliverFn {
  const [open, close] = envelope(sink);
  return (batch: readonly Outgoing[], ctx: DeliverContext): Promise<readonly Verdict[]> =>
    postInChunks({
      encoded: batch.map((o) => encodeSecopsItem(sink, o)),
      maxBytes: sink.maxRequestBytes,
      envelopeBytes: open.length + close.length,
      maxItems: MAX_ITEMS,
      concurrency: sink.concurrency,
      post,
      signal: ctx.signal,
      maxThrottleWaitMs: sink.maxRetryAfterSeconds * 1000,
      who: `secops sink ${sink.id}`,
      onThrottled: (reason, waitMs) => log.warn({ reason, waitMs }, 'throttled by the Chronicle API; waiting'),
    });
}
