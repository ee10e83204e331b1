import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { schema, type GcpPubSubInputConfig } from './config.js';
import { VigilError, errorMessage } from '../../../core/errors/index.js';
import { logger, metrics } from '../../../core/telemetry/index.js';
import { Batch, bytesResults, emit, type EmitTarget } from '../../normalize/cloud/index.js';
import {
  admitRequest,
  assertConnectionLimits,
  BodyTooLarge,
  BUSY_HEADERS,
  ByteBudget,
  CONNECTION_LIMIT_DEFAULTS,
  connectionLimitsOf,
  guardHttp,
  peerOf,
  readBody,
  RequestDedup,
  sendJson,
  listenOn,
} from '../../net/index.js';
import { PUBSUB_DEFAULTS } from './config.js';
import { unwrapPush } from './envelope.js';
import { JwksCache, JwksUnavailable } from './jwks.js';
import { verifyPushToken, type PushAuth } from './oidc.js';

export interface PubSubInput {
  port: number;
  close(): Promise<void>;
  connections(): never[];
}

/** Message ids remembered: Pub/Sub is at-least-once and may redeliver a message it saw acknowledged. */
const DEDUP_MESSAGES = 10_000;

const sha256 = (s: string) => createHash('sha256').update(s).digest();

/** Compares digests, so that neither the content nor the length of the token leaks through timing. */
function tokenMatches(req: IncomingMessage, expected: string): boolean {
  const given = new URL(req.url ?? '/', 'http://x').searchParams.get('token');
  return given !== null && timingSafeEqual(sha256(given), sha256(expected));
}

/**
 * The endpoint of a Pub/Sub push subscription. Pub/Sub counts 102, 200, 201, 202 and 204 as an
 * acknowledgement and redelivers on anything else, so 204 is sent only after Kafka acknowledged
 * the message's events (and dead letters); a Kafka failure answers 503 and Pub/Sub retries.
 * With `oidc` set, each request must carry the OIDC token of the authenticated push
 * subscription (`oidc.ts`); with `token` set, the push URL must also carry `?token=<token>`.
 * Without `oidc`, the input starts only when the config says `auth: none`.
 */
export async function startPubSubInput(cfg: GcpPubSubInputConfig, target: EmitTarget): Promise<PubSubInput> {
  const [insecure] = schema.check(cfg);
  if (insecure) {
    throw new VigilError(insecure.code, `input ${cfg.id}: ${insecure.message}`, {
      location: { path: `inputs.${cfg.id}.${insecure.field}` },
    });
  }
  const log = logger(cfg.id, { kind: 'input', type: 'gcp-pubsub' });
  const labels = { kind: 'input', id: cfg.id } as const;
  const dedup = new RequestDedup(DEDUP_MESSAGES);
  const limitDefaults = { ...CONNECTION_LIMIT_DEFAULTS, maxConnectionsPerPeer: PUBSUB_DEFAULTS.maxConnectionsPerPeer };
  assertConnectionLimits(cfg, `inputs.${cfg.id}`, limitDefaults);
  const budget = new ByteBudget(cfg.maxInFlightBytes ?? PUBSUB_DEFAULTS.maxInFlightBytes);
  const running = new Set<Promise<void>>();
  const jwks = cfg.oidc ? new JwksCache({ url: cfg.oidc.jwksUrl }) : undefined;
  let closing = false;

  /** The OIDC verdict on a request, or undefined without `oidc`; rejects with JwksUnavailable. */
  async function authenticate(req: IncomingMessage): Promise<PushAuth | undefined> {
    if (!cfg.oidc || !jwks) return undefined;
    const header = req.headers.authorization;
    return verifyPushToken(typeof header === 'string' ? header : undefined, cfg.oidc, jwks);
  }

  function refuse(req: IncomingMessage, res: ServerResponse, status: 401 | 403, reason: string): void {
    metrics.errors.inc({ ...labels, code: 'INPUT_AUTH' });
    log.warn({ peer: peerOf(req.socket.remoteAddress), reason }, 'push request refused');
    req.resume();
    sendJson(res, status, { error: status === 403 ? 'forbidden' : 'missing or invalid credentials' });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') {
      sendJson(res, 405, { error: 'only POST is accepted' });
      return;
    }
    let auth: PushAuth | undefined;
    try {
      auth = await authenticate(req);
    } catch (err) {
      if (!(err instanceof JwksUnavailable)) throw err;
      // Our failure, not the sender's: Pub/Sub redelivers on 503.
      metrics.errors.inc({ ...labels, code: 'SERVICE_UNAVAILABLE' });
      log.error({ err: err.message }, 'cannot fetch the token signing keys; Pub/Sub will redeliver');
      req.resume();
      sendJson(res, 503, { error: 'cannot verify tokens now; retry' });
      return;
    }
    if (auth && !auth.ok) {
      refuse(req, res, auth.status, auth.reason);
      return;
    }
    if (cfg.token !== undefined && !tokenMatches(req, cfg.token)) {
      refuse(req, res, 401, 'missing or wrong ?token=');
      return;
    }
    // Bodies being read or waiting for Kafka stay within maxInFlightBytes; Pub/Sub redelivers after a 503.
    const lease = admitRequest(budget, req, res, { labels, log });
    if (!lease) {
      sendJson(res, 503, { error: 'server busy; retry' }, BUSY_HEADERS);
      return;
    }
    let body: Buffer;
    try {
      body = await readBody(req, cfg.maxBodyBytes, lease);
    } catch (err) {
      const tooLarge = err instanceof BodyTooLarge;
      metrics.errors.inc({ ...labels, code: tooLarge ? 'FRAME_TOO_LARGE' : 'DECODE_PAYLOAD' });
      sendJson(res, tooLarge ? 413 : 400, { error: errorMessage(err) });
      if (tooLarge) res.on('finish', () => req.destroy());
      return;
    }
    const peer = peerOf(req.socket.remoteAddress);
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
  guardHttp(server, connectionLimitsOf(cfg, undefined, limitDefaults), { requestTimeoutMs: 60_000 }, { labels, log });
  const port = await listenOn(server, cfg.host, cfg.port);
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
