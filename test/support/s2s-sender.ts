import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { encodeMessage, encodeSignature, S2sDecoder, pairText, type S2sMessage } from '../../ingest/framing/s2s.js';

/**
 * A spec-faithful S2S v3 sender, standing in for a universal forwarder in tests, the bench and
 * the demo (no forwarder runs here). It does what captures show a forwarder do: the 400-byte
 * hello, `__s2s_capabilities` `ack=0;compression=0`, wait for the indexer's `__s2s_control_msg`,
 * then one key/value message per event in the key order of Splunk's eventgen.
 */
export interface S2sEvent {
  /** The event text (`_raw`). */
  raw: string | Buffer;
  /** Epoch seconds (`_time`); omitted for unparsed data, as a universal forwarder sends it. */
  time?: number;
  host?: string;
  source?: string;
  sourcetype?: string;
  index?: string;
  /** Indexed fields, sent as `_meta` `k::v` pairs. */
  meta?: Record<string, string>;
  /** Other keys, sent as they are. */
  extra?: Record<string, string>;
  /** Send `_done` (end of the channel's data). Default true. */
  done?: boolean;
  /** Send `_linebreaker` (the chunk ends on an event boundary). Default false. */
  linebreaker?: boolean;
}

/** `k::v` pairs separated by spaces; values with spaces or quotes are double-quoted. */
export function encodeMeta(meta: Record<string, string>): string {
  return Object.entries(meta)
    .map(([k, v]) => `${k}::${/[\s"]/.test(v) ? `"${v.replace(/(["\\])/g, '\\$1')}"` : v}`)
    .join(' ');
}

/** The pairs of one event, in eventgen's order (`_raw` last). */
export function eventPairs(ev: S2sEvent): Array<[string, string | Buffer]> {
  const pairs: Array<[string, string | Buffer]> = [['_MetaData:Index', ev.index ?? 'main']];
  if (ev.host !== undefined) pairs.push(['MetaData:Host', `host::${ev.host}`]);
  if (ev.source !== undefined) pairs.push(['MetaData:Source', `source::${ev.source}`]);
  if (ev.sourcetype !== undefined) pairs.push(['MetaData:Sourcetype', `sourcetype::${ev.sourcetype}`]);
  if (ev.time !== undefined) pairs.push(['_time', String(Math.floor(ev.time))]);
  if (ev.time !== undefined && !Number.isInteger(ev.time)) {
    pairs.push(['_subsecond', (ev.time - Math.floor(ev.time)).toFixed(6).slice(1)]);
  }
  if (ev.meta && Object.keys(ev.meta).length > 0) pairs.push(['_meta', encodeMeta(ev.meta)]);
  for (const [k, v] of Object.entries(ev.extra ?? {})) pairs.push([k, v]);
  if (ev.linebreaker) pairs.push(['_linebreaker', '_linebreaker']);
  if (ev.done ?? true) pairs.push(['_done', '_done']);
  pairs.push(['_raw', ev.raw]);
  return pairs;
}

export function encodeEvent(ev: S2sEvent): Buffer {
  return encodeMessage(eventPairs(ev));
}

export interface S2sSenderOptions {
  host: string;
  port: number;
  /** Sent in the hello. Default `vigil-test-forwarder`. */
  serverName?: string;
  /** Default `8089`. */
  mgmtPort?: string;
  /** Default `ack=0;compression=0`. */
  capabilities?: string;
  /** Connect with TLS using these options. */
  tls?: ConnectionOptions;
  /** Give up waiting for the control reply after this long. Default 5000 ms. */
  replyTimeoutMs?: number;
}

export interface S2sSender {
  /** The indexer's `__s2s_control_msg` value. */
  readonly control: string;
  /** Writes one event; resolves when the socket accepted it (honours backpressure). */
  send(ev: S2sEvent): Promise<void>;
  /** Writes bytes as they are (for malformed-stream tests). */
  writeRaw(bytes: Buffer): Promise<void>;
  /** Half-closes and waits for the receiver to close. */
  end(): Promise<void>;
  readonly socket: Socket;
}

export async function openS2s(opts: S2sSenderOptions): Promise<S2sSender> {
  const socket: Socket = opts.tls
    ? tlsConnect({ host: opts.host, port: opts.port, ...opts.tls })
    : netConnect({ host: opts.host, port: opts.port });
  await new Promise<void>((resolve, reject) => {
    socket.once(opts.tls ? 'secureConnect' : 'connect', resolve);
    socket.once('error', reject);
  });
  let failure: Error | null = null;
  socket.on('error', (err) => (failure = err));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));

  socket.write(encodeSignature({ serverName: opts.serverName ?? 'vigil-test-forwarder', mgmtPort: opts.mgmtPort ?? '8089' }));
  socket.write(encodeMessage([['__s2s_capabilities', opts.capabilities ?? 'ack=0;compression=0']]));
  const control = await readControl(socket, opts.replyTimeoutMs ?? 5000);

  const write = (bytes: Buffer) => {
    if (failure) return Promise.reject(failure);
    return new Promise<void>((resolve, reject) => {
      const ok = socket.write(bytes, (err) => (err ? reject(err) : undefined));
      if (ok) resolve();
      else socket.once('drain', resolve);
    });
  };
  return {
    control,
    socket,
    send: (ev) => write(encodeEvent(ev)),
    writeRaw: write,
    async end() {
      socket.end();
      await closed;
    },
  };
}

/** Reads the indexer's reply: one message (without a hello: the indexer sends none). */
function readControl(socket: Socket, timeoutMs: number): Promise<string> {
  // The reply has no hello, so skip the decoder's signature state with a synthetic one.
  const decoder = new S2sDecoder({ maxMessageBytes: 65536 });
  decoder.push(encodeSignature({ serverName: 'indexer', mgmtPort: '0' }));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`no __s2s_control_msg within ${timeoutMs} ms`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      for (const d of decoder.push(chunk)) {
        if (d.kind === 'error') return finish(d.error);
        if (d.kind === 'message') return finish(null, d.message);
      }
    };
    const onClose = () => finish(new Error('connection closed before the __s2s_control_msg'));
    function finish(err: Error | null, msg?: S2sMessage): void {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      if (err) return reject(err);
      const value = msg && pairText(msg, '__s2s_control_msg');
      if (value === undefined) reject(new Error('the reply is not a __s2s_control_msg'));
      else resolve(value);
    }
    socket.on('data', onData);
    socket.once('close', onClose);
  });
}
