import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { encodeFrame, RelpDecoder, type RelpFrame } from '../../ingest/inputs/relp/index.js';

/**
 * A bare RELP client for unit tests of the input: it writes frames as librelp does and records
 * every frame the server sends back, but keeps no window and resends nothing (the integration
 * test drives rsyslog's omrelp for that).
 */
export class RelpTestClient {
  /** Every frame the server sent, in order. */
  readonly received: RelpFrame[] = [];
  /** Resolves when the server closed the connection. */
  readonly closed: Promise<void>;
  private txnr = 1;
  private readonly decoder = new RelpDecoder({ maxDataBytes: 1 << 20 });
  private waiters: Array<() => void> = [];

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      for (const d of this.decoder.push(chunk)) if (d.kind === 'frame') this.received.push(d.frame);
      for (const w of this.waiters.splice(0)) w();
    });
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    void this.closed.then(() => {
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static async connect(port: number, tls?: ConnectionOptions): Promise<RelpTestClient> {
    const socket = tls ? tlsConnect({ host: '127.0.0.1', port, ...tls }) : netConnect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      socket.once(tls ? 'secureConnect' : 'connect', resolve);
      socket.once('error', reject);
    });
    socket.setNoDelay(true);
    return new RelpTestClient(socket);
  }

  /** The responses (`rsp` frames) received, as `txnr text`. */
  responses(): string[] {
    return this.received.filter((f) => f.command === 'rsp').map((f) => `${f.txnr} ${f.data.toString().split('\n')[0] ?? ''}`.trim());
  }

  /** Writes a command with the next TXNR; returns that TXNR. */
  command(command: string, data: string | Buffer = ''): number {
    const txnr = this.txnr;
    this.txnr++;
    this.socket.write(encodeFrame(txnr, command, data));
    return txnr;
  }

  /** The offers librelp's omrelp sends. */
  open(commands = 'syslog'): number {
    return this.command('open', `relp_version=0\nrelp_software=librelp,1.11.0,http://librelp.adiscon.com\ncommands=${commands}`);
  }

  syslog(message: string | Buffer): number {
    return this.command('syslog', message);
  }

  writeRaw(bytes: string | Buffer): void {
    this.socket.write(bytes);
  }

  /** Resolves once `n` frames arrived (or the connection closed), or rejects after `ms`. */
  async waitForFrames(n: number, ms = 5000): Promise<void> {
    const deadline = Date.now() + ms;
    while (this.received.length < n && !this.socket.destroyed) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`expected ${n} frames from the server, got ${this.received.length}: ${this.responses().join(' | ')}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  destroy(): void {
    this.socket.destroy();
  }
}
