/**
 * How an index keeps each entry's text and rarer fields: one run of bytes per entry in `bytes`,
 * entry `k` from `ends[k - 1]` (0 for the first) to `ends[k]`, holding in order its expiry (8
 * bytes, a float64 of epoch ms, when `flags` has HAS_EXPIRY), its id and its description (each a
 * LEB128 length and UTF-8, when flagged), then its value in UTF-8 up to the end. Most indicators
 * have none of the three: they cost their value's bytes and four bytes of `ends`, where an array
 * per field would cost every entry 20 bytes more.
 */
export const HAS_ID = 1;
export const HAS_DESCRIPTION = 2;
export const HAS_EXPIRY = 4;
export const NEVER = Number.POSITIVE_INFINITY;

/** What reading an entry needs. */
export interface EntryBytes {
  bytes: Uint8Array;
  ends: Uint32Array;
  flags: Uint8Array;
}

const F64 = new Float64Array(1);
const F64_BYTES = new Uint8Array(F64.buffer);

export const startOf = (d: EntryBytes, k: number): number => (k === 0 ? 0 : (d.ends[k - 1] as number));

/** Where a LEB128 length at `at` and the bytes it counts end. */
function skipSized(b: Uint8Array, at: number): number {
  let len = 0;
  let shift = 0;
  for (;;) {
    const c = b[at++] as number;
    len += (c & 127) * 2 ** shift;
    if (c < 128) return at + len;
    shift += 7;
  }
}

/** Where the entry's value starts. */
export function valueStart(d: EntryBytes, k: number): number {
  const f = d.flags[k] as number;
  let at = startOf(d, k);
  if (f === 0) return at;
  if ((f & HAS_EXPIRY) !== 0) at += 8;
  if ((f & HAS_ID) !== 0) at = skipSized(d.bytes, at);
  if ((f & HAS_DESCRIPTION) !== 0) at = skipSized(d.bytes, at);
  return at;
}

/** Epoch ms after which the entry no longer matches (NEVER: it does not expire). */
export function expiryOf(d: EntryBytes, k: number): number {
  if (((d.flags[k] as number) & HAS_EXPIRY) === 0) return NEVER;
  const at = startOf(d, k);
  for (let i = 0; i < 8; i++) F64_BYTES[i] = d.bytes[at + i] as number;
  return F64[0] as number;
}

/** The byte ranges of the entry's id and description (undefined when it has none), and of its value. */
export function rangesOf(d: EntryBytes, k: number): { id?: [number, number]; description?: [number, number]; value: [number, number] } {
  const f = d.flags[k] as number;
  let at = startOf(d, k) + ((f & HAS_EXPIRY) !== 0 ? 8 : 0);
  const sized = (): [number, number] => {
    const end = skipSized(d.bytes, at);
    let from = at;
    while ((d.bytes[from] as number) >= 128) from++;
    at = end;
    return [from + 1, end];
  };
  const id = (f & HAS_ID) !== 0 ? sized() : undefined;
  const description = (f & HAS_DESCRIPTION) !== 0 ? sized() : undefined;
  return { ...(id && { id }), ...(description && { description }), value: [at, d.ends[k] as number] };
}

/** Writes an expiry at `at` of `b`; returns where it ends. */
export function writeExpiry(b: Uint8Array, at: number, until: number): number {
  F64[0] = until;
  b.set(F64_BYTES, at);
  return at + 8;
}

/** Writes a LEB128 length at `at` of `b`; returns where it ends. */
export function writeLength(b: Uint8Array, at: number, len: number): number {
  while (len >= 128) {
    b[at++] = (len & 127) | 128;
    len = Math.floor(len / 128);
  }
  b[at++] = len;
  return at;
}
