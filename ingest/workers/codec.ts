import type { ErrorCode } from '../../core/errors/index.js';

/** Frames for a worker: their bytes back to back in one transferable buffer. */
export interface PackedFrames {
  bytes: ArrayBuffer;
  /** End offset of each frame in `bytes`. */
  ends: Int32Array;
  /** Each frame's peer, or one peer for all when they share it (one TCP connection). */
  peers: string[];
}

/** A worker's answer for a batch: the records of the frames that made an event, and why the others did not. */
export interface PackedResults {
  /** The records' values (serialized events, UTF-8) back to back. */
  values: ArrayBuffer;
  valueEnds: Int32Array;
  keys: string[];
  failures: Array<{ index: number; code: ErrorCode; reason: string }>;
  /**
   * Set when the worker enriched the events with GeoIP: how many gained `geo` or `as`, and how
   * many lookups a database failed (a worker thread's metrics are its own, so the main thread counts these).
   */
  geoip?: { added: number; lookupFailures: number };
  /** Set when the worker enriched the events with threat intelligence: how many gained `threat.enrichments`. */
  intel?: { added: number };
}

export interface Frame {
  raw: Buffer;
  peer: string;
}

export function packFrames(frames: readonly Frame[]): PackedFrames {
  let total = 0;
  for (const f of frames) total += f.raw.length;
  const bytes = new Uint8Array(total);
  const ends = new Int32Array(frames.length);
  const first = frames[0]?.peer;
  let samePeer = true;
  let offset = 0;
  frames.forEach((f, i) => {
    bytes.set(f.raw, offset);
    offset += f.raw.length;
    ends[i] = offset;
    if (f.peer !== first) samePeer = false;
  });
  return { bytes: bytes.buffer, ends, peers: samePeer && first !== undefined ? [first] : frames.map((f) => f.peer) };
}

export function unpackFrames(p: PackedFrames): Frame[] {
  const frames: Frame[] = new Array<Frame>(p.ends.length);
  let start = 0;
  for (let i = 0; i < p.ends.length; i++) {
    const end = p.ends[i] as number;
    frames[i] = { raw: Buffer.from(p.bytes, start, end - start), peer: (p.peers.length === 1 ? p.peers[0] : p.peers[i]) as string };
    start = end;
  }
  return frames;
}

/** Collects serialized values into one growing buffer, to be transferred (not copied) to the main thread. */
export class ValueWriter {
  private buf: Buffer;
  private offset = 0;
  private readonly ends: number[] = [];

  constructor(expectedBytes: number) {
    this.buf = ValueWriter.alloc(Math.max(1024, expectedBytes));
  }

  /** Uninitialized memory with an ArrayBuffer of its own (transferable; `new ArrayBuffer` would zero-fill it). */
  private static alloc(bytes: number): Buffer {
    return Buffer.allocUnsafeSlow(bytes);
  }

  push(text: string): void {
    // A UTF-16 code unit takes at most 3 bytes in UTF-8; only when that bound does not fit is
    // the exact length worth counting (a write into too little room would be cut short).
    if (this.offset + text.length * 3 > this.buf.length) {
      const need = this.offset + Buffer.byteLength(text, 'utf8');
      if (need > this.buf.length) {
        const grown = ValueWriter.alloc(Math.max(this.buf.length * 2, need));
        this.buf.copy(grown, 0, 0, this.offset);
        this.buf = grown;
      }
    }
    this.offset += this.buf.write(text, this.offset, 'utf8');
    this.ends.push(this.offset);
  }

  /** Bytes written so far. */
  get size(): number {
    return this.offset;
  }

  finish(): { values: ArrayBuffer; valueEnds: Int32Array } {
    return { values: this.buf.buffer as ArrayBuffer, valueEnds: Int32Array.from(this.ends) };
  }
}

/** The values of `PackedResults` as Buffers over the transferred memory (no copy). */
export function unpackValues(r: Pick<PackedResults, 'values' | 'valueEnds'>): Buffer[] {
  const out: Buffer[] = new Array<Buffer>(r.valueEnds.length);
  let start = 0;
  for (let i = 0; i < r.valueEnds.length; i++) {
    const end = r.valueEnds[i] as number;
    out[i] = Buffer.from(r.values, start, end - start);
    start = end;
  }
  return out;
}
