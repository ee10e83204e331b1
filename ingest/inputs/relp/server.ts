import type { Socket } from 'node:net';
import type { RelpInputConfig } from './config.js';
import { VigilError, errorMessage, isVigilError } from '../../../core/errors/index.js';
import { logger, metrics } from '../../../core/telemetry/index.js';
import { connectionLimitsOf, listenerTlsOptions, peerOf, listenOn, streamServer } from '../../net/index.js';
import type { FramePublisher } from '../../frame-publisher.js';
import { validateRelpInput } from './config.js';
import { SERVER_CLOSE } from './protocol.js';
import { RelpSession, type SessionStep } from './session.js';

/** Tuning that is not part of `vigil.yaml`. */
export interface RelpServerOptions {
  /**
   * Bytes of frames one connection may read ahead while its previous batch waits for Kafka; past
   * that, reading pauses. omrelp's window (128 frames by default) normally stops the sender first;
   * this bounds a client that ignores it. Default 4 MiB.
   */
  readAheadBytes?: number;
  /** Leading bytes of an oversized or broken frame kept in its dead letter. Default 1024. */
  errorSampleBytes?: number;
  /** A session that does not close within this after we ended it is destroyed, in ms. Default 5000. */
  closeTimeoutMs?: number;
}

/** One open session, as `connections()` reports it (the shape every network input shares). */
export interface RelpConnectionInfo {
  peer: string;
  /** True while reading is paused (a batch is being published and the read-ahead is full, or the session is ending). */
  paused: boolean;
  /** Batches of this session handed to the pipeline and not yet acknowledged. */
  inFlight: number;
  bytesRead: number;
}

export interface RelpInput {
  /** The bound port (the ephemeral one when the config said 0). */
  port: number;
  connections(): RelpConnectionInfo[];
  /** Stops accepting, acknowledges what every session has read, tells the senders (`serverclose`), then closes. */
  close(): Promise<void>;
}

interface Connection {
  readonly socket: Socket;
  readonly peer: string;
  inFlight: number;
  shutdown(): Promise<void>;
  readonly done: Promise<void>;
}

const emptyStep = (): SessionStep => ({ frames: [], replies: [], refused: [] });

/**
 * The RELP listener (imrelp's side of librelp), over TCP or TLS. A session's frames go to the
 * pipeline in batches, one batch in flight per session; the `200 OK` of each `syslog` frame is
 * written only once the pipeline resolved, i.e. once Kafka acknowledged the event or its dead
 * letter. That is what makes RELP reliable end to end: whatever was not acknowledged when a
 * connection, Vigil or Kafka fails, the sender still holds and resends on its next session.
 * Responses go out in TXNR order because batches resolve in order. A batch Kafka refused is not
 * acknowledged: the connection closes, and the sender resends.
 */
export async function startRelpInput(cfg: RelpInputConfig, pipeline: FramePublisher, options: RelpServerOptions = {}): Promise<RelpInput> {
  const problems = validateRelpInput(cfg, `inputs.${cfg.id}`);
  const [first] = problems;
  if (first) {
    await pipeline.close();
    throw new VigilError(first.code, problems.map((p) => p.describe()).join('; '), { location: first.location ?? {} });
  }
  const readAhead = options.readAheadBytes ?? 4 * 1024 * 1024;
  const sampleBytes = options.errorSampleBytes ?? 1024;
  const closeTimeoutMs = options.closeTimeoutMs ?? 5000;
  const labels = { kind: 'input', id: cfg.id } as const;
  const log = logger(cfg.id, { kind: 'input', protocol: 'relp' });
  let tls;
  try {
    tls = cfg.tls ? listenerTlsOptions(cfg.tls, `inputs.${cfg.id}.tls`) : undefined;
  } catch (err) {
    await pipeline.close();
    throw err;
  }
  const { server, guard, connections, stopAccepting } = streamServer({
    tls,
    limits: connectionLimitsOf(cfg, tls ? (tls.handshakeTimeout ?? 10_000) : undefined),
    labels,
    log,
    name: 'relp',
    accept,
  });

  function accept(socket: Socket): Connection {
    const peer = peerOf(socket.remoteAddress);
    const session = new RelpSession({ peer, maxMessageBytes: cfg.maxMessageBytes, sampleBytes, software: 'vigil' });
    let chain: Promise<void> = Promise.resolve();
    let pending = emptyStep();
    let pendingBytes = 0;
    let stopping = false;
    let ending = false;

    /** Ends the session: what is buffered goes out, then FIN; a peer that keeps its side open is cut. */
    const end = (): void => {
      if (ending || socket.destroyed) return;
      ending = true;
      socket.pause();
      socket.end();
      setTimeout(() => socket.destroy(), closeTimeoutMs).unref();
    };

    /** Resolves once every frame read so far was published and answered (or the connection failed). */
    async function settled(): Promise<void> {
      for (;;) {
        const c = chain;
        await c;
        if (c !== chain) continue;
        if (!hasWork(pending) || socket.destroyed) return;
        pump();
      }
    }

    const conn: Connection = {
      socket,
      peer,
      inFlight: 0,
      shutdown: async () => {
        stopping = true;
        socket.pause();
        await settled();
        // Frames the sender wrote that we did not read are unacknowledged: it resends them to the next session.
        if (socket.writable && !ending) socket.write(SERVER_CLOSE);
        end();
        await conn.done;
      },
      done: new Promise<void>((resolve) => {
        socket.once('close', () => {
          // Not yet handed to Kafka and never to be acknowledged: the sender resends these, so
          // publishing them now would only make duplicates.
          pending = emptyStep();
          pendingBytes = 0;
          if (session.pendingBytes > 0) log.debug({ peer, bytes: session.pendingBytes }, 'relp connection closed inside a frame');
          void chain.then(resolve);
        });
      }),
    };

    const hasWork = (s: SessionStep): boolean => s.frames.length > 0 || s.replies.length > 0 || s.close !== undefined;
    const backlogged = (): boolean => conn.inFlight > 0 && pendingBytes >= readAhead;
    // A sender waiting for our acknowledgements is not idle.
    guard.watchIdle(socket, () => conn.inFlight > 0 || hasWork(pending));

    function submit(step: SessionStep): void {
      for (const r of step.refused) {
        metrics.errors.inc({ ...labels, code: 'RELP_PROTOCOL' });
        log.warn({ peer, txnr: r.txnr, reason: r.reason }, 'relp frame refused');
      }
      for (const f of step.frames) {
        pending.frames.push(f);
        pendingBytes += f.raw.length;
      }
      pending.replies.push(...step.replies);
      if (step.close) {
        pending.close = step.close;
        // Nothing after the end of a session is read.
        socket.pause();
      }
      pump();
    }

    /** Starts the next batch when none is in flight; pauses reading while the backlog is full. */
    function pump(): void {
      if (conn.inFlight === 0 && hasWork(pending)) {
        const batch = pending;
        pending = emptyStep();
        pendingBytes = 0;
        conn.inFlight++;
        chain = chain
          .then(() => pipeline.handle(batch.frames))
          .then(
            () => {
              conn.inFlight--;
              if (!socket.writable) return;
              if (batch.replies.length > 0) socket.write(batch.replies.length === 1 ? batch.replies[0]! : Buffer.concat(batch.replies));
              if (batch.close) {
                if (batch.close.broken) log.warn({ peer, reason: batch.close.reason }, 'relp session broken; closing it');
                else log.debug({ peer }, 'relp session closed by the client');
                end();
                return;
              }
              pump();
              if (!backlogged() && !stopping && !ending) socket.resume();
            },
            (err: unknown) => {
              conn.inFlight--;
              // Not acknowledged: close so that the sender resends from its unacknowledged list.
              pending = emptyStep();
              pendingBytes = 0;
              const code = isVigilError(err) ? err.code : 'SERVICE_UNAVAILABLE';
              metrics.errors.inc({ ...labels, code });
              log.error(
                { err: errorMessage(err), peer, frames: batch.frames.length },
                'relp batch not published; closing the session unacknowledged',
              );
              socket.destroy();
            },
          );
      }
      if (backlogged()) socket.pause();
    }

    socket.on('data', (chunk: Buffer) => {
      if (ending || session.ended) return;
      try {
        submit(session.receive(chunk));
      } catch (err) {
        // The session does not throw on input; this keeps a bug of ours from taking the process down.
        metrics.errors.inc({ ...labels, code: 'INPUT_SOCKET' });
        log.error({ err: errorMessage(err), peer }, 'relp connection failed');
        socket.destroy();
      }
    });
    socket.on('error', (err) => {
      metrics.errors.inc({ ...labels, code: 'INPUT_SOCKET' });
      log.warn({ err: err.message, peer }, 'relp connection error');
    });
    return conn;
  }

  const port = await listenOn(server, cfg.host, cfg.port).catch(async (err: unknown) => {
    await pipeline.close();
    throw err;
  });
  metrics.up.set(labels, 1);
  log.info({ host: cfg.host, port, tls: Boolean(tls) }, 'relp input listening');

  let closed: Promise<void> | undefined;
  return {
    port,
    connections: () =>
      [...connections].map((c) => ({ peer: c.peer, paused: c.socket.isPaused(), inFlight: c.inFlight, bytesRead: c.socket.bytesRead })),
    close() {
      closed ??= (async () => {
        stopAccepting();
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        guard.close();
        await Promise.all([...connections].map((c) => c.shutdown()));
        await stopped;
        await pipeline.close();
        metrics.up.set(labels, 0);
        log.info('relp input closed');
      })();
      return closed;
    },
  };
}
