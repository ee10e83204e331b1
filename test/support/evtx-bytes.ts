/**
 * Builds BinXML token sequences, records and whole `.evtx` files by hand, byte by byte as MS-EVEN6
 * lays them out, for the reader's unit tests and the synthetic fixture (test/fixtures/evtx/).
 */
import { crc32 } from 'node:zlib';

/** Writes tokens into a chunk-sized buffer from offset 512; offsets it returns are chunk offsets. */
export class Bytes {
  readonly buf = Buffer.alloc(65536);
  pos = 512;
  private readonly names = new Map<string, number>();
  private readonly records: number[] = [];
  private lastStart = 512;
  u8(v: number): this {
    this.buf.writeUInt8(v, this.pos);
    this.pos += 1;
    return this;
  }
  u16(v: number): this {
    this.buf.writeUInt16LE(v, this.pos);
    this.pos += 2;
    return this;
  }
  u32(v: number): this {
    this.buf.writeUInt32LE(v, this.pos);
    this.pos += 4;
    return this;
  }
  raw(b: Buffer | number[]): this {
    Buffer.from(b).copy(this.buf, this.pos);
    this.pos += b.length;
    return this;
  }
  utf16(s: string): this {
    return this.raw(Buffer.from(s, 'utf16le'));
  }
  /** A name reference: inline the first time a name is written, by offset after that. */
  name(s: string): this {
    const known = this.names.get(s);
    if (known !== undefined) return this.u32(known);
    const at = this.pos + 4;
    this.names.set(s, at);
    return this.u32(at).u32(0).u16(0).u16(s.length).utf16(s).u16(0);
  }
  fragmentHeader(): this {
    return this.u8(0x0f).u8(1).u8(1).u8(0);
  }
  /** An element start; `dep` in template definitions, which carry a dependency id (a number: that substitution's index). */
  open(name: string, opts: { attrs?: boolean; dep?: boolean | number } = {}): this {
    this.u8(opts.attrs ? 0x41 : 0x01);
    if (typeof opts.dep === 'number') this.u16(opts.dep);
    else if (opts.dep) this.u16(0xffff);
    this.u32(0).name(name);
    return opts.attrs ? this.u32(0) : this;
  }
  attr(name: string, more = false): this {
    return this.u8(more ? 0x46 : 0x06).name(name);
  }
  text(s: string): this {
    return this.u8(0x05).u8(0x01).u16(s.length).utf16(s);
  }
  sub(id: number, type: number, optional = false): this {
    return this.u8(optional ? 0x0e : 0x0d)
      .u16(id)
      .u8(type);
  }
  closeStart(): this {
    return this.u8(0x02);
  }
  end(): this {
    return this.u8(0x04);
  }
  empty(): this {
    return this.u8(0x03);
  }
  eof(): this {
    return this.u8(0x00);
  }
  /** A template instance whose definition `body` writes (inline), or refers to one at `defOffset`. */
  instance(body: ((b: this) => void) | number, values: [type: number, bytes: Buffer][]): number {
    this.u8(0x0c).u8(1).u32(0x1234);
    let def: number;
    if (typeof body === 'number') {
      def = body;
      this.u32(def);
    } else {
      def = this.pos + 4;
      this.u32(def).u32(0).raw(Buffer.alloc(16, 7));
      const sizeAt = this.pos;
      this.u32(0);
      const start = this.pos;
      this.fragmentHeader();
      body(this);
      this.eof();
      this.buf.writeUInt32LE(this.pos - start, sizeAt);
    }
    this.u32(values.length);
    for (const [type, b] of values) this.u16(b.length).u8(type).u8(0);
    for (const [, b] of values) this.raw(b);
    return def;
  }
  /** A record (MS-EVEN6 §2.2.3): signature, size, id, written time, the BinXML `body` writes, size again. */
  record(id: number, body: (b: this) => void): this {
    const start = this.pos;
    this.lastStart = start;
    this.u32(0x2a2a)
      .u32(0)
      .raw(le64(BigInt(id)))
      .raw(FILETIME);
    body(this);
    this.u32(this.pos - start + 4);
    this.buf.writeUInt32LE(this.pos - start, start + 4);
    this.records.push(id);
    return this;
  }
  /** A whole `.evtx` file: file header and this one chunk, every count, offset and CRC32 filled in. */
  file(): Buffer {
    const c = Buffer.from(this.buf);
    c.write('ElfChnk\0', 0, 'latin1');
    const first = BigInt(this.records[0] ?? 1);
    const last = BigInt(this.records[this.records.length - 1] ?? 0);
    c.writeBigUInt64LE(first, 8);
    c.writeBigUInt64LE(last, 16);
    c.writeBigUInt64LE(first, 24);
    c.writeBigUInt64LE(last, 32);
    c.writeUInt32LE(128, 40);
    c.writeUInt32LE(this.lastRecord, 44);
    c.writeUInt32LE(this.pos, 48);
    c.writeUInt32LE(crc32(c.subarray(512, this.pos)), 52);
    c.writeUInt32LE(crc32(c.subarray(128, 512), crc32(c.subarray(0, 120))), 124);
    const h = Buffer.alloc(4096);
    h.write('ElfFile\0', 0, 'latin1');
    h.writeBigUInt64LE(0n, 8);
    h.writeBigUInt64LE(0n, 16);
    h.writeBigUInt64LE(last + 1n, 24);
    h.writeUInt32LE(128, 32);
    h.writeUInt16LE(1, 36);
    h.writeUInt16LE(3, 38);
    h.writeUInt16LE(4096, 40);
    h.writeUInt16LE(1, 42);
    h.writeUInt32LE(crc32(h.subarray(0, 120)), 124);
    return Buffer.concat([h, c]);
  }
  private get lastRecord(): number {
    return this.lastStart;
  }
}

export const le16 = (...v: number[]): Buffer => Buffer.from(new Uint16Array(v).buffer);
export const le32 = (v: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v);
  return b;
};
export const le64 = (v: bigint): Buffer => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(v);
  return b;
};
export const str = (s: string): Buffer => Buffer.from(`${s}\0`, 'utf16le');
/** S-1-5-21-1-2-3-500: revision 1, 5 sub-authorities, authority 5 (48-bit big-endian). */
export const SID = Buffer.concat([Buffer.from([1, 5, 0, 0, 0, 0, 0, 5]), ...[21, 1, 2, 3, 500].map(le32)]);
export const GUID = Buffer.from('2596845478549449a5ba3e3b0328c30d', 'hex');
/** 2016-07-08T18:12:51.6816408Z as a FILETIME. */
export const FILETIME = le64(131124751716816408n);
/** 2021-03-04 05:06:07.089 as a SYSTEMTIME (year, month, weekday, day, h, m, s, ms). */
export const SYSTEMTIME = le16(2021, 3, 4, 4, 5, 6, 7, 89);
