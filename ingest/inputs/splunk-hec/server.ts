import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import type { SplunkHecInputConfig } from './config.js';
import { errorMessage } from '../../../core/errors/index.js';
import { logger, metrics } from '../../../core/telemetry/index.js';

import {
  admitRequest,
  assertConnectionLimits,
  BUSY_HEADERS,
  ByteBudget,
  connectionLimitsOf,
  guardHttp,
  type BudgetLease,
  splunkListenerTlsOptions,
  listenOn,
  peerOf,
} from '../../net/index.js';
import { HEC_INPUT_DEFAULTS } from './config.js';
import { gunzipBounded } from './decode.js';
import { reply, NOT_FOUND, type HecReply } from './errors.js';
import { createHecHandlers, routeOf, type HecDeps, type HecRequest } from './handlers.js';

/** One open connection, in the shape every network input reports. */
export interface HecConnectionInfo {
  peer: string;
  paused: boolean;
  inFlight: number;
  bytesRead: number;
}

export interface SplunkHecInput {
  port: number;
  connections(): HecConnectionInfo[];
  /** Stops accepting, waits for every publish in flight (acknowledged requests too), closes. */
  close(): Promise<void>;
}

/** Tuning that is not part of `vigil.yaml`. */
export interface HecServerOptions {
  /** A request must arrive whole within this, in ms (slow senders are cut off). Default 60000. */
  requestTimeoutMs?: number;
}

class TooLarge extends Error {}

/** A client that has not finished its TLS handshake by then is disconnected, in ms. */
const HANDSHAKE_TIMEOUT_MS = 10_000;

/** Reads the body, refusing past `max` bytes without buffering the rest; `lease` counts what was read. */
function readBody(req: IncomingMessage, max: number, lease: BudgetLease): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        req.removeAllListeners('data');
        req.pause();
        reject(new TooLarge());
        return;
      }
      chunks.push(c);
      lease.reading(size);
    });
    req.once('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)));
    req.once('error', reject);
  });
}

/**
 * The HEC receiver: Splunk's `/services/collector` API on HTTP or HTTPS. The HTTP layer only:
 * routing, token and channel checks before the body is read, body size limits and gzip; the
 * handlers decode, normalize and publish.
 */
export async function startHecInput(cfg: SplunkHecInputConfig, deps: HecDeps, options: HecServerOptions = {}): Promise<SplunkHecInput> {
  const labels = { kind: 'input', id: cfg.id } as const;
  const log = logger(cfg.id, { kind: 'input', protocol: 'splunk-hec' });
  const handlers = createHecHandlers(cfg, deps, log);
  const tls = splunkListenerTlsOptions(cfg.tls, `inputs.${cfg.id}`);
  assertConnectionLimits(cfg, `inputs.${cfg.id}`);
  const budget = new ByteBudget(cfg.maxInFlightBytes ?? HEC_INPUT_DEFAULTS.maxInFlightBytes);
  const sockets = new Map<Socket, { peer: string; inFlight: number }>();
  const tooLarge = (n: number): HecReply => ({
    status: 413,
    body: { text: `Content-Length of ${n} too large (maximum is ${cfg.maxBodyBytes})`, code: 6 },
  });

  function send(res: ServerResponse, r: HecReply, close = false, headers: Readonly<Record<string, string>> = {}): void {
    const body = JSON.stringify(r.body);
    res.writeHead(r.status, {
      'Content-Type': 'application/json; charset=UTF-8',
      'Content-Length': Buffer.byteLength(body),
      'X-Content-Type-Options': 'nosniff',
      ...(close ? { Connection: 'close' } : {}),
      ...headers,
    });
    res.end(body);
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://hec');
    const route = routeOf(url.pathname);
    if (!route) return send(res, NOT_FOUND);
    if (route === 'health') return send(res, handlers.health());
    if (req.method !== 'POST') return send(res, { status: 405, body: { text: 'Method Not Allowed', code: 405 } });
    const peer = peerOf(req.socket.remoteAddress);
    const hreq: HecRequest = { route, query: url.searchParams, headers: req.headers, peer };

    const auth = handlers.authorize(hreq);
    if ('status' in auth) return send(res, auth);
    if (route !== 'ack' && handlers.busy()) return send(res, reply('SERVER_BUSY'));
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > cfg.maxBodyBytes) return send(res, tooLarge(declared), true);
    // Bodies being read or waiting for Kafka stay within maxInFlightBytes: past it, Splunk's "server busy".
    const lease = admitRequest(budget, req, res, { labels, log });
    if (!lease) return send(res, reply('SERVER_BUSY'), true, BUSY_HEADERS);

    let body: Buffer;
    try {
      body = await readBody(req, cfg.maxBodyBytes, lease);
    } catch (err) {
      if (err instanceof TooLarge) return send(res, tooLarge(cfg.maxBodyBytes + 1), true);
      throw err;
    }
    const encoding = String(req.headers['content-encoding'] ?? '').toLowerCase();
    if (encoding === 'gzip') {
      try {
        body = await gunzipBounded(body, cfg.maxBodyBytes);
        lease.add(body.length);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ERR_BUFFER_TOO_LARGE') return send(res, tooLarge(cfg.maxBodyBytes + 1));
        return send(res, reply('INVALID_DATA_FORMAT'));
      }
    } else if (encoding !== '' && encoding !== 'identity') {
      return send(res, reply('INVALID_DATA_FORMAT'));
    }
    send(res, await handlers.handle(hreq, auth, body));
  }

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const state = sockets.get(req.socket);
    if (state) state.inFlight++;
    serve(req, res)
      .catch((err: unknown) => {
        metrics.errors.inc({ ...labels, code: 'INPUT_SOCKET' });
        log.error({ err: errorMessage(err) }, 'HEC request failed');
        if (!res.headersSent) send(res, reply('INTERNAL_ERROR'), true);
        else res.destroy();
      })
      .finally(() => {
        if (state) state.inFlight--;
      });
  };
  const server: Server = tls ? createHttpsServer(tls, onRequest) : createHttpServer(onRequest);
  const guard = guardHttp(
    server,
    connectionLimitsOf(cfg, tls ? HANDSHAKE_TIMEOUT_MS : undefined),
    { requestTimeoutMs: options.requestTimeoutMs ?? 60_000 },
    { labels, log },
  );
  server.on('connection', (socket: Socket) => {
    sockets.set(socket, { peer: peerOf(socket.remoteAddress), inFlight: 0 });
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('tlsClientError', (err: Error, socket: Socket) => {
    if (guard.refused(socket)) return;
    metrics.errors.inc({ ...labels, code: 'INPUT_SOCKET' });
    log.warn({ err: err.message, peer: peerOf(socket.remoteAddress) }, 'TLS handshake failed');
  });
  server.on('clientError', (err: Error, socket: Socket) => {
    metrics.errors.inc({ ...labels, code: 'INPUT_SOCKET' });
    log.warn({ err: err.message }, 'bad HTTP request');
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  const port = await listenOn(server, cfg.host, cfg.port);
  server.on('error', (err) => {
    metrics.errors.inc({ ...labels, code: 'INPUT_SOCKET' });
    log.error({ err: err.message }, 'HEC server error');
  });
  metrics.up.set(labels, 1);
  log.info({ host: cfg.host, port, tls: Boolean(tls), tokens: cfg.tokens.length }, 'splunk-hec input listening');

  let closed: Promise<void> | undefined;
  return {
    port,
    connections: () =>
      [...sockets].map(([s, st]) => ({ peer: st.peer, paused: s.isPaused(), inFlight: st.inFlight, bytesRead: s.bytesRead })),
    close() {
      closed ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        // Requests being read or answered finish; then every publish, acknowledged ones included.
        while ([...sockets.values()].some((s) => s.inFlight > 0)) await new Promise((r) => setTimeout(r, 10));
        await handlers.drain();
        server.closeAllConnections();
        await stopped;
        handlers.stop();
        metrics.up.set(labels, 0);
        log.info('splunk-hec input closed');
      })();
      return closed;
    },
  };
}
