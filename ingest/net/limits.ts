import type { Server, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { metrics, type Logger } from '../../core/telemetry/index.js';
import { peerOf } from './peer.js';

/** How many connections a listener holds, and for how long a silent one. */
export interface ConnectionLimits {
  /** Connections at once, handshakes included; past it a new one is closed at once. */
  maxConnections: number;
  /** Connections at once from one address; past it a new one is closed at once. */
  maxConnectionsPerPeer: number;
  /** A connection that sends nothing this long is closed, in ms; 0 never. */
  idleTimeoutMs: number;
  /**
   * TLS listeners: a connection whose handshake has not completed by then is closed, in ms.
   * Node's own `handshakeTimeout` starts only once a ClientHello arrived, so a peer that connects
   * and says nothing would otherwise hold its slot until the idle timeout.
   */
  handshakeTimeoutMs?: number;
}

/** Why a connection was closed by the guard: the `reason` label of `vigil_input_connections_closed_total`. */
export type CloseReason = 'max_connections' | 'max_connections_per_peer' | 'idle_timeout' | 'handshake_timeout';

export interface ConnectionGuard {
  /**
   * True when the guard closed this connection before the input saw it (over a cap, or a TLS
   * handshake that timed out): the input ignores it and does not count it as an error. Takes the
   * raw socket or the TLS socket over it.
   */
  refused(socket: Socket): boolean;
  /**
   * Closes `socket` (an accepted, for TLS a secured, connection) once it is silent for the idle
   * timeout, unless `busy()` says the silence is ours (reading paused while a batch waits for Kafka).
   */
  watchIdle(socket: Socket, busy?: () => boolean): void;
  /** Open connections by peer address. */
  peers(): ReadonlyMap<string, number>;
  /** Closes the connections still in their TLS handshake (for the input's close()). */
  close(): void;
}

interface Context {
  labels: { kind: 'input'; id: string };
  log: Logger;
}

/**
 * Caps a listener's connections, in total and per peer address, and closes silent ones, so that
 * a peer opening sockets and sending nothing cannot lock every other sender out. A connection
 * over a cap is closed at once, before any byte is read; every close is counted by reason.
 * Works on any `net.Server`: plain TCP, TLS, HTTP and HTTPS.
 */
export function guardConnections(server: Server, limits: ConnectionLimits, ctx: Context): ConnectionGuard {
  const perPeer = new Map<string, number>();
  const refusedSockets = new WeakSet<Socket>();
  const handshaking = new Map<Socket, NodeJS.Timeout>();
  const count = (reason: CloseReason) => metrics.connectionsClosed.inc({ ...ctx.labels, reason });

  // Node refuses past `maxConnections` before any 'connection' event, and reports it as 'drop'.
  server.maxConnections = limits.maxConnections;
  server.on('drop', (data?: { remoteAddress?: string }) => {
    count('max_connections');
    const peer = peerOf(data?.remoteAddress);
    if (shouldLog(peer)) ctx.log.warn({ peer, maxConnections: limits.maxConnections }, 'connection refused: too many connections');
  });

  // Prepended so that the cap is decided before the server (TLS, HTTP) sets the socket up.
  server.prependListener('connection', (raw: Socket) => {
    const peer = peerOf(raw.remoteAddress);
    const open = perPeer.get(peer) ?? 0;
    if (open >= limits.maxConnectionsPerPeer) {
      refusedSockets.add(raw);
      raw.destroy();
      count('max_connections_per_peer');
      // One line per peer and second at most: a line per refused connection would let a flood fill the log too.
      if (shouldLog(peer)) {
        ctx.log.warn({ peer, maxConnectionsPerPeer: limits.maxConnectionsPerPeer }, 'connection refused: too many from one peer');
      }
      return;
    }
    perPeer.set(peer, open + 1);
    raw.once('close', () => release(peer));
    if (limits.handshakeTimeoutMs !== undefined) {
      const timer = setTimeout(() => {
        handshaking.delete(raw);
        refusedSockets.add(raw);
        count('handshake_timeout');
        ctx.log.warn({ peer, timeoutMs: limits.handshakeTimeoutMs }, 'tls handshake timed out');
        raw.destroy();
      }, limits.handshakeTimeoutMs);
      timer.unref();
      handshaking.set(raw, timer);
      raw.once('close', () => settle(raw));
    }
  });
  if (limits.handshakeTimeoutMs !== undefined) {
    server.on('secureConnection', (socket: TLSSocket) => {
      const raw = parentOf(socket);
      if (raw) settle(raw);
    });
  }

  const lastLogged = new Map<string, number>();
  function shouldLog(peer: string): boolean {
    const now = Date.now();
    if (now - (lastLogged.get(peer) ?? 0) < 1000) return false;
    if (lastLogged.size > 1000) lastLogged.clear();
    lastLogged.set(peer, now);
    return true;
  }

  function release(peer: string): void {
    const n = (perPeer.get(peer) ?? 1) - 1;
    if (n <= 0) perPeer.delete(peer);
    else perPeer.set(peer, n);
  }

  function settle(raw: Socket): void {
    const timer = handshaking.get(raw);
    if (timer) clearTimeout(timer);
    handshaking.delete(raw);
  }

  return {
    refused(socket: Socket): boolean {
      if (refusedSockets.has(socket)) return true;
      const raw = parentOf(socket);
      return raw !== undefined && refusedSockets.has(raw);
    },
    watchIdle(socket: Socket, busy?: () => boolean): void {
      if (limits.idleTimeoutMs <= 0) return;
      socket.setTimeout(limits.idleTimeoutMs);
      socket.on('timeout', () => {
        if (busy?.()) {
          socket.setTimeout(limits.idleTimeoutMs);
          return;
        }
        count('idle_timeout');
        ctx.log.info({ peer: peerOf(socket.remoteAddress), idleMs: limits.idleTimeoutMs }, 'closing idle connection');
        socket.destroy();
      });
    },
    peers: () => perPeer,
    close(): void {
      for (const [raw, timer] of handshaking) {
        clearTimeout(timer);
        raw.destroy();
      }
      handshaking.clear();
    },
  };
}

/**
 * The TCP socket under a TLS socket. Node keeps it as `_parent` and has for every release with
 * `tls.Server`; no public accessor exists, and a TLS socket whose raw socket we closed has no
 * address left to match it by.
 */
function parentOf(socket: Socket): Socket | undefined {
  return (socket as Socket & { _parent?: Socket | null })._parent ?? undefined;
}
