import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { GcpPubSubInputConfig } from '../../core/config/types.js';
import { errorMessage } from '../../core/errors/index.js';
import { logger, metrics } from '../../core/telemetry/index.js';
import { Batch, bytesResults, emit, type EmitTarget } from '../normalize/cloud/index.js';
import { BodyTooLarge, RequestDedup, peerOf, readBody, sendJson } from '../aws-firehose/index.js';
import { unwrapPush } from './envelope.js';

export interface PubSubInput {
  port: number;
  close(): Promise<void>;
  connections(): never[];
}

/** Message ids remembered: Pub/Sub is at-least-once and may redeliver a message it saw acknowledged. */
const DEDUP_MESSAGES = 10_000;

function tokenMatches(req: IncomingMessage, expected: string): boolean {
  const given = new URL(req.url ?? '/', 'http://x').searchParams.get('token');
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The endpoint of a Pub/Sub push subscription. Pub/Sub counts 102, 200, 201, 202 and 204 as an
 * acknowledgement and redelivers on anything else, so 204 is sent only after Kafka acknowledged
 * the message's events (and dead letters); a Kafka failure answers 503 and Pub/Sub retries.
 * With `token` set, the push URL must carry `?token=<token>` (Google's documented way to
 * authenticate push endpoints without OIDC).
 */
export async function startPubSubInput(cfg: GcpPubSubInputConfig, target: EmitTarget): Promise<PubSubInput> {
  const log = logger(cfg.id, { kind: 'input', type: 'gcp-pubsub' });
  const labels = { kind: 'input', id: cfg.id } as const;
  const dedup = new RequestDedup(DEDUP_MESSAGES);
  const running = new Set<Promise<void>>();
  let closing = false;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') {
      sendJson(res, 405, { error: 'only POST is accepted' });
      return;
    }
    if (cfg.token !== undefined && !tokenMatches(req, cfg.token)) {
      metrics.errors.inc({ ...labels, code: 'INPUT_AUTH' });
      log.warn({ peer: peerOf(req) }, 'push request without the right token');
      req.resume();
      sendJson(res, 401, { error: 'missing or wrong token' });
      return;
    }
    let body: Buffer;
    try {
      body = await readBody(req, cfg.maxBodyBytes);
    } catch (err) {
      const tooLarge = err instanceof BodyTooLarge;
      metrics.errors.inc({ ...labels, code: tooLarge ? 'FRAME_TOO_LARGE' : 'DECODE_PAYLOAD' });
      sendJson(res, tooLarge ? 413 : 400, { error: errorMessage(err) });
      if (tooLarge) res.on('finish', () => req.destroy());
      return;
    }
    const peer = peerOf(req);
    const msg = unwrapPush(body, req.headers);
    const batch = new Batch(cfg.id, peer);
    if ('error' in msg) {
      // A malformed envelope will not improve on redelivery: keep it as a dead letter and acknowledge.
      batch.fail('DECODE_PAYLOAD', msg.error, body.subarray(0, 64 * 1024));
    } else {
      const ctx = { inputId: cfg.id, receivedAt: new Date(), keepOriginal: cfg.keepOriginal, peer };
      const results = bytesResults(msg.data, ctx, 'gcp.pubsub');
      for (const r of results) {
        if (r.ok && Object.keys(msg.attributes).length > 0) r.event.labels = { ...msg.attributes, ...r.event.labels };
      }
      batch.add(results);
    }
    const work = () => emit(target, batch);
    try {
      const messageId = 'error' in msg ? undefined : msg.messageId;
      const outcome = messageId
        ? await dedup.run(`${'subscription' in msg ? (msg.subscription ?? '') : ''}/${messageId}`, work)
        : (await work(), 'done');
      if (outcome === 'duplicate') metrics.dropped.inc({ ...labels, reason: 'duplicate_message' });
      res.writeHead(204).end();
    } catch (err) {
      metrics.errors.inc({ ...labels, code: 'SERVICE_UNAVAILABLE' });
      log.error({ err: errorMessage(err) }, 'pushed message not published; Pub/Sub will redeliver');
      sendJson(res, 503, { error: 'not written; retry' });
    }
  }

  const server = createServer((req, res) => {
    if (closing) {
      sendJson(res, 503, { error: 'shutting down' });
      return;
    }
    const p = handle(req, res).catch((err: unknown) => {
      log.error({ err: errorMessage(err) }, 'push handler failed');
      sendJson(res, 500, { error: 'internal error' });
    });
    running.add(p);
    void p.finally(() => running.delete(p));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(cfg.port, cfg.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : cfg.port;
  metrics.up.set(labels, 1);
  log.info({ host: cfg.host, port }, 'pub/sub push endpoint listening');

  let closed: Promise<void> | undefined;
  return {
    port,
    connections: () => [],
    close() {
      closed ??= (async () => {
        closing = true;
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        while (running.size > 0) await Promise.allSettled([...running]);
        server.closeAllConnections();
        await stopped;
        metrics.up.set(labels, 0);
      })();
      return closed;
    },
  };
}
