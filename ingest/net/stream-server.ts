import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket, type TlsOptions } from 'node:tls';
import { metrics, type Logger } from '../../core/telemetry/index.js';
import { guardConnections, type ConnectionGuard, type ConnectionLimits } from './limits.js';
import { peerOf } from './peer.js';

/** A TCP or TLS listener whose connections are guarded and tracked until each is done. */
export interface StreamServer<C> {
  readonly server: Server;
  readonly guard: ConnectionGuard;
  /** Connections accepted and not yet done. */
  readonly connections: ReadonlySet<C>;
  /** From now on a new connection is closed at once (the input is closing). */
  stopAccepting(): void;
}

export interface StreamServerOptions<C> {
  /** TLS when given, plain TCP otherwise. */
  tls: TlsOptions | undefined;
  limits: ConnectionLimits;
  labels: { kind: 'input'; id: string };
  log: Logger;
  /** Names the input in log lines (`relp server error`). */
  name: string;
  /** Takes a connection the guard let in; `done` resolves once it is finished with. */
  accept(socket: Socket): C;
}

/**
 * The listener the stream inputs (syslog TCP/TLS, RELP) share: connection caps and idle
 * timeouts from `guardConnections`, failed TLS handshakes counted and logged with their peer,
 * server errors counted, and the set of live connections that `close()` drains.
 */
export function streamServer<C extends { done: Promise<void> }>(opts: StreamServerOptions<C>): StreamServer<C> {
  const { labels, log } = opts;
  const connections = new Set<C>();
  let accepting = true;
  const onSocket = (socket: Socket): void => {
    if (!accepting || guard.refused(socket)) {
      socket.destroy();
      return;
    }
    const conn = opts.accept(socket);
    connections.add(conn);
    void conn.done.then(() => connections.delete(conn));
  };
  const server: Server = opts.tls ? createTlsServer(opts.tls, onSocket) : createServer(onSocket);
  const guard = guardConnections(server, opts.limits, { labels, log });
  if (opts.tls) {
    // A failed handshake (bad or missing client certificate, protocol mismatch) never reaches
    // `accept`: count it and log who it was, then Node closes the socket. Connections the guard
    // closed (over a cap, handshake timed out) are counted there, not as TLS errors.
    server.on('tlsClientError', (err: Error & { code?: string }, socket: TLSSocket) => {
      if (guard.refused(socket)) return;
      metrics.errors.inc({ ...labels, code: 'INPUT_TLS' });
      log.warn({ err: err.message, reason: err.code, peer: peerOf(socket.remoteAddress) }, 'tls handshake failed');
    });
  }
  server.on('error', (err) => {
    metrics.errors.inc({ ...labels, code: 'INPUT_SOCKET' });
    log.error({ err: err.message }, `${opts.name} server error`);
  });
  return { server, guard, connections, stopAccepting: () => (accepting = false) };
}
