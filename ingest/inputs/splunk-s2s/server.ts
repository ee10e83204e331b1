import type { Socket } from 'node:net';
import type { OutRecord, Publisher } from '../../../core/bus/types.js';
import type { SplunkS2sInputConfig } from './config.js';
import { sendDeadLetters, type DeadLetter } from '../../../core/deadletter/index.js';
import { errorMessage, type ErrorCode } from '../../../core/errors/index.js';
import { logger, metrics } from '../../../core/telemetry/index.js';
import { eventRecord, normalizeSplunk, type SplunkRecord } from '../../normalize/splunk.js';
import {
  assertConnectionLimits,
  CONNECTION_LIMIT_DEFAULTS,
  connectionLimitsOf,
  splunkListenerTlsOptions,
  listenOn,
  peerOf,
  streamServer,
} from '../../net/index.js';
import { S2S_INPUT_DEFAULTS } from './config.js';
import { CONTROL_REPLY, encodeControlMessage, parseCapabilities, pairText, S2sDecoder, type Signature } from '../../framing/s2s.js';
import { S2sAssembler } from '../../parsers/s2s-records.js';

export interface S2sInputDeps {
  publisher: Publisher;
  /** Full (prefixed) topic names. */
  eventsTopic: string;
  deadletterTopic: string;
  /** Receive-time clock. Default `() => new Date()`. */
  now?: () => Date;
}

/** Tuning that is not part of `vigil.yaml`. */
export interface S2sServerOptions {
  /** Leading bytes of a bad message kept in its dead letter. Default 1024. */
  errorSampleBytes?: number;
}

/** One open connection, as `connections()` reports it (the shape every network input shares). */
export interface S2sConnectionInfo {
  peer: string;
  paused: boolean;
  inFlight: number;
  bytesRead: number;
  /** The forwarder's serverName, once its hello arrived. */
  forwarder?: string;
}

export interface SplunkS2sInput {
  port: number;
  connections(): S2sConnectionInfo[];
  /** Stops accepting, publishes what every connection has read, then closes them. */
  close(): Promise<void>;
}

/** A forwarder that has not finished its TLS handshake by then is disconnected, in ms. */
const HANDSHAKE_TIMEOUT_MS = 10_000;
const S2S_LIMIT_DEFAULTS = { ...CONNECTION_LIMIT_DEFAULTS, idleTimeoutSeconds: S2S_INPUT_DEFAULTS.idleTimeoutSeconds };

/**
 * The S2S receiver: a TCP (or TLS) listener that speaks the indexer side of cooked mode v3. Each
 * chunk's events go to Kafka as one batch while the socket is PAUSED; reading resumes only once
 * Kafka acknowledged them (a forwarder without `useACK` has no other acknowledgement: its TCP
 * window fills and it blocks). A malformed stream is dead-lettered with its bytes; the events
 * before it are published, then the connection closes.
 */
export async function startS2sInput(
  cfg: SplunkS2sInputConfig,
  deps: S2sInputDeps,
  options: S2sServerOptions = {},
): Promise<SplunkS2sInput> {
  const now = deps.now ?? (() => new Date());
  const sampleBytes = options.errorSampleBytes ?? 1024;
  const labels = { kind: 'input', id: cfg.id } as const;
  const log = logger(cfg.id, { kind: 'input', protocol: 'splunk-s2s' });
  const tls = splunkListenerTlsOptions(cfg.tls, `inputs.${cfg.id}`);

  interface Conn {
    socket: Socket;
    peer: string;
    inFlight: number;
    forwarder?: string;
    shutdown(): Promise<void>;
    done: Promise<void>;
  }

  assertConnectionLimits(cfg, `inputs.${cfg.id}`, S2S_LIMIT_DEFAULTS);
  const {
    server,
    guard,
    connections: conns,
    stopAccepting,
  } = streamServer({
    tls,
    limits: connectionLimitsOf(cfg, tls ? HANDSHAKE_TIMEOUT_MS : undefined, S2S_LIMIT_DEFAULTS),
    labels,
    log,
    name: 's2s',
    accept,
  });

  /** Publishes one batch; resolves once Kafka acknowledged every event and dead letter. */
  async function publish(records: SplunkRecord[], letters: DeadLetter[], peer: string, forwarder: string | undefined): Promise<void> {
    if (records.length === 0 && letters.length === 0) return;
    const stop = metrics.latency.startTimer(labels);
    const receivedAt = now();
    const out: OutRecord[] = [];
    metrics.received.inc(labels, records.length);
    for (const r of records) {
      const ctx = { inputId: cfg.id, peer, receivedAt, keepOriginal: cfg.keepOriginal, ...(forwarder !== undefined ? { forwarder } : {}) };
      out.push(eventRecord(normalizeSplunk(r, ctx), peer, receivedAt));
    }
    try {
      await Promise.all([
        out.length > 0 ? deps.publisher.send(deps.eventsTopic, out) : Promise.resolve(),
        sendDeadLetters(deps.publisher, deps.deadletterTopic, letters),
      ]);
    } finally {
      stop();
    }
    metrics.sent.inc(labels, out.length);
  }

  function accept(socket: Socket): Conn {
    const peer = peerOf(socket.remoteAddress);
    const decoder = new S2sDecoder({ maxMessageBytes: cfg.maxMessageBytes, errorSampleBytes: sampleBytes });
    const assembler = new S2sAssembler(cfg.maxMessageBytes);
    let signature: Signature | undefined;
    let chain: Promise<void> = Promise.resolve();
    let stopping = false;
    let finished = false;

    const conn: Conn = {
      socket,
      peer,
      inFlight: 0,
      shutdown: async () => {
        stopping = true;
        socket.pause();
        await chain;
        // Bytes Node read but did not emit while paused: read() emits them as 'data'.
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

    const letter = (code: ErrorCode, reason: string, raw: Buffer): DeadLetter => {
      metrics.errors.inc({ ...labels, code });
      return { stage: 'ingest', component: cfg.id, code, reason, raw, peer };
    };

    function submit(records: SplunkRecord[], letters: DeadLetter[], closeAfter: string | undefined): void {
      if (records.length === 0 && letters.length === 0) {
        if (closeAfter) chain = chain.then(() => void socket.destroy());
        return;
      }
      conn.inFlight++;
      socket.pause();
      chain = chain
        .then(() => publish(records, letters, peer, signature?.serverName))
        .then(
          () => {
            conn.inFlight--;
            if (closeAfter) {
              log.warn({ peer, forwarder: signature?.serverName, reason: closeAfter }, 'closing S2S connection');
              socket.destroy();
            } else if (conn.inFlight === 0 && !stopping && !socket.destroyed) socket.resume();
          },
          (err: unknown) => {
            conn.inFlight--;
            // Not acknowledged: close so the forwarder reconnects and resends what it still holds.
            metrics.errors.inc({ ...labels, code: 'SERVICE_UNAVAILABLE' });
            log.error({ err: errorMessage(err), peer, events: records.length }, 'S2S batch not published; closing connection');
            socket.destroy();
          },
        );
    }

    function onChunk(chunk: Buffer): void {
      const records: SplunkRecord[] = [];
      const letters: DeadLetter[] = [];
      let closeAfter: string | undefined;
      for (const d of decoder.push(chunk)) {
        if (d.kind === 'signature') {
          signature = d.signature;
          conn.forwarder = signature.serverName;
          log.info({ peer, forwarder: signature.serverName, banner: signature.banner }, 'forwarder connected');
        } else if (d.kind === 'error') {
          const tooLarge = d.error.message.includes('exceeds maxMessageBytes');
          letters.push(letter(tooLarge ? 'FRAME_TOO_LARGE' : 'S2S_PROTOCOL', d.error.message, d.error.raw));
          closeAfter = d.error.message;
        } else {
          const caps = pairText(d.message, '__s2s_capabilities');
          if (caps !== undefined) {
            const c = parseCapabilities(caps);
            if (c.compression !== undefined && c.compression !== '0') {
              metrics.errors.inc({ ...labels, code: 'S2S_PROTOCOL' });
              closeAfter = `forwarder asks for compression=${c.compression}; set compressed = false in its outputs.conf`;
              break;
            }
            if (c.ack !== undefined && c.ack !== '0') {
              log.warn(
                { peer, forwarder: signature?.serverName },
                'forwarder has useACK = true; Vigil sends no S2S acks: set useACK = false',
              );
            }
            socket.write(encodeControlMessage(CONTROL_REPLY));
            continue;
          }
          if (d.message.pairs.every((p) => p.key.startsWith('__s2s_'))) continue; // other control traffic
          records.push(...assembler.push(d.message));
        }
      }
      submit(records, letters, closeAfter);
    }

    /** The connection ended (FIN, reset, timeout or our own close): last tails, truncated bytes. */
    function finish(): void {
      if (finished) return;
      finished = true;
      const letters: DeadLetter[] = [];
      const rest = decoder.remainder();
      if (rest.length > 0) {
        letters.push(
          letter('S2S_PROTOCOL', `connection closed inside a message (${rest.length} bytes received)`, rest.subarray(0, sampleBytes)),
        );
      }
      submit(assembler.end(), letters, undefined);
    }

    socket.on('data', (chunk: Buffer) => {
      try {
        onChunk(chunk);
      } catch (err) {
        // Nothing above throws on input; this keeps a bug of ours from taking the process down.
        metrics.errors.inc({ ...labels, code: 'INPUT_SOCKET' });
        log.error({ err: errorMessage(err), peer }, 'S2S connection failed');
        socket.destroy();
      }
    });
    socket.on('error', (err) => {
      metrics.errors.inc({ ...labels, code: 'INPUT_SOCKET' });
      log.warn({ err: err.message, peer }, 'S2S connection error');
    });
    // A forwarder blocked by our backpressure is not idle.
    guard.watchIdle(socket, () => conn.inFlight > 0);
    return conn;
  }

  const port = await listenOn(server, cfg.host, cfg.port);
  metrics.up.set(labels, 1);
  log.info({ host: cfg.host, port, tls: Boolean(tls) }, 'splunk-s2s input listening');

  let closed: Promise<void> | undefined;
  return {
    port,
    connections: () =>
      [...conns].map((c) => ({
        peer: c.peer,
        paused: c.socket.isPaused(),
        inFlight: c.inFlight,
        bytesRead: c.socket.bytesRead,
        ...(c.forwarder !== undefined ? { forwarder: c.forwarder } : {}),
      })),
    close() {
      closed ??= (async () => {
        stopAccepting();
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        guard.close();
        await Promise.all([...conns].map((c) => c.shutdown()));
        await stopped;
        metrics.up.set(labels, 0);
        log.info('splunk-s2s input closed');
      })();
      return closed;
    },
  };
}
