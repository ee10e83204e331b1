import { VigilError, type ErrorCode } from '../../core/errors/index.js';

/**
 * One syslog message cut out of a byte stream, or the bytes of a frame that could not be cut
 * cleanly; with the peer it came from, so that frames go to the ingest pipeline as they are.
 */
export type Frame = { raw: Buffer; peer: string; error?: undefined } | { raw: Buffer; peer: string; error: VigilError };

export interface FramerOptions {
  /** Largest message accepted, in bytes (octet count, or bytes before the LF). Larger frames become error frames. */
  maxMessageBytes: number;
  /** How many leading bytes of an oversized frame an error frame keeps. Default 1024 (capped at maxMessageBytes). */
  errorSampleBytes?: number;
  /** The sender's address, carried by every frame. Default ''. */
  peer?: string;
}

const LF = 0x0a;
const CR = 0x0d;
const NUL = 0x00;
const SP = 0x20;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
/** 10 digits already exceed any sane frame; more means we are not looking at an octet count. */
const MAX_COUNT_DIGITS = 10;

type State =
  | { t: 'start' }
  | { t: 'count'; value: number; header: number[] }
  | { t: 'octets'; remaining: number; declared: number; chunks: Buffer[] }
  | { t: 'line'; chunks: Buffer[]; size: number; invalid?: string }
  | { t: 'skip-octets'; remaining: number; declared: number; sample: Buffer[]; sampleSize: number; reported: boolean }
  | { t: 'skip-line' };

/** Removes the trailers real senders leave at the end of a message: LF, CR and NUL, in any mix. */
export function stripTrailers(buf: Buffer): Buffer {
  let end = buf.length;
  while (end > 0) {
    const b = buf[end - 1];
    if (b !== LF && b !== CR && b !== NUL) break;
    end--;
  }
  return end === buf.length ? buf : buf.subarray(0, end);
}

/**
 * Incremental RFC 6587 framer for one TCP connection. The framing is detected from the first byte
 * of EACH frame, as rsyslog does: a non-zero digit starts an octet count (§3.4.1, `LEN SP MSG`),
 * anything else is a frame ending at LF (§3.4.2). LF, CR and NUL between frames are skipped.
 *
 * It never throws on input and never holds more than `maxMessageBytes` of one frame: an oversized
 * frame yields an error frame with its first bytes and is then skipped (by its declared length, or
 * up to the next LF). A malformed octet count yields FRAME_INVALID and the framer resynchronises at
 * the next LF, the only boundary left to trust.
 */
export class SyslogFramer {
  private state: State = { t: 'start' };
  private readonly max: number;
  private readonly sampleBytes: number;
  private readonly peer: string;

  constructor(options: FramerOptions) {
    this.peer = options.peer ?? '';
    this.max = options.maxMessageBytes;
    this.sampleBytes = Math.max(1, Math.min(options.errorSampleBytes ?? 1024, options.maxMessageBytes));
  }

  /**
   * Feeds one chunk; returns the frames it completed, in order. A frame that lies whole in the
   * chunk is a view on it (no copy: Node's sockets read into a new buffer each time), so the
   * caller must not write into a chunk it handed over; a frame cut over chunks is a copy.
   */
  push(chunk: Buffer): Frame[] {
    const out: Frame[] = [];
    let i = 0;
    while (i < chunk.length) {
      const next = this.state.t === 'start' ? this.whole(chunk, i, out) : i;
      i = next > i ? next : this.step(chunk, i, out);
    }
    return out;
  }

  /**
   * The common case at a frame's start: a frame that lies whole in `chunk`, within the size
   * limit, with a well-formed count. It is cut out as a view, with no state; anything else
   * (a frame split over chunks, a bad count, an oversized frame, a stray trailer) returns `i`
   * for `step` to handle, with the same result.
   */
  private whole(chunk: Buffer, i: number, out: Frame[]): number {
    const b = chunk[i] as number;
    if (b === LF || b === CR || b === NUL || b === DIGIT_0) return i;
    if (b > DIGIT_0 && b <= DIGIT_9) {
      let value = 0;
      let j = i;
      for (; j < chunk.length && j - i < MAX_COUNT_DIGITS; j++) {
        const d = chunk[j] as number;
        if (d < DIGIT_0 || d > DIGIT_9) break;
        value = value * 10 + (d - DIGIT_0);
      }
      if (chunk[j] !== SP || value > this.max || j + 1 + value > chunk.length) return i;
      this.cut(chunk, j + 1, j + 1 + value, out);
      return j + 1 + value;
    }
    const lf = chunk.indexOf(LF, i);
    if (lf < 0 || lf - i > this.max) return i;
    this.cut(chunk, i, lf, out);
    return lf + 1;
  }

  /** A frame of `chunk[start, end)` without its trailers, as a view on the chunk; none if empty. */
  private cut(chunk: Buffer, start: number, end: number, out: Frame[]): void {
    const raw = stripTrailers(chunk.subarray(start, end));
    if (raw.length > 0) out.push({ raw, peer: this.peer });
  }

  /** The connection ended: returns what was left (a last line without LF, or an error for a cut frame). */
  end(): Frame[] {
    const out: Frame[] = [];
    const s = this.state;
    this.state = { t: 'start' };
    switch (s.t) {
      case 'count':
        out.push(this.errorFrame('FRAME_INVALID', 'connection closed inside an octet count', Buffer.from(s.header)));
        break;
      case 'octets': {
        const got = Buffer.concat(s.chunks);
        out.push(this.errorFrame('FRAME_TRUNCATED', `connection closed ${s.remaining} bytes short of the declared ${s.declared}`, got));
        break;
      }
      case 'line':
        this.emitLine(s, out);
        break;
      case 'skip-octets':
        if (!s.reported) out.push(this.tooLarge(s));
        break;
      case 'start':
      case 'skip-line':
        break;
    }
    return out;
  }

  /** Consumes bytes from `chunk` at `i` in the current state; returns the next index. */
  private step(chunk: Buffer, i: number, out: Frame[]): number {
    const s = this.state;
    switch (s.t) {
      case 'start': {
        const b = chunk[i] as number;
        if (b === LF || b === CR || b === NUL) return i + 1;
        if (b > DIGIT_0 && b <= DIGIT_9) {
          this.state = { t: 'count', value: b - DIGIT_0, header: [b] };
          return i + 1;
        }
        if (b === DIGIT_0) {
          // RFC 6587 §3.4.1: the count starts with a non-zero digit.
          this.state = { t: 'line', chunks: [], size: 0, invalid: 'octet count starts with 0' };
          return i;
        }
        this.state = { t: 'line', chunks: [], size: 0 };
        return i;
      }
      case 'count': {
        const b = chunk[i] as number;
        if (b >= DIGIT_0 && b <= DIGIT_9) {
          if (s.header.length >= MAX_COUNT_DIGITS) return this.invalidCount(s, 'octet count longer than 10 digits', i);
          s.value = s.value * 10 + (b - DIGIT_0);
          s.header.push(b);
          return i + 1;
        }
        if (b !== SP) {
          const what = b === LF ? 'LF' : `byte 0x${b.toString(16).padStart(2, '0')}`;
          return this.invalidCount(s, `octet count followed by ${what} instead of SP`, i);
        }
        if (s.value > this.max) {
          this.state = {
            t: 'skip-octets',
            remaining: s.value,
            declared: s.value,
            sample: [],
            sampleSize: 0,
            reported: false,
          };
        } else {
          this.state = { t: 'octets', remaining: s.value, declared: s.value, chunks: [] };
        }
        return i + 1;
      }
      case 'octets': {
        const take = Math.min(s.remaining, chunk.length - i);
        s.chunks.push(chunk.subarray(i, i + take));
        s.remaining -= take;
        if (s.remaining === 0) {
          // rsyslog's RSYSLOG_SyslogProtocol23Format puts its LF inside the count: strip it.
          const raw = stripTrailers(Buffer.concat(s.chunks));
          if (raw.length > 0) out.push({ raw, peer: this.peer });
          this.state = { t: 'start' };
        }
        return i + take;
      }
      case 'line': {
        const lf = chunk.indexOf(LF, i);
        const end = lf < 0 ? chunk.length : lf;
        const piece = chunk.subarray(i, end);
        if (s.size + piece.length > this.max) {
          const head = Buffer.concat([...s.chunks, piece]).subarray(0, this.sampleBytes);
          out.push(
            s.invalid
              ? this.errorFrame('FRAME_INVALID', `${s.invalid}; line longer than ${this.max} bytes`, Buffer.from(head))
              : this.errorFrame('FRAME_TOO_LARGE', `line longer than maxMessageBytes (${this.max})`, Buffer.from(head)),
          );
          this.state = lf < 0 ? { t: 'skip-line' } : { t: 'start' };
          return lf < 0 ? chunk.length : lf + 1;
        }
        s.chunks.push(piece);
        s.size += piece.length;
        if (lf < 0) return chunk.length;
        this.emitLine(s, out);
        this.state = { t: 'start' };
        return lf + 1;
      }
      case 'skip-octets': {
        const take = Math.min(s.remaining, chunk.length - i);
        if (s.sampleSize < this.sampleBytes) {
          const part = chunk.subarray(i, i + Math.min(take, this.sampleBytes - s.sampleSize));
          s.sample.push(Buffer.from(part));
          s.sampleSize += part.length;
        }
        s.remaining -= take;
        if (!s.reported && (s.sampleSize >= this.sampleBytes || s.remaining === 0)) {
          out.push(this.tooLarge(s));
          s.reported = true;
        }
        if (s.remaining === 0) this.state = { t: 'start' };
        return i + take;
      }
      case 'skip-line': {
        const lf = chunk.indexOf(LF, i);
        if (lf < 0) return chunk.length;
        this.state = { t: 'start' };
        return lf + 1;
      }
    }
  }

  /** A bad octet count: keep its bytes and treat the rest of the line as the bad frame. */
  private invalidCount(s: { header: number[] }, reason: string, i: number): number {
    const head = Buffer.from(s.header);
    this.state = { t: 'line', chunks: [head], size: head.length, invalid: reason };
    return i;
  }

  private emitLine(s: { chunks: Buffer[]; invalid?: string }, out: Frame[]): void {
    const raw = stripTrailers(Buffer.concat(s.chunks));
    if (s.invalid) out.push(this.errorFrame('FRAME_INVALID', s.invalid, raw));
    else if (raw.length > 0) out.push({ raw, peer: this.peer });
  }

  private tooLarge(s: { declared: number; sample: Buffer[] }): Frame {
    return this.errorFrame('FRAME_TOO_LARGE', `octet count ${s.declared} exceeds maxMessageBytes (${this.max})`, Buffer.concat(s.sample));
  }

  private errorFrame(code: ErrorCode, reason: string, raw: Buffer): Frame {
    return { raw, peer: this.peer, error: new VigilError(code, reason) };
  }
}
