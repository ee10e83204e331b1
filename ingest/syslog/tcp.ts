import { createServer, type Server, type Socket } from 'node:net';
import type { SyslogInputConfig } from '../../core/config/types.js';
import { errorMessage, isVigilError } from '../../core/errors/index.js';
import { metrics, type Logger } from '../../core/telemetry/index.js';
import { SyslogFramer, type Frame } from '../framing/index.js';
import type { IngestPipeline } from '../pipeline.js';
import { normalizePeer, type ConnectionInfo, type ResolvedServerOptions, type RunningListener } from './types.js';

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
 * RFC 6587 over TCP, one framer per connection. Every `data` chunk's frames go to the pipeline as
 * one batch while the socket is PAUSED; it resumes only when the batch was acknowledged by Kafka.
 * That is the backpressure (the kernel window fills, the sender blocks) and the closest thing to
 * an acknowledgement plain syslog has. Batches grow on their own under load: while one is in
 * flight, data piles up and the next read carries many frames.
 */
export async function startTcp(
  cfg: SyslogInputConfig,
  pipeline: IngestPipeline,
  opts: ResolvedServerOptions,
  log: Logger,
): Promise<RunningListener> {
  const labels = { kind: 'input', id: cfg.id } as const;
  const connections = new Set<Connection>();
  let closing = false;

  const server: Server = createServer((socket) => {
    if (closing) {
      socket.destroy();
      return;
    }
    const conn = accept(socket);
    connections.add(conn);
    void conn.done.then(() => connections.delete(conn));
  });
  server.maxConnections = opts.tcpMaxConnections;
  server.on('error', (err) => {
    metrics.errors.inc({ ...labels, code: 'INPUT_SOCKET' });
    log.error({ err: err.message }, 'tcp server error');
  });

  function accept(socket: Socket): Connection {
    const peer = normalizePeer(socket.remoteAddress);
    const framer = new SyslogFramer({ maxMessageBytes: cfg.maxMessageBytes, errorSampleBytes: opts.errorSampleBytes });
    let chain: Promise<void> = Promise.resolve();
    let flushed = false;
    let stopping = false;

    const conn: Connection = {
      socket,
      peer,
      inFlight: 0,
      shutdown: async () => {
        stopping = true;
        socket.pause();
        await chain;
        // Bytes Node already read but did not emit while paused: read() emits them as 'data',
        // so the handler below frames and submits them before we close.
        while (!socket.destroyed && socket.read() !== null);
        socket.destroy();
        await conn.done;
      },
      done: new Promise<void>((resolve) => {
        socket.once('close', () => {
          finish();
          void chain.then(resolve);
        });
      }),
    };

    function submit(frames: Frame[]): void {
      if (frames.length === 0) return;
      const batch = frames.map((f) => ({ ...f, peer }));
      conn.inFlight++;
      socket.pause();
      chain = chain
        .then(() => pipeline.handle(batch))
        .then(
          () => {
            conn.inFlight--;
            if (conn.inFlight === 0 && !stopping && !socket.destroyed) socket.resume();
          },
          (err: unknown) => {
            conn.inFlight--;
            // Not acknowledged: close the connection so the sender knows and can resend from its queue.
            const code = isVigilError(err) ? err.code : 'SERVICE_UNAVAILABLE';
            metrics.errors.inc({ ...labels, code });
            log.error({ err: errorMessage(err), peer, frames: batch.length }, 'tcp batch not published; closing connection');
            socket.destroy();
          },
        );
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

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(cfg.port, cfg.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : cfg.port;

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
      closing = true;
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([...connections].map((c) => c.shutdown()));
      await stopped;
    },
  };
}
