/**
 * A RELP sender that behaves as rsyslog's omrelp does under faults: a window of unacknowledged
 * messages, and on a broken session (or a refusal) every unacknowledged message is sent again on
 * a new session, until each one is acknowledged. It paces messages at a steady rate, keeps
 * going through outages, and reports what it sent, what was acknowledged and how often it had
 * to reconnect. The frame format is librelp's (`doc/relp.html`):
 * `TXNR SP COMMAND SP DATALEN [SP DATA] LF`.
 */
import { connect, type Socket } from 'node:net';

export interface RelpSendStats {
  /** Messages handed to the sender. */
  offered: number;
  /** Distinct messages the receiver acknowledged (every one, when `send` resolved). */
  acked: number;
  /** Frames written, resends included. */
  framesWritten: number;
  /** Sessions opened after the first. */
  reconnects: number;
}

interface Item {
  index: number;
  line: Buffer;
}

const OPEN_OFFER = 'relp_version=0\nrelp_software=vigil-chaos,1.0\ncommands=syslog';

function frame(txnr: number, command: string, data: Buffer): Buffer {
  const head = Buffer.from(`${txnr} ${command} ${data.length}${data.length > 0 ? ' ' : ''}`);
  return Buffer.concat([head, data, Buffer.from('\n')]);
}

/** Splits the server's byte stream into `rsp` frames: [txnr, status code]. */
class ResponseReader {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Array<[number, number]> {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const out: Array<[number, number]> = [];
    for (;;) {
      // header: TXNR SP COMMAND SP DATALEN, then SP DATA when DATALEN > 0, then LF
      const s1 = this.buf.indexOf(0x20);
      const s2 = s1 < 0 ? -1 : this.buf.indexOf(0x20, s1 + 1);
      if (s2 < 0) return out;
      let end = s2 + 1;
      while (end < this.buf.length && this.buf[end]! >= 0x30 && this.buf[end]! <= 0x39) end++;
      if (end >= this.buf.length) return out;
      const len = Number(this.buf.subarray(s2 + 1, end).toString('latin1'));
      const dataStart = len > 0 ? end + 1 : end;
      if (this.buf.length < dataStart + len + 1) return out;
      const txnr = Number(this.buf.subarray(0, s1).toString('latin1'));
      const command = this.buf.subarray(s1 + 1, s2).toString('latin1');
      const data = this.buf.subarray(dataStart, dataStart + len).toString('latin1');
      this.buf = this.buf.subarray(dataStart + len + 1);
      if (command === 'rsp') out.push([txnr, Number(data.slice(0, 3))]);
      // `serverclose` needs no handling: the socket closes next and everything unacked is resent.
    }
  }
}

export interface RelpSenderOptions {
  port: number;
  /** Messages per second, offered at an even pace. */
  rate: number;
  /** Unacknowledged messages at most in flight (omrelp's windowSize). Default 128. */
  window?: number;
  /** Pause before a new session after a broken one, in ms. Default 250. */
  reconnectMs?: number;
}

/**
 * Sends `lines` at `rate` per second and resolves once every one was acknowledged; rejects
 * only when `signal` aborts. Stats are live (read them at any time).
 */
export class RelpSender {
  readonly stats: RelpSendStats = { offered: 0, acked: 0, framesWritten: 0, reconnects: 0 };
  /** Index of each line → when the receiver first acknowledged it (ms since epoch). */
  readonly ackedAt = new Map<number, number>();
  private readonly window: number;
  private readonly reconnectMs: number;

  constructor(private readonly opts: RelpSenderOptions) {
    this.window = opts.window ?? 128;
    this.reconnectMs = opts.reconnectMs ?? 250;
  }

  async send(lines: readonly string[], signal?: AbortSignal): Promise<void> {
    const started = Date.now();
    const items: Item[] = lines.map((l, index) => ({ index, line: Buffer.from(l) }));
    /** Not yet written in the current session (or to be resent), in order. */
    const pending: Item[] = [];
    let released = 0;
    // Lines come due at the steady rate whether or not a session is up: an outage builds a backlog.
    const release = () => {
      const due = Math.min(items.length, Math.floor(((Date.now() - started) / 1000) * this.opts.rate) + 1);
      while (released < due) {
        pending.push(items[released]!);
        released++;
        this.stats.offered = released;
      }
    };
    let first = true;
    while (this.ackedAt.size < items.length) {
      if (signal?.aborted) throw new Error(`RELP sender aborted with ${items.length - this.ackedAt.size} unacknowledged`);
      if (!first) {
        this.stats.reconnects++;
        await new Promise((r) => setTimeout(r, this.reconnectMs));
      }
      first = false;
      release();
      const socket = await this.connect().catch(() => undefined);
      if (!socket) continue;
      // Everything unacknowledged goes first again, in order.
      pending.sort((a, b) => a.index - b.index);
      await this.session(socket, pending, items.length, release);
    }
  }

  private connect(): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port: this.opts.port });
      s.once('connect', () => {
        s.removeAllListeners('error');
        s.setNoDelay(true);
        resolve(s);
      });
      s.once('error', reject);
    });
  }

  /** One RELP session: returns when it breaks or when everything was acknowledged. */
  private session(socket: Socket, pending: Item[], total: number, release: () => void): Promise<void> {
    return new Promise((resolve) => {
      const reader = new ResponseReader();
      const inFlight = new Map<number, Item>();
      let txnr = 1;
      let opened = false;
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        clearInterval(timer);
        socket.destroy();
        // Not acknowledged on this session: sent again on the next one.
        pending.push(...inFlight.values());
        resolve();
      };
      const pump = () => {
        if (done || !opened) return;
        release();
        while (inFlight.size < this.window && pending.length > 0 && socket.writable) {
          const item = pending.shift()!;
          if (this.ackedAt.has(item.index)) continue;
          inFlight.set(txnr, item);
          socket.write(frame(txnr++, 'syslog', item.line));
          this.stats.framesWritten++;
        }
        if (this.ackedAt.size === total) {
          socket.end(frame(txnr++, 'close', Buffer.alloc(0)));
          finish();
        }
      };
      const timer = setInterval(pump, 5);
      socket.on('data', (chunk: Buffer) => {
        for (const [n, code] of reader.push(chunk)) {
          if (n === 1 && !opened) {
            if (code !== 200) return finish();
            opened = true;
            txnr = 2;
            continue;
          }
          const item = inFlight.get(n);
          if (!item) continue;
          inFlight.delete(n);
          if (code === 200) {
            if (!this.ackedAt.has(item.index)) this.ackedAt.set(item.index, Date.now());
            this.stats.acked = this.ackedAt.size;
          } else {
            pending.unshift(item);
          }
        }
        pump();
      });
      socket.on('error', finish);
      socket.on('close', finish);
      socket.write(frame(1, 'open', Buffer.from(OPEN_OFFER)));
    });
  }
}
