import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { VigilError, isVigilError } from '../../core/errors/index.js';
import { backoffDelay, sleep, type BackoffPolicy } from '../../core/retry/index.js';

/** Sends framed syslog messages; a rejected `send` means none of them can be counted as delivered. */
export interface SyslogTransport {
  /** Writes `frames` in order. Rejects with a retriable SINK_RETRY error when they could not be written. */
  send(frames: readonly Buffer[], signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

export interface StreamOptions {
  host: string;
  port: number;
  /** TLS options (CA, client certificate, servername); undefined for plain TCP. */
  tls?: ConnectionOptions;
  connectTimeoutMs: number;
  /** Messages waiting for a connection at most; past it `send` fails at once (retried by the runner). */
  queueSize: number;
  /** Wait between connection attempts, growing with each failure in a row. */
  backoff: BackoffPolicy;
}

const retry = (message: string, cause?: unknown) => new VigilError('SINK_RETRY', message, cause === undefined ? {} : { cause });

/** Errors of a send as SINK_RETRY, saying where it went. */
function asRetry(err: unknown, where: string): VigilError {
  if (isVigilError(err)) return err;
  const code = (err as NodeJS.ErrnoException)?.code;
  return retry(`syslog ${where}: ${code ?? (err as Error)?.message ?? String(err)}`, err);
}

/**
 * TCP or TLS to one receiver, made on first use and made again after it drops, with a growing
 * wait between failed attempts. Sends wait for the connection in a bounded queue.
 */
export class StreamTransport implements SyslogTransport {
  private socket: Socket | null = null;
  private connecting: Promise<Socket> | null = null;
  private failures = 0;
  private waiting = 0;
  private closed = false;
  private readonly stop = new AbortController();
  private readonly where: string;

  constructor(private readonly opts: StreamOptions) {
    this.where = `${opts.tls ? 'tls' : 'tcp'}://${opts.host}:${opts.port}`;
  }

  /** Connections made so far (for tests and logs). */
  connections = 0;

  async send(frames: readonly Buffer[], signal?: AbortSignal): Promise<void> {
    if (this.closed) throw retry(`syslog ${this.where}: the sink is closing`);
    if (this.waiting + frames.length > this.opts.queueSize) {
      throw retry(`syslog ${this.where}: ${this.waiting} messages already wait for the connection (queueSize ${this.opts.queueSize})`);
    }
    this.waiting += frames.length;
    try {
      const socket = await this.connected(signal);
      await write(socket, frames.length === 1 ? (frames[0] as Buffer) : Buffer.concat(frames), signal);
    } catch (err) {
      throw asRetry(err, this.where);
    } finally {
      this.waiting -= frames.length;
    }
  }

  private async connected(signal?: AbortSignal): Promise<Socket> {
    if (this.socket && !this.socket.destroyed) return this.socket;
    this.connecting ??= this.dial().finally(() => (this.connecting = null));
    if (!signal) return this.connecting;
    return await new Promise<Socket>((resolve, reject) => {
      const onAbort = () => reject(retry(`syslog ${this.where}: no connection before the delivery timed out`));
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.connecting!.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  private async dial(): Promise<Socket> {
    if (this.failures > 0) await sleep(backoffDelay(this.failures, this.opts.backoff), this.stop.signal);
    if (this.closed) throw retry(`syslog ${this.where}: the sink is closing`);
    try {
      const socket = await open(this.opts);
      this.failures = 0;
      this.connections++;
      socket.setKeepAlive(true, 30_000);
      // Receivers send nothing; a close or an error only means "connect again next time".
      socket.on('data', () => {});
      socket.on('error', () => {});
      socket.on('close', () => {
        if (this.socket === socket) this.socket = null;
      });
      this.socket = socket;
      return socket;
    } catch (err) {
      this.failures++;
      throw asRetry(err, this.where);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stop.abort();
    const s = this.socket;
    this.socket = null;
    if (s && !s.destroyed) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          s.destroy();
          resolve();
        }, 2000);
        s.end(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }
}

function open(opts: StreamOptions): Promise<Socket> {
  return new Promise<Socket>((resolve, reject) => {
    const socket = opts.tls
      ? tlsConnect({ host: opts.host, port: opts.port, ...opts.tls })
      : netConnect({ host: opts.host, port: opts.port });
    const ready = opts.tls ? 'secureConnect' : 'connect';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(retry(`syslog ${opts.host}:${opts.port}: no connection within ${opts.connectTimeoutMs} ms`));
    }, opts.connectTimeoutMs);
    socket.once(ready, () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    });
  });
}

/** Resolves once `buf` is handed to the kernel; a connection that drops or a timeout first rejects. */
function write(socket: Socket, buf: Buffer, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      // A write that cannot finish in time is stuck on a dead peer: start over on a new connection.
      socket.destroy();
      reject(retry('syslog write did not finish before the delivery timed out'));
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.write(buf, (err) => {
      signal?.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve();
    });
  });
}

/** node:tls options from the sink's `tls` section, read once. */
export function tlsOptions(tls: {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  servername?: string;
  rejectUnauthorized: boolean;
}): ConnectionOptions {
  const read = (file: string, field: string) => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new VigilError('CONFIG_READ', `cannot read tls.${field} ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, {
        cause: err,
        location: { path: `tls.${field}` },
      });
    }
  };
  return {
    ...(tls.caFile !== undefined ? { ca: read(tls.caFile, 'caFile') } : {}),
    ...(tls.certFile !== undefined ? { cert: read(tls.certFile, 'certFile') } : {}),
    ...(tls.keyFile !== undefined ? { key: read(tls.keyFile, 'keyFile') } : {}),
    ...(tls.servername !== undefined ? { servername: tls.servername } : {}),
    rejectUnauthorized: tls.rejectUnauthorized,
  };
}

/** UDP: one datagram per message (RFC 5426), no connection and no guarantee that any arrives. */
export class UdpTransport implements SyslogTransport {
  private readonly socket: UdpSocket;

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {
    this.socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    this.socket.on('error', () => {});
    this.socket.unref();
  }

  async send(frames: readonly Buffer[]): Promise<void> {
    for (const f of frames) {
      await new Promise<void>((resolve, reject) =>
        this.socket.send(f, this.port, this.host, (err) => (err ? reject(asRetry(err, `udp://${this.host}:${this.port}`)) : resolve())),
      );
    }
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}
