import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { gzip as gzipCb } from 'node:zlib';
import type { Bus } from '../../core/bus/index.js';
import { FORMATS } from '../../core/config/formats.js';
import { VigilError, errorMessage } from '../../core/errors/index.js';
import { sleep } from '../../core/retry/index.js';
import { logger, type Logger } from '../../core/telemetry/index.js';
import { startSinkRunner, type DeliverFn, type RunningSinkLoop, type Verdict } from '../runner/index.js';
import { runnerSettings } from '../runner/config.js';
import { LingerBatcher, type Item } from './batch.js';
import { classifyAnswer } from './classify.js';
import { httpClient, type HttpTransport } from './client.js';
import type { HttpSinkConfig } from './config.js';

const gzip = promisify(gzipCb);

export interface StartHttpSinkOptions {
  sink: HttpSinkConfig;
  bus: Bus;
  /** Injectable for tests; default a keep-alive client of `sink.url`. */
  transport?: HttpTransport;
}

/** The auth header, its value read from the config or its file; a placeholder is refused as in `vigil validate`. */
export function authHeader(sink: Pick<HttpSinkConfig, 'id' | 'auth'>): Record<string, string> {
  if (!sink.auth) return {};
  let value = sink.auth.value;
  if (value === undefined && sink.auth.valueFile !== undefined) {
    try {
      value = readFileSync(sink.auth.valueFile, 'utf8').trim();
    } catch (err) {
      throw new VigilError('SINK_CONFIG', `http sink ${sink.id}: cannot read auth.valueFile ${sink.auth.valueFile}: ${errorMessage(err)}`, {
        location: { path: `sinks[${sink.id}].auth.valueFile` },
      });
    }
    const problem = FORMATS['shared-secret'].check(value);
    if (problem) {
      throw new VigilError('SINK_CONFIG', `http sink ${sink.id}: the value in auth.valueFile ${problem}`, {
        location: { path: `sinks[${sink.id}].auth.valueFile` },
      });
    }
  }
  return value === undefined ? {} : { [sink.auth.header]: value };
}

export interface HttpDeliveryOptions {
  transport: HttpTransport;
  format: HttpSinkConfig['format'];
  gzip: boolean;
  headers: Record<string, string>;
  batchMaxEvents: number;
  batchMaxBytes: number;
  lingerMs: number;
  maxRetryAfterMs: number;
  /** Longest one request may take, in ms. */
  requestTimeoutMs: number;
  log: Logger;
}

/** The delivery function and what to call when the sink stops. */
export function createHttpDeliver(opts: HttpDeliveryOptions): { deliver: DeliverFn; close(): void } {
  const closing = new AbortController();
  // Set by a 429 or 503 with Retry-After: no request leaves before then.
  let notBefore = 0;
  const contentType = opts.format === 'ndjson' ? 'application/x-ndjson' : 'application/json';

  async function request(items: Item<Verdict>[]): Promise<void> {
    const wait = notBefore - Date.now();
    if (wait > 0) await sleep(wait, closing.signal);
    if (closing.signal.aborted) {
      for (const i of items) i.settle({ ok: false, error: new Error('the sink is closing') });
      return;
    }
    const live = items.filter((i) => !i.cancelled);
    if (live.length === 0) return;
    const text = opts.format === 'ndjson' ? `${live.map((i) => i.line).join('\n')}\n` : `[${live.map((i) => i.line).join(',')}]`;
    const raw = Buffer.from(text, 'utf8');
    const body = opts.gzip ? await gzip(raw, { level: 1 }) : raw;
    const headers = { 'Content-Type': contentType, ...(opts.gzip ? { 'Content-Encoding': 'gzip' } : {}), ...opts.headers };
    let answer;
    try {
      answer = await opts.transport.send(body, headers, AbortSignal.any([closing.signal, AbortSignal.timeout(opts.requestTimeoutMs)]));
    } catch (err) {
      for (const i of live) i.settle({ ok: false, error: err });
      return;
    }
    const v = classifyAnswer(answer, live.length);
    if (v.outcome === 'split') {
      const mid = live.length >> 1;
      await Promise.all([request(live.slice(0, mid)), request(live.slice(mid))]);
      return;
    }
    let verdict: Verdict = v;
    if (v.outcome === 'unavailable' && v.retryAfterMs !== undefined) {
      const after = Math.min(v.retryAfterMs, opts.maxRetryAfterMs);
      notBefore = Math.max(notBefore, Date.now() + after);
      opts.log.warn({ status: answer.status, retryAfterMs: after }, 'the endpoint asked to wait; holding requests');
      verdict = { ...v, retryAfterMs: after };
    }
    for (const i of live) i.settle({ ok: true, verdict });
  }

  const batcher = new LingerBatcher<Verdict>({
    maxEvents: opts.batchMaxEvents,
    maxBytes: opts.batchMaxBytes,
    lingerMs: opts.lingerMs,
    send: (items) =>
      request(items).catch((err: unknown) => {
        for (const i of items) i.settle({ ok: false, error: err });
      }),
  });

  const deliver: DeliverFn = async (batch, { signal }) => {
    const aborted = new Promise<never>((_, reject) =>
      signal.addEventListener('abort', () => reject(new Error('aborted before the endpoint answered')), { once: true }),
    );
    const results = await Promise.race([
      batcher.add(
        batch.map((o) => o.json ?? JSON.stringify(o.doc)),
        signal,
      ),
      aborted,
    ]);
    // A request that got no answer (refused, reset, timed out) says nothing about its records either.
    return results.map((r) => (r.ok ? r.verdict : { outcome: 'unavailable', reason: errorMessage(r.error) }));
  };

  return {
    deliver,
    close() {
      batcher.close();
      closing.abort();
    },
  };
}

/** The sink's delivery without its consumer loop (the runner's, and `vigil replay --from-archive`'s). */
export async function openHttpDelivery(
  sink: HttpSinkConfig,
  transport?: HttpTransport,
  log: Logger = logger('sink', { id: sink.id, type: 'http' }),
): Promise<{ deliver: DeliverFn; close(): void }> {
  const headers = authHeader(sink);
  const t = transport ?? httpClient({ url: sink.url, method: sink.method, rejectUnauthorized: sink.rejectUnauthorized, maxSockets: 8 });
  const delivery = createHttpDeliver({
    transport: t,
    format: sink.format,
    gzip: sink.gzip,
    headers,
    batchMaxEvents: sink.batchMaxEvents,
    batchMaxBytes: sink.batchMaxBytes,
    lingerMs: sink.lingerMs,
    maxRetryAfterMs: sink.maxRetryAfterSeconds * 1000,
    requestTimeoutMs: sink.timeoutMs,
    log,
  });
  return {
    deliver: delivery.deliver,
    close() {
      delivery.close();
      t.close();
    },
  };
}

/** The generic HTTP sink on the shared runner: its own consumer group, commit after the endpoint answered 2xx. */
export async function startHttpSink(opts: StartHttpSinkOptions): Promise<RunningSinkLoop> {
  const { sink } = opts;
  const log = logger('sink', { id: sink.id, type: 'http' });
  const delivery = await openHttpDelivery(sink, opts.transport, log);
  try {
    return await startSinkRunner({
      ...runnerSettings(sink, 'http'),
      bus: opts.bus,
      log,
      deliver: delivery.deliver,
      onClose: async () => delivery.close(),
    });
  } catch (err) {
    delivery.close();
    throw err;
  }
}
