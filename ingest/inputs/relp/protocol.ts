/**
 * RELP frames, as librelp (rsyslog's omrelp and imrelp) writes and reads them:
 *
 *     TXNR SP COMMAND SP DATALEN [SP DATA] LF
 *
 * TXNR and DATALEN are 1–9 decimal digits, COMMAND 1–32 letters; DATA and its leading space are
 * present only when DATALEN is not 0 (librelp expects the LF right after a DATALEN of 0). A
 * response is the command `rsp` whose data is a three-digit code, a space, a text of at most 80
 * characters and, optionally, an LF and response data (the server's offers, for `open`).
 */

/** Largest TXNR and DATALEN: 9 digits (librelp refuses a tenth). */
const MAX_NUMBER_DIGITS = 9;
const MAX_COMMAND_LETTERS = 32;
const LF = 0x0a;
const SP = 0x20;

/** librelp numbers transactions from 1 and wraps after 999999999 back to 1 (0 is for hints). */
export const FIRST_TXNR = 1;
export function nextTxnr(txnr: number): number {
  return txnr >= 999_999_999 ? 1 : txnr + 1;
}

export interface RelpFrame {
  txnr: number;
  command: string;
  data: Buffer;
}

/** What the decoder found in the stream, in stream order. */
export type Decoded =
  | { kind: 'frame'; frame: RelpFrame }
  /** A well-formed frame whose data exceeds the limit: its data was skipped, `sample` holds the first bytes. */
  | { kind: 'oversized'; txnr: number; command: string; size: number; sample: Buffer }
  /** The stream is not RELP from here on: nothing more is decoded. `raw` starts at the bad frame. */
  | { kind: 'error'; reason: string; raw: Buffer };

export interface DecoderOptions {
  /** Largest DATA accepted whole, in bytes; a larger frame is skipped and reported as `oversized`. */
  maxDataBytes: number;
  /** Leading bytes kept of an oversized frame's data, and of a broken frame. Default 1024. */
  sampleBytes?: number;
}

interface Header {
  txnr: number;
  command: string;
  dataLength: number;
  /** Bytes of the header, up to and including the SP before DATA (or up to the LF when there is no data). */
  size: number;
}

type HeaderResult = { ok: true; header: Header } | { ok: false; reason: string } | undefined;

/**
 * Reads the header at `buf[start..]`; undefined while it is incomplete. librelp's receive state
 * machine (relpframe.c) is followed to the byte so that what it accepts, we accept.
 */
function readHeader(buf: Buffer, start: number): HeaderResult {
  let i = start;
  const number = (field: string): { value: number } | { reason: string } | undefined => {
    let value = 0;
    let digits = 0;
    for (; i < buf.length; i++) {
      const c = buf[i] as number;
      if (c < 0x30 || c > 0x39) break;
      if (++digits > MAX_NUMBER_DIGITS) return { reason: `${field} has more than ${MAX_NUMBER_DIGITS} digits` };
      value = value * 10 + (c - 0x30);
    }
    if (i >= buf.length) return undefined;
    if (digits === 0) return { reason: `${field} expected, found ${describeByte(buf[i] as number)}` };
    return { value };
  };

  const txnr = number('TXNR');
  if (!txnr) return undefined;
  if ('reason' in txnr) return { ok: false, reason: txnr.reason };
  if (buf[i] !== SP) return { ok: false, reason: `space expected after TXNR, found ${describeByte(buf[i] as number)}` };
  i++;

  const cmdStart = i;
  for (; i < buf.length; i++) {
    const c = buf[i] as number;
    const letter = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
    if (!letter) break;
    if (i - cmdStart >= MAX_COMMAND_LETTERS) return { ok: false, reason: `command longer than ${MAX_COMMAND_LETTERS} letters` };
  }
  if (i >= buf.length) return undefined;
  if (i === cmdStart) return { ok: false, reason: `command expected, found ${describeByte(buf[i] as number)}` };
  if (buf[i] !== SP) return { ok: false, reason: `space expected after the command, found ${describeByte(buf[i] as number)}` };
  const command = buf.toString('latin1', cmdStart, i);
  i++;

  const length = number('DATALEN');
  if (!length) return undefined;
  if ('reason' in length) return { ok: false, reason: length.reason };
  const next = buf[i] as number;
  if (length.value === 0) {
    if (next !== LF) return { ok: false, reason: `LF expected after DATALEN 0, found ${describeByte(next)}` };
    return { ok: true, header: { txnr: txnr.value, command, dataLength: 0, size: i - start } };
  }
  if (next !== SP) return { ok: false, reason: `space expected after DATALEN, found ${describeByte(next)}` };
  return { ok: true, header: { txnr: txnr.value, command, dataLength: length.value, size: i + 1 - start } };
}

function describeByte(c: number): string {
  if (c === LF) return 'LF';
  if (c >= 0x21 && c <= 0x7e) return `"${String.fromCharCode(c)}"`;
  return `byte 0x${c.toString(16).padStart(2, '0')}`;
}

type State =
  | { t: 'header' }
  | { t: 'skip'; header: Header; remaining: number; sample: Buffer[]; sampled: number }
  | { t: 'skip-trailer'; header: Header; sample: Buffer }
  | { t: 'failed' };

/**
 * A streaming RELP frame decoder: `push` the bytes of a connection as they arrive, get what they
 * completed. Memory is bounded by `maxDataBytes` plus one header: a larger frame's data is
 * skipped as it streams by. After an error the decoder decodes nothing more (a RELP stream has no
 * resynchronisation point; the session must close).
 */
export class RelpDecoder {
  private buf: Buffer = Buffer.alloc(0);
  private state: State = { t: 'header' };
  private readonly maxData: number;
  private readonly sampleBytes: number;

  constructor(opts: DecoderOptions) {
    this.maxData = opts.maxDataBytes;
    this.sampleBytes = opts.sampleBytes ?? 1024;
  }

  /** True once the stream broke; `push` returns nothing more. */
  get failed(): boolean {
    return this.state.t === 'failed';
  }

  /** Bytes received of a frame not yet complete (a connection closing now truncates them). */
  get pendingBytes(): number {
    return this.buf.length + (this.state.t === 'skip' ? this.state.header.size + this.state.header.dataLength - this.state.remaining : 0);
  }

  push(chunk: Buffer): Decoded[] {
    if (this.state.t === 'failed') return [];
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const out: Decoded[] = [];
    let pos = 0;
    while (pos < this.buf.length) {
      const state: State = this.state;
      if (state.t === 'skip') {
        const take = Math.min(state.remaining, this.buf.length - pos);
        if (state.sampled < this.sampleBytes) {
          const keep = Math.min(take, this.sampleBytes - state.sampled);
          state.sample.push(Buffer.from(this.buf.subarray(pos, pos + keep)));
          state.sampled += keep;
        }
        state.remaining -= take;
        pos += take;
        if (state.remaining === 0) this.state = { t: 'skip-trailer', header: state.header, sample: Buffer.concat(state.sample) };
        continue;
      }
      if (state.t === 'skip-trailer') {
        const { header, sample } = state;
        if (this.buf[pos] !== LF) {
          out.push(this.fail(`frame ${header.txnr} is not terminated by LF after its ${header.dataLength} data bytes`, pos));
          break;
        }
        pos++;
        this.state = { t: 'header' };
        out.push({ kind: 'oversized', txnr: header.txnr, command: header.command, size: header.dataLength, sample });
        continue;
      }
      const read = readHeader(this.buf, pos);
      if (!read) break;
      if (!read.ok) {
        out.push(this.fail(read.reason, pos));
        break;
      }
      const { header } = read;
      if (header.dataLength > this.maxData) {
        pos += header.size;
        this.state = { t: 'skip', header, remaining: header.dataLength, sample: [], sampled: 0 };
        continue;
      }
      const dataStart = pos + header.size;
      const end = dataStart + header.dataLength;
      if (end >= this.buf.length) break; // the data or its LF is still to come
      if (this.buf[end] !== LF) {
        out.push(this.fail(`frame ${header.txnr} is not terminated by LF after its ${header.dataLength} data bytes`, pos));
        break;
      }
      // A copy: the frame outlives this chunk (it waits for Kafka), the chunk's buffer should not.
      out.push({
        kind: 'frame',
        frame: { txnr: header.txnr, command: header.command, data: Buffer.from(this.buf.subarray(dataStart, end)) },
      });
      pos = end + 1;
    }
    this.buf = this.failed || pos >= this.buf.length ? Buffer.alloc(0) : this.buf.subarray(pos);
    return out;
  }

  private fail(reason: string, at: number): Decoded {
    const raw = Buffer.from(this.buf.subarray(at, at + this.sampleBytes));
    this.state = { t: 'failed' };
    return { kind: 'error', reason, raw };
  }
}

/** One frame's bytes. */
export function encodeFrame(txnr: number, command: string, data: Buffer | string = ''): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  if (body.length === 0) return Buffer.from(`${txnr} ${command} 0\n`, 'latin1');
  return Buffer.concat([Buffer.from(`${txnr} ${command} ${body.length} `, 'latin1'), body, Buffer.from('\n')]);
}

/** A response to transaction `txnr`: `code text`, then LF and `data` when there is any. */
export function encodeResponse(txnr: number, code: number, text: string, data?: string): Buffer {
  return encodeFrame(txnr, 'rsp', data === undefined ? `${code} ${text}` : `${code} ${text}\n${data}`);
}

/** The response to `close`: librelp answers it with no data at all. */
export function encodeCloseResponse(txnr: number): Buffer {
  return encodeFrame(txnr, 'rsp');
}

/** The hint a server sends (TXNR 0) before it closes a session: the client reconnects and resends what was not acknowledged. */
export const SERVER_CLOSE = encodeFrame(0, 'serverclose');

/** Offers of an `open` command or its response: `name=value,value` lines (librelp's offers.c). */
export type Offers = Map<string, string[]>;

export function parseOffers(data: Buffer | string): Offers {
  const offers: Offers = new Map();
  for (const line of data.toString().split('\n')) {
    if (line === '') continue;
    const eq = line.indexOf('=');
    const name = eq === -1 ? line : line.slice(0, eq);
    const values =
      eq === -1
        ? []
        : line
            .slice(eq + 1)
            .split(',')
            .filter((v) => v !== '');
    offers.set(name, values);
  }
  return offers;
}

export function formatOffers(offers: Offers): string {
  return [...offers].map(([name, values]) => `${name}=${values.join(',')}`).join('\n');
}

/** A parsed `rsp` frame's data. */
export interface Response {
  code: number;
  text: string;
  data: string;
}

export function parseResponse(data: Buffer): Response | undefined {
  const m = /^(\d{3}) ([^\n]*)(?:\n([\s\S]*))?$/.exec(data.toString('utf8'));
  if (!m) return undefined;
  return { code: Number(m[1]), text: m[2] ?? '', data: m[3] ?? '' };
}
