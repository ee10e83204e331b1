import type { Socket } from 'node:net';
import type { TlsOptions } from 'node:tls';
import type { SyslogInputConfig } from './config.js';
import { errorMessage, isVigilError } from '../../../core/errors/index.js';
import { metrics, type Logger } from '../../../core/telemetry/index.js';
import { SyslogFramer, type Frame } from '../../framing/index.js';
import { connectionLimitsOf, listenOn, peerOf, streamServer } from '../../net/index.js';
import type { FramePublisher } from '../../frame-publisher.js';
import { type ConnectionInfo, type ResolvedServerOptions, type RunningListener } from './types.js';

/** Backoff between attempts to publish a batch while Kafka is unreachable: 0.5 s doubling to 10 s. */
const RETRY_FIRST_MS = 500;
const RETRY_MAX_MS = 10_000;

interface Connection {
  readonly socket: Socket;
  readonly peer: string;
  inFlight: number;
  /** Stop reading, wait for the batch in flight, drain what Node buffered, close. */
  shutdown(): Promise<void>;
  /** Resolves once the socket closed and its last frames were handled. */
  readonly done: Promise<void>;
}

/**
 * RFC 6587 over TCP, or over TLS (RFC 5425) when `tls` is given, one framer per connection: the
 * framing (octet counting or LF) is detected per frame on TLS too, since rsyslog sends LF framing
 * over TLS by default although RFC 5425 mandates octet counting. One batch per connection is in
 * flight at a time; frames read meanwhile form the next batch, up to `tcpReadAheadBytes`. Every `data` chunk's frames go to the pipeline as
 * one batch while the socket is PAUSED; it resumes only when the batch was acknowledged by Kafka.
 * That is the backpressure (the kernel window fills, the sender blocks) and the closest thing to
 * an acknowledgement plain syslog has. Batches grow on their own under load: while one is in
 * flight, data piles up and the next read carries many frames.
 */
export async function startTcp(
  cfg: SyslogInputConfig,
  pipeline: FramePublisher,
  opts: ResolvedServerOptions,
  log: Logger,
  tls?: TlsOptions,
): Promise<RunningListener> {
  const labels = { kind: 'input', id: cfg.id } as const;
  const { server, guard, connections, stopAccepting } = streamServer({
    tls,
    limits: connectionLimitsOf(cfg, tls ? (tls.handshakeTimeout ?? 10_000) : undefined),
    labels,
    log,
    name: 'tcp',
    accept,
  });

  function accept(socket: Socket): Connection {
    const peer = peerOf(socket.remoteAddress);
    const framer = new SyslogFramer({ maxMessageBytes: cfg.maxMessageBytes, errorSampleBytes: opts.errorSampleBytes, peer });
    let chain: Promise<void> = Promise.resolve();
    let flushed = false;
    let stopping = false;
    // Frames read while a batch is in flight: the next batch. Reading goes on until they reach
    // `tcpReadAheadBytes`, so that one Kafka round trip carries many socket reads (a read is at
    // most 64 KiB); past that the socket pauses and the kernel window pushes back on the sender.
    let pending: Frame[] = [];
    let pendingBytes = 0;

    /** Resolves once every frame read so far was published (or the connection failed). */
    async function settled(): Promise<void> {
      for (;;) {
        const c = chain;
        await c;
        if (c !== chain) continue;
        if (pending.length === 0 || socket.destroyed) return;
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
        // Bytes Node already read but did not emit while paused: read() emits them as 'data',
        // so the handler below frames and submits them before we close.
        while (!socket.destroyed && socket.read() !== null);
        socket.destroy();
        await conn.done;
      },
      done: new Promise<void>((resolve) => {
        socket.once('close', () => {
          finish();
          void settled().then(resolve);
        });
      }),
    };

    const backlogged = (): boolean => conn.inFlight > 0 && pendingBytes >= opts.tcpReadAheadBytes;
    // A sender blocked by our backpressure is not idle.
    guard.watchIdle(socket, () => conn.inFlight > 0);

    function submit(frames: Frame[]): void {
      for (const f of frames) {
        pending.push(f);
        pendingBytes += f.raw.length;
      }
      pump();
    }

    /**
     * Publishes one batch, retrying while Kafka is away (a broker restart, a leader election).
     * The socket stays paused meanwhile, so the sender's TCP window fills and it waits: plain
     * syslog has no acknowledgement, and closing the connection would lose every line it had
     * sent. Only an error that cannot get better (a record refused for good, an ACL) or a
     * shutdown ends the retries.
     */
    async function publish(batch: Frame[]): Promise<void> {
      for (let attempt = 0; ; attempt++) {
        try {
          await pipeline.handle(batch);
          return;
        } catch (err) {
          if ((isVigilError(err) && !err.retriable) || stopping || socket.destroyed) throw err;
          metrics.errors.inc({ ...labels, code: isVigilError(err) ? err.code : 'SERVICE_UNAVAILABLE' });
          if (attempt === 0 || attempt % 10 === 0)
            log.warn(
              { err: errorMessage(err), peer, frames: batch.length, attempt },
              'tcp batch not published yet; holding the connection and retrying',
            );
          await new Promise((resolve) => setTimeout(resolve, Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** attempt)));
        }
      }
    }

    /** Starts the next batch when none is in flight; pauses reading while the backlog is full. */
    function pump(): void {
      if (conn.inFlight === 0 && pending.length > 0) {
        const batch = pending;
        pending = [];
        pendingBytes = 0;
        conn.inFlight++;
        chain = chain
          .then(() => publish(batch))
          .then(
            () => {
              conn.inFlight--;
              pump();
              if (!backlogged() && !stopping && !socket.destroyed) socket.resume();
            },
            (err: unknown) => {
              conn.inFlight--;
              // Refused for good, or shutting down while Kafka is away: close the connection so the
              // sender knows; what was read after this batch is dropped with it, unacknowledged too.
              pending = [];
              pendingBytes = 0;
              const code = isVigilError(err) ? err.code : 'SERVICE_UNAVAILABLE';
              metrics.errors.inc({ ...labels, code });
              log.error({ err: errorMessage(err), peer, frames: batch.length }, 'tcp batch not published; closing connection');
              socket.destroy();
            },
          );
      }
      if (backlogged()) socket.pause();
    }

    /** The connection ended (FIN, reset or our own close): hand over a last line without LF. */
    function finish(): void {
      if (flushed) return;
      flushed = true;
      submit(framer.end());
    }

    socket.on('data', (chunk: Buffer) => {
      try {
        submit(framer.push(chunk));
      } catch (err) {
        // The framer does not throw on input; this guards against our own bugs taking the process down.
        metrics.errors.inc({ ...labels, code: 'INPUT_SOCKET' });
        log.error({ err: errorMessage(err), peer }, 'tcp connection failed');
        socket.destroy();
      }
    });
    socket.on('error', (err) => {
      metrics.errors.inc({ ...labels, code: 'INPUT_SOCKET' });
      log.warn({ err: err.message, peer }, 'tcp connection error');
    });
    return conn;
  }

  const port = await listenOn(server, cfg.host, cfg.port);

  return {
    port,
    connections: (): ConnectionInfo[] =>
      [...connections].map((c) => ({
        peer: c.peer,
        paused: c.socket.isPaused(),
        inFlight: c.inFlight,
        bytesRead: c.socket.bytesRead,
      })),
    async close() {
      stopAccepting();
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      guard.close();
      await Promise.all([...connections].map((c) => c.shutdown()));
      await stopped;
    },
  };
}
