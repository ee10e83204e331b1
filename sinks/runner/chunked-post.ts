import { sleep as defaultSleep } from '../../core/retry/index.js';
import { pool } from './pool.js';
import type { Verdict } from './types.js';

/**
 * Delivery to an HTTP ingestion API that takes a batch per request and answers for the whole
 * request (Azure Logs Ingestion, Google SecOps import): records are cut into requests under the
 * API's byte and count limits, sent a few at a time, and each request's answer becomes its
 * records' verdicts. A request refused as too large is split in two; one refused for its data is
 * bisected until the bad record is alone (a request is all or nothing, so only this finds it); a
 * throttled one waits the Retry-After it was given and goes again, however often, so that a
 * throttling storm delays records but never dead-letters them. A request that failed as a whole
 * (network, 5xx, credentials) makes its records `unavailable`, which fails the call: the runner
 * retries the batch without limit.
 */
export type PostOutcome =
  | { kind: 'ok' }
  /** 429: wait `retryAfterMs` and send the same request again. */
  | { kind: 'throttled'; retryAfterMs: number; reason: string }
  /** 413 or the API's own size refusal: split; a record alone is dead-lettered. */
  | { kind: 'too-large'; reason: string }
  /** The data was refused (400): bisect; a record alone is dead-lettered with `reason`. */
  | { kind: 'refused'; reason: string }
  /** The request failed as a whole, retriably (unreachable, 5xx, token refused): the call fails. */
  | { kind: 'failed'; reason: string };

/** One record, encoded for the request body, or refused before sending (too large alone, unmappable). */
export type Encoded = { body: string } | { reject: string };

export interface ChunkedPostOptions {
  /** The records' encodings, one per record of the batch, in order. */
  encoded: readonly Encoded[];
  /** Most bytes of one request body: the encodings plus one separator each, plus `envelopeBytes`. */
  maxBytes: number;
  /** Bytes of the body around the records (`[]`, `{"inlineSource":{"logs":[]}}`). */
  envelopeBytes: number;
  /** Most records in one request. */
  maxItems: number;
  /** Requests in flight at once. */
  concurrency: number;
  /** Sends one request made of these encodings (in order) and says what became of it. */
  post: (bodies: readonly string[], signal: AbortSignal) => Promise<PostOutcome>;
  signal: AbortSignal;
  /** The longest one Retry-After wait may be, in ms (a far end asking for an hour is asked again sooner). */
  maxThrottleWaitMs: number;
  /** Names the sink in every dead-letter reason: `sentinel sink soc`. */
  who: string;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Told of every throttled request (for logs). */
  onThrottled?: (reason: string, waitMs: number) => void;
}

interface Item {
  i: number;
  body: string;
  size: number;
}

/** Cuts items into requests of at most `maxItems` and `maxBytes`. */
export function chunkItems<T extends { size: number }>(items: readonly T[], maxItems: number, maxBytes: number, envelope: number): T[][] {
  const out: T[][] = [];
  let cur: T[] = [];
  let bytes = envelope;
  for (const it of items) {
    if (cur.length > 0 && (cur.length >= maxItems || bytes + it.size > maxBytes)) {
      out.push(cur);
      cur = [];
      bytes = envelope;
    }
    cur.push(it);
    bytes += it.size;
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

export async function postInChunks(opts: ChunkedPostOptions): Promise<Verdict[]> {
  const pause = opts.sleep ?? defaultSleep;
  const verdicts = new Array<Verdict>(opts.encoded.length);
  const items: Item[] = [];
  opts.encoded.forEach((e, i) => {
    if ('reject' in e) {
      verdicts[i] = { outcome: 'reject', reason: `${opts.who}: ${e.reject}` };
      return;
    }
    const size = Buffer.byteLength(e.body) + 1;
    if (size + opts.envelopeBytes > opts.maxBytes) {
      verdicts[i] = {
        outcome: 'reject',
        reason: `${opts.who}: the record is ${size - 1} bytes encoded; one request takes at most ${opts.maxBytes} bytes`,
      };
      return;
    }
    items.push({ i, body: e.body, size });
  });
  const set = (chunk: readonly Item[], v: Verdict) => {
    for (const it of chunk) verdicts[it.i] = v;
  };

  async function send(chunk: readonly Item[]): Promise<void> {
    for (;;) {
      if (opts.signal.aborted) return set(chunk, { outcome: 'unavailable', reason: `${opts.who}: delivery aborted` });
      let out: PostOutcome;
      try {
        out = await opts.post(
          chunk.map((c) => c.body),
          opts.signal,
        );
      } catch (err) {
        out = { kind: 'failed', reason: `request failed: ${(err as Error)?.message ?? String(err)}` };
      }
      switch (out.kind) {
        case 'ok':
          return set(chunk, { outcome: 'ok' });
        case 'throttled': {
          const wait = Math.min(Math.max(out.retryAfterMs, 0), opts.maxThrottleWaitMs);
          opts.onThrottled?.(out.reason, wait);
          await pause(wait, opts.signal);
          continue;
        }
        case 'failed':
          return set(chunk, { outcome: 'unavailable', reason: `${opts.who}: ${out.reason}` });
        case 'too-large':
        case 'refused':
          if (chunk.length === 1) {
            return set(chunk, { outcome: 'reject', reason: `${opts.who}: ${out.reason}` });
          }
          await pool([chunk.slice(0, chunk.length >> 1), chunk.slice(chunk.length >> 1)], 2, send);
          return;
      }
    }
  }

  await pool(chunkItems(items, opts.maxItems, opts.maxBytes, opts.envelopeBytes), opts.concurrency, send);
  return verdicts;
}

/** Retry-After as ms: delta-seconds or an HTTP date (RFC 9110 §10.2.3); absent or unreadable → `fallbackMs`. */
export function retryAfterMs(header: string | null | undefined, fallbackMs: number, now = Date.now()): number {
  if (!header) return fallbackMs;
  const s = Number(header.trim());
  if (Number.isFinite(s) && s >= 0) return s * 1000;
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, at - now) : fallbackMs;
}
