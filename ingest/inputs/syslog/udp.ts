import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { SyslogInputConfig } from './config.js';
import { VigilError, errorMessage, isVigilError } from '../../../core/errors/index.js';
import { metrics, type Logger } from '../../../core/telemetry/index.js';
import { stripTrailers } from '../../framing/index.js';
import { peerOf } from '../../net/index.js';
import { watchUdpSocket } from '../../net/udp-kernel-stats.js';
import type { IngestFrame, FramePublisher } from '../../frame-publisher.js';
import { type ResolvedServerOptions, type RunningListener } from './types.js';

/**
 * RFC 5426: one message per datagram. Datagrams are batched briefly (count or time, whichever
 * first); when the pipeline already has `udpMaxInFlight` batches out and one more is full, new
 * datagrams are dropped and counted: UDP has no way to slow a sender down, and buffering without
 * bound would only move the loss to an out-of-memory crash. Datagrams the kernel drops before
 * they are read (a full SO_RCVBUF) are exported from procfs: `vigil_udp_socket_drops{input}`.
 */
export async function startUdp(
  cfg: SyslogInputConfig,
  pipeline: FramePublisher,
  opts: ResolvedServerOptions,
  log: Logger,
): Promise<RunningListener> {
  const labels = { kind: 'input', id: cfg.id } as const;
  const socket: Socket = createSocket({ type: isIPv6(cfg.host) ? 'udp6' : 'udp4' });
  let pending: IngestFrame[] = [];
  let timer: NodeJS.Timeout | undefined;
  let inFlight = 0;
  const running = new Set<Promise<void>>();
  let closing = false;

  const flush = (): void => {
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    if (pending.length === 0 || inFlight >= opts.udpMaxInFlight) return;
    const batch = pending;
    pending = [];
    inFlight++;
    const p = pipeline
      .handle(batch)
      .catch((err: unknown) => {
        // Nothing to tell a UDP sender: the batch is lost. Count it and keep serving.
        const code = isVigilError(err) ? err.code : 'SERVICE_UNAVAILABLE';
        metrics.errors.inc({ ...labels, code });
        metrics.dropped.inc({ ...labels, reason: 'publish_failed' }, batch.length);
        log.error({ err: errorMessage(err), frames: batch.length }, 'udp batch not published');
      })
      .finally(() => {
        inFlight--;
        running.delete(p);
        if (pending.length >= opts.udpBatchSize || (pending.length > 0 && (closing || timer === undefined))) flush();
      });
    running.add(p);
  };

  socket.on('message', (msg, rinfo) => {
    if (closing) return;
    if (pending.length >= opts.udpBatchSize && inFlight >= opts.udpMaxInFlight) {
      metrics.dropped.inc({ ...labels, reason: 'udp_backpressure' });
      return;
    }
    const peer = peerOf(rinfo.address);
    const raw = stripTrailers(msg);
    if (raw.length === 0) return;
    pending.push(
      raw.length > cfg.maxMessageBytes
        ? {
            raw: Buffer.from(raw.subarray(0, opts.errorSampleBytes)),
            peer,
            error: new VigilError('FRAME_TOO_LARGE', `datagram of ${raw.length} bytes exceeds maxMessageBytes (${cfg.maxMessageBytes})`),
          }
        : { raw, peer },
    );
    if (pending.length >= opts.udpBatchSize) flush();
    else timer ??= setTimeout(flush, opts.udpBatchWaitMs);
  });
  socket.on('error', (err) => {
    metrics.errors.inc({ ...labels, code: 'INPUT_SOCKET' });
    log.error({ err: err.message }, 'udp socket error');
  });

  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(cfg.port, cfg.host, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  try {
    socket.setRecvBufferSize(opts.udpReceiveBufferBytes);
  } catch (err) {
    log.warn({ err: errorMessage(err) }, 'could not raise the UDP receive buffer');
  }
  // What the kernel dropped before Node read it (a full receive buffer) is counted there only.
  const unwatch = watchUdpSocket(cfg.id, socket);

  return {
    port: socket.address().port,
    connections: () => [],
    async close() {
      closing = true;
      unwatch();
      await new Promise<void>((resolve) => socket.close(() => resolve()));
      flush();
      // A batch waiting on the in-flight limit is flushed from the `finally` above.
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}
