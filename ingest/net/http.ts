import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { metrics, type Logger } from '../../core/telemetry/index.js';
import type { BudgetLease, ByteBudget } from './budget.js';
import { guardConnections, type ConnectionGuard, type ConnectionLimits } from './limits.js';
import { peerOf } from './peer.js';

/**
 * A request's headers must arrive whole within this, in ms. Node's check runs every 30 s, so a
 * silent connection is closed 20–50 s after it opened.
 */
export const HEADERS_TIMEOUT_MS = 20_000;
/**
 * An idle keep-alive connection is closed after this, in ms: longer than the 60 s idle timeout of
 * common load balancers (AWS ALB), so that they, not we, close first and never send a request
 * onto a connection we are closing.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/** What an HTTP input sets besides its connection limits. */
export interface HttpTimeouts {
  /** A request (headers and body) must arrive whole within this, in ms. */
  requestTimeoutMs: number;
  /** Test tuning: overrides HEADERS_TIMEOUT_MS. */
  headersTimeoutMs?: number;
  /** Test tuning: overrides KEEP_ALIVE_TIMEOUT_MS. */
  keepAliveTimeoutMs?: number;
}

/**
 * Connection caps, idle timeout and request timeouts of an HTTP or HTTPS input: a peer that opens
 * connections and sends nothing, or sends headers a byte a minute, loses them instead of holding
 * the listener's slots. A connection silent for the idle timeout is closed and counted, between
 * requests or in the middle of one.
 */
export function guardHttp(
  server: HttpServer,
  limits: ConnectionLimits,
  timeouts: HttpTimeouts,
  ctx: { labels: { kind: 'input'; id: string }; log: Logger },
): ConnectionGuard {
  const guard = guardConnections(server, limits, ctx);
  server.headersTimeout = timeouts.headersTimeoutMs ?? HEADERS_TIMEOUT_MS;
  server.requestTimeout = timeouts.requestTimeoutMs;
  server.keepAliveTimeout = timeouts.keepAliveTimeoutMs ?? KEEP_ALIVE_TIMEOUT_MS;
  if (limits.idleTimeoutMs > 0) {
    server.timeout = limits.idleTimeoutMs;
    // With a listener here, Node leaves closing the socket to us.
    server.on('timeout', (socket: Socket) => {
      metrics.connectionsClosed.inc({ ...ctx.labels, reason: 'idle_timeout' });
      ctx.log.info({ peer: peerOf(socket.remoteAddress), idleMs: limits.idleTimeoutMs }, 'closing idle connection');
      socket.destroy();
    });
  }
  return guard;
}

/** Seconds a refused sender is asked to wait (`Retry-After`) when the byte budget is spent. */
export const BUSY_RETRY_AFTER_SECONDS = 5;

/** Headers of a 503 for a spent byte budget: when to come back, and that the unread body ends the connection. */
export const BUSY_HEADERS: Readonly<Record<string, string>> = { 'Retry-After': String(BUSY_RETRY_AFTER_SECONDS), Connection: 'close' };

/**
 * Admits a request into `budget` by its Content-Length, or returns undefined (counted) when the
 * budget is spent: the caller then answers 503 with BUSY_HEADERS without reading the body. The
 * lease is released when the response is done or the connection drops, whichever comes first.
 */
export function admitRequest(
  budget: ByteBudget,
  req: IncomingMessage,
  res: ServerResponse,
  ctx: { labels: { kind: 'input'; id: string }; log: Logger },
): BudgetLease | undefined {
  const lease = budget.admit(Number(req.headers['content-length']));
  if (!lease) {
    metrics.requestsRefused.inc({ ...ctx.labels, reason: 'byte_budget' });
    ctx.log.warn(
      { peer: peerOf(req.socket.remoteAddress), inFlightBytes: budget.used, maxInFlightBytes: budget.limit },
      'request refused: too many bytes in flight',
    );
    // The body is not read: close the connection once the answer is out rather than drain it.
    res.once('finish', () => req.destroy());
    return undefined;
  }
  res.once('close', () => lease.release());
  return lease;
}
