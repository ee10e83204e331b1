/**
 * BinXML value types (MS-EVEN6 §2.2.18) decoded to the JSON values evtx_dump writes: integers as
 * numbers, hex integers as `0x…` strings, GUIDs as Windows prints them (`{lower-case}`), times as
 * ISO 8601 with the seven digits of 100 ns a FILETIME counts, binary as upper-case hex, SIDs as
 * `S-1-…`, arrays as JSON arrays.
 */
import { EvtxFormatError } from './errors.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export const T_NULL = 0x00;
export const T_STRING = 0x01;
export const T_BINXML = 0x21;
const ARRAY = 0x80;

/** Seconds from 1601-01-01 (FILETIME's epoch) to 1970-01-01. */
const UNIX_EPOCH_SECONDS = 11644473600;
const DAY_MS = 86400000;

const pad = (n: number, w: number): string => String(n).padStart(w, '0');
const TWO = Array.from({ length: 100 }, (_, i) => pad(i, 2));

/** Buffer's own slice methods, which `toString(encoding, …)` reaches after checks its callers here have made. */
type Slicing = Buffer & { ucs2Slice(start: number, end: number): string };
/** `buf.toString('utf16le', start, end)` without the dispatch (start and end within the buffer). */
export function ucs2(buf: Buffer, start: number, end: number): string {
  const e = Math.min(end, buf.length);
  return start >= e ? '' : (buf as Slicing).ucs2Slice(start, e);
}

/** The date part of the last day formatted, as times of one log fall on few days. */
let lastDay = NaN;
let lastDate = '';

/** `ms`: whole seconds since 1970 in milliseconds; `ticks`: the fraction of the second in 100 ns. */
function iso(ms: number, ticks: number): string {
  const day = Math.floor(ms / DAY_MS);
  if (day !== lastDay) {
    const d = new Date(day * DAY_MS);
    if (Number.isNaN(d.getTime()) || Number.isNaN(new Date(ms).getTime())) throw new EvtxFormatError(`a time out of range (${ms} ms)`);
    lastDate = `${pad(d.getUTCFullYear(), 4)}-${TWO[d.getUTCMonth() + 1] as string}-${TWO[d.getUTCDate()] as string}T`;
    lastDay = day;
  }
  const s = (ms - day * DAY_MS) / 1000;
  const h = Math.floor(s / 3600);
  const m = Math.floor(s / 60) % 60;
  return `${lastDate}${TWO[h] as string}:${TWO[m] as string}:${TWO[s % 60] as string}.${pad(ticks, 7)}Z`;
}

/** A FILETIME (100 ns since 1601, UTC) as evtx_dump prints it: `2016-07-08T18:12:51.6816408Z`. */
export function fileTime(buf: Buffer, at: number): string {
  const lo = buf.readUInt32LE(at);
  const hi = buf.readUInt32LE(at + 4);
  // ticks = a·2^48 + b·2^32 + lo, split so that every step is an exact integer below 2^53:
  // 2^48 = 28147497·10^7 + 6710656 and 2^32 = 429·10^7 + 4967296.
  const a = Math.floor(hi / 65536);
  const b = hi % 65536;
  const rest = a * 6710656 + b * 4967296 + lo;
  const seconds = a * 28147497 + b * 429 + Math.floor(rest / 10000000);
  return iso((seconds - UNIX_EPOCH_SECONDS) * 1000, rest % 10000000);
}

/** A SYSTEMTIME (year, month, weekday, day, hour, minute, second, milliseconds as u16). */
function sysTime(buf: Buffer, at: number): string {
  const ms = Date.UTC(
    buf.readUInt16LE(at),
    buf.readUInt16LE(at + 2) - 1,
    buf.readUInt16LE(at + 6),
    buf.readUInt16LE(at + 8),
    buf.readUInt16LE(at + 10),
    buf.readUInt16LE(at + 12),
    0,
  );
  return iso(ms, buf.readUInt16LE(at + 14) * 10000);
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).toUpperCase().padStart(2, '0'));

function hexUpper(buf: Buffer, at: number, len: number): string {
  let s = '';
  for (let i = 0; i < len; i++) s += HEX[buf[at + i] as number];
  return s;
}

const HEX_LOWER = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const hx = (b: Buffer, i: number): string => HEX_LOWER[b[i] as number] as string;

/** `{d1-d2-d3-d4[0..2]-d4[2..8]}`, lower case, data1–3 little-endian. */
export function guid(b: Buffer, at: number): string {
  return `{${hx(b, at + 3)}${hx(b, at + 2)}${hx(b, at + 1)}${hx(b, at)}-${hx(b, at + 5)}${hx(b, at + 4)}-${hx(b, at + 7)}${hx(b, at + 6)}-${hx(b, at + 8)}${hx(b, at + 9)}-${hx(b, at + 10)}${hx(b, at + 11)}${hx(b, at + 12)}${hx(b, at + 13)}${hx(b, at + 14)}${hx(b, at + 15)}}`;
}

/** A SID: revision, sub-authority count, 48-bit big-endian authority, u32 sub-authorities. */
function sid(buf: Buffer, at: number, len: number): string {
  if (len < 8) throw new EvtxFormatError(`a SID of ${len} bytes`);
  const count = buf[at + 1] as number;
  if (8 + 4 * count > len) throw new EvtxFormatError(`a SID claiming ${count} sub-authorities in ${len} bytes`);
  const authority = buf.readUIntBE(at + 2, 6);
  let s = `S-${buf[at] as number}-${authority}`;
  for (let i = 0; i < count; i++) s += `-${buf.readUInt32LE(at + 8 + 4 * i)}`;
  return s;
}

const hex = (v: number): string => `0x${v.toString(16)}`;

/** Text of UTF-16LE code units, cut at the first NUL (substitution strings are often NUL-terminated). */
export function utf16(buf: Buffer, at: number, bytes: number): string {
  const s = ucs2(buf, at, at + (bytes & ~1));
  const nul = s.indexOf('\0');
  return nul === -1 ? s : s.slice(0, nul);
}

/** The shortest decimal that reads back as the same float32, as Rust prints an f32 (0.1, not 0.10000000149011612). */
function float32(x: number): number {
  if (!Number.isFinite(x)) return x;
  for (let p = 1; p < 9; p++) {
    const y = Number(x.toPrecision(p));
    if (Math.fround(y) === x) return y;
  }
  return x;
}

/**
 * A 64-bit integer as a JSON number (exact up to 2^53, as serde_json's u64 is not; rare in logs):
 * hi·2^32 is exact and the sum is rounded once, as Number(bigint) rounds.
 */
const u64 = (buf: Buffer, at: number): number => buf.readUInt32LE(at + 4) * 0x100000000 + buf.readUInt32LE(at);
const i64 = (buf: Buffer, at: number): number => buf.readInt32LE(at + 4) * 0x100000000 + buf.readUInt32LE(at);
/** A 64-bit integer as `0x…` hex, no leading zeros. */
function hex64(buf: Buffer, at: number): string {
  const hi = buf.readUInt32LE(at + 4);
  const lo = buf.readUInt32LE(at).toString(16);
  return hi === 0 ? `0x${lo}` : `0x${hi.toString(16)}${lo.padStart(8, '0')}`;
}

/** The byte size of one element of a fixed-size type, or 0 for variable-size types. */
function fixedSize(type: number, len: number): number {
  switch (type) {
    case 0x03:
    case 0x04:
      return 1;
    case 0x05:
    case 0x06:
      return 2;
    case 0x07:
    case 0x08:
    case 0x0b:
    case 0x0d:
    case 0x14:
      return 4;
    case 0x09:
    case 0x0a:
    case 0x0c:
    case 0x11:
    case 0x15:
      return 8;
    case 0x0f:
    case 0x12:
      return 16;
    case 0x10:
      return len === 4 ? 4 : 8;
    default:
      return 0;
  }
}

function scalar(type: number, buf: Buffer, at: number, len: number): JsonValue {
  switch (type) {
    case T_NULL:
      return null;
    case T_STRING:
      return utf16(buf, at, len);
    case 0x02: {
      const s = buf.toString('latin1', at, at + len);
      const nul = s.indexOf('\0');
      return nul === -1 ? s : s.slice(0, nul);
    }
    case 0x03:
      return buf.readInt8(at);
    case 0x04:
      return buf.readUInt8(at);
    case 0x05:
      return buf.readInt16LE(at);
    case 0x06:
      return buf.readUInt16LE(at);
    case 0x07:
      return buf.readInt32LE(at);
    case 0x08:
      return buf.readUInt32LE(at);
    case 0x09:
      return i64(buf, at);
    case 0x0a:
      return u64(buf, at);
    // Floats are text in evtx_dump's JSON, not numbers.
    case 0x0b:
      return String(float32(buf.readFloatLE(at)));
    case 0x0c:
      return String(buf.readDoubleLE(at));
    case 0x0d: {
      const v = buf.readInt32LE(at);
      return v === 0 ? false : v === 1 ? true : v;
    }
    case 0x0e:
      return hexUpper(buf, at, len);
    case 0x0f:
      return guid(buf, at);
    case 0x10:
      return len === 4 ? hex(buf.readUInt32LE(at)) : hex64(buf, at);
    case 0x11:
      return fileTime(buf, at);
    case 0x12:
      return sysTime(buf, at);
    case 0x13:
      return sid(buf, at, len);
    case 0x14:
      return hex(buf.readUInt32LE(at));
    case 0x15:
      return hex64(buf, at);
    default:
      throw new EvtxFormatError(`value type 0x${type.toString(16)} is not one BinXML defines`);
  }
}

/**
 * A substitution value of `len` bytes at `at` (T_BINXML is read by the caller). Arrays of strings
 * are NUL-separated; arrays of SIDs are packed back to back; other arrays are of fixed-size items.
 */
export function decodeValue(type: number, buf: Buffer, at: number, len: number): JsonValue {
  if (at + len > buf.length) throw new EvtxFormatError(`a value of ${len} bytes runs past the chunk`);
  if ((type & ARRAY) === 0) {
    const size = fixedSize(type, len);
    if (size > 0 && len < size) throw new EvtxFormatError(`a value of type 0x${type.toString(16)} in ${len} bytes`);
    return scalar(type, buf, at, len);
  }
  const base = type & ~ARRAY;
  if (base === T_STRING) {
    const s = ucs2(buf, at, at + (len & ~1));
    const items = s.split('\0');
    if (items[items.length - 1] === '') items.pop();
    return items;
  }
  if (base === 0x02) {
    const items = buf.toString('latin1', at, at + len).split('\0');
    if (items[items.length - 1] === '') items.pop();
    return items;
  }
  const out: JsonValue[] = [];
  if (base === 0x13) {
    for (let p = at; p + 8 <= at + len;) {
      const n = 8 + 4 * (buf[p + 1] as number);
      out.push(sid(buf, p, Math.min(n, at + len - p)));
      p += n;
    }
    return out;
  }
  const size = fixedSize(base, 8);
  if (size === 0) throw new EvtxFormatError(`an array of value type 0x${base.toString(16)}`);
  for (let p = at; p + size <= at + len; p += size) out.push(scalar(base, buf, p, size));
  return out;
}

/** A value as text, for element text made of several pieces and for XML-style joins. */
export function valueText(v: JsonValue): string {
  if (v === null) return '';
  if (Array.isArray(v)) return v.map(valueText).join(',');
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}
