import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { AwsFirehoseInputConfig } from './config.js';
import { errorMessage } from '../../../core/errors/index.js';
import { logger, metrics } from '../../../core/telemetry/index.js';
import { emit, isObject, type EmitTarget } from '../../normalize/cloud/index.js';
import { firehoseBatch } from './envelope.js';
import {
  admitRequest,
  assertConnectionLimits,
  BodyTooLarge,
  BUSY_HEADERS,
  ByteBudget,
  connectionLimitsOf,
  guardHttp,
  peerOf,
  readBody,
  RequestDedup,
  sendJson,
  listenOn,
} from '../../net/index.js';
import { FIREHOSE_DEFAULTS, FIREHOSE_LIMIT_DEFAULTS } from './config.js';

export interface FirehoseInput {
  port: number;
  close(): Promise<void>;
  connections(): never[];
  /** Request ids remembered for dedup (for tests and metrics). */
  dedupSize(): number;
}

const sha256 = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** Compares SHA-256 digests, which have one length, so neither the key's content nor its length leaks through timing. */
function keyMatches(given: string | undefined, expected: string): boolean {
  return given !== undefined && timingSafeEqual(sha256(given), sha256(expected));
}

/**
 * The Amazon Data Firehose HTTP endpoint destination ("HTTP endpoint delivery request and
 * response specifications"): POST `{requestId, timestamp, records:[{data:<base64>}]}` with
 * `X-Amz-Firehose-Request-Id` and `X-Amz-Firehose-Access-Key`; the answer is 200
 * `{requestId, timestamp}` once every record is durable in Kafka (events and dead letters),
 * or an error status with `{requestId, timestamp, errorMessage}`. Firehose retries everything
 * but 413, keeping the request id, which is the dedup key. A body that is not Firehose's JSON
 * envelope cannot get better on retry: it is dead-lettered whole and answered 200 once durable.
 */
export async function startFirehoseInput(cfg: AwsFirehoseInputConfig, target: EmitTarget): Promise<FirehoseInput> {
  const log = logger(cfg.id, { kind: 'input', type: 'aws-firehose' });
  const labels = { kind: 'input', id: cfg.id } as const;
  const dedup = new RequestDedup(cfg.dedupRequests);
  assertConnectionLimits(cfg, `inputs.${cfg.id}`, FIREHOSE_LIMIT_DEFAULTS);
  const budget = new ByteBudget(cfg.maxInFlightBytes ?? FIREHOSE_DEFAULTS.maxInFlightBytes);
  const running = new Set<Promise<void>>();
  let closing = false;

  const answer = (res: ServerResponse, status: number, requestId: string, errorMessage?: string): void =>
    sendJson(res, status, { requestId, timestamp: Date.now(), ...(errorMessage ? { errorMessage } : {}) });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const headerId = req.headers['x-amz-firehose-request-id'];
    let requestId = typeof headerId === 'string' ? headerId : '';
    if (req.method !== 'POST') {
      answer(res, 405, requestId, 'only POST is accepted');
      return;
    }
    const key = req.headers['x-amz-firehose-access-key'];
    if (!keyMatches(typeof key === 'string' ? key : undefined, cfg.accessKey)) {
      metrics.errors.inc({ ...labels, code: 'INPUT_AUTH' });
      log.warn({ peer: peerOf(req.socket.remoteAddress), requestId }, 'firehose request with a wrong or missing access key');
      req.resume();
      answer(res, 401, requestId, 'Invalid or missing access key (X-Amz-Firehose-Access-Key)');
      return;
    }
    // Bodies being read or waiting for Kafka stay within maxInFlightBytes; Firehose retries a 503.
    const lease = admitRequest(budget, req, res, { labels, log });
    if (!lease) {
      sendJson(res, 503, { requestId, timestamp: Date.now(), errorMessage: 'server busy; retry' }, BUSY_HEADERS);
      return;
    }
    let body: Buffer;
    try {
      body = await readBody(req, cfg.maxBodyBytes, lease);
    } catch (err) {
      if (err instanceof BodyTooLarge) {
        metrics.errors.inc({ ...labels, code: 'FRAME_TOO_LARGE' });
        log.warn({ requestId, err: err.message }, 'firehose request too large');
        answer(res, 413, requestId, err.message);
        // Stop reading the rest; the connection cannot be reused.
        res.on('finish', () => req.destroy());
      } else {
        metrics.errors.inc({ ...labels, code: 'DECODE_PAYLOAD' });
        answer(res, 400, requestId, `could not read the body: ${errorMessage(err)}`);
      }
      return;
    }
    if (requestId === '') {
      try {
        const doc = JSON.parse(body.toString('utf8')) as { requestId?: unknown };
        if (typeof doc.requestId === 'string') requestId = doc.requestId;
      } catch {
        // dead-lettered below
      }
    }
    const peer = peerOf(req.socket.remoteAddress);
    const commonAttributes = parseCommonAttributes(req.headers['x-amz-firehose-common-attributes']);
    const work = () =>
      emit(
        target,
        firehoseBatch(body, {
          inputId: cfg.id,
          peer,
          receivedAt: new Date(),
          keepOriginal: cfg.keepOriginal,
          maxRecordBytes: cfg.maxRecordBytes,
          commonAttributes,
        }),
      );
    try {
      const outcome = requestId === '' ? (await work(), 'done') : await dedup.run(requestId, work);
      if (outcome === 'duplicate') metrics.dropped.inc({ ...labels, reason: 'duplicate_request' });
      answer(res, 200, requestId);
    } catch (err) {
      metrics.errors.inc({ ...labels, code: 'SERVICE_UNAVAILABLE' });
      log.error({ requestId, err: errorMessage(err) }, 'firehose request not published; Firehose will retry');
      answer(res, 503, requestId, 'records could not be written; retry');
    }
  }

  const server = createServer((req, res) => {
    if (closing) {
      answer(res, 503, '', 'shutting down');
      return;
    }
    const p = handle(req, res).catch((err: unknown) => {
      log.error({ err: errorMessage(err) }, 'firehose handler failed');
      answer(res, 500, '', 'internal error');
    });
    running.add(p);
    void p.finally(() => running.delete(p));
  });
  // A 96 MiB body on a slow link needs more than a minute.
  guardHttp(server, connectionLimitsOf(cfg, undefined, FIREHOSE_LIMIT_DEFAULTS), { requestTimeoutMs: 120_000 }, { labels, log });
  const port = await listenOn(server, cfg.host, cfg.port);
  metrics.up.set(labels, 1);
  log.info({ host: cfg.host, port }, 'firehose endpoint listening');

  let closed: Promise<void> | undefined;
  return {
    port,
    connections: () => [],
    dedupSize: () => dedup.size,
    close() {
      closed ??= (async () => {
        closing = true;
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        while (running.size > 0) await Promise.allSettled([...running]);
        server.closeAllConnections();
        await stopped;
        metrics.up.set(labels, 0);
        log.info('firehose endpoint closed');
      })();
      return closed;
    },
  };
}

/** `X-Amz-Firehose-Common-Attributes: {"commonAttributes":{"k":"v"}}` → `{k: v}` (becomes `labels`). */
function parseCommonAttributes(header: string | string[] | undefined): Record<string, string> {
  if (typeof header !== 'string') return {};
  try {
    const doc = JSON.parse(header) as { commonAttributes?: unknown };
    if (!isObject(doc.commonAttributes)) return {};
    return Object.fromEntries(Object.entries(doc.commonAttributes).map(([k, v]) => [k, String(v)]));
  } catch {
    return {};
  }
}
