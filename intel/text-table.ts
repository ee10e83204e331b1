/**
 * The text lists (domains, URLs, hashes, emails) of an index in one open-addressing table of
 * entry numbers, keyed by list and the UTF-8 bytes of each value as the index stores them: no
 * string object per indicator, and a table another thread reads in place. Probes compare bytes
 * where the index keeps them (`entry-bytes.ts`).
 */
import { valueStart, type EntryBytes } from './entry-bytes.js';
import { INDICATOR_TYPES, LIST_OF, type IntelList } from './model.js';

export const LIST_NUMBER: Readonly<Record<IntelList, number>> = { ip: 0, domain: 1, url: 2, hash: 3, email: 4 };

/** The list number of each indicator type number. */
export const LIST_OF_TYPE = Uint8Array.from(INDICATOR_TYPES, (t) => LIST_NUMBER[LIST_OF[t]]);

/** FNV-1a over a list number and bytes. */
export function hashBytes(list: number, b: Uint8Array, from: number, to: number): number {
  let h = (0x811c9dc5 ^ list) >>> 0;
  for (let i = from; i < to; i++) h = Math.imul(h ^ (b[i] as number), 0x01000193);
  return h >>> 0;
}

/** What a probe reads: the index's entries, their types, and the table. */
export interface TextTableView extends EntryBytes {
  types: Uint8Array;
  text: Int32Array;
}

/** The entry whose value is `key[0, len)` in list `list`, or -1. */
export function findBytes(d: TextTableView, list: number, key: Uint8Array, len: number): number {
  const { text, ends, types, bytes } = d;
  const mask = text.length - 1;
  for (let slot = hashBytes(list, key, 0, len) & mask; ; slot = (slot + 1) & mask) {
    const entry = text[slot] as number;
    if (entry < 0) return -1;
    if (LIST_OF_TYPE[types[entry] as number] !== list) continue;
    const from = valueStart(d, entry);
    if ((ends[entry] as number) - from !== len) continue;
    let i = 0;
    while (i < len && bytes[from + i] === key[i]) i++;
    if (i === len) return entry;
  }
}

/**
 * The same as `findBytes` for a key given as a string of ASCII characters (each one byte in
 * UTF-8), without encoding it: events' values are nearly always ASCII, and encoding is a call
 * into the runtime per lookup. Returns -2 when the key is not all ASCII.
 */
export function findAscii(d: TextTableView, list: number, key: string): number {
  const len = key.length;
  let h = (0x811c9dc5 ^ list) >>> 0;
  for (let i = 0; i < len; i++) {
    const c = key.charCodeAt(i);
    if (c > 127) return -2;
    h = Math.imul(h ^ c, 0x01000193);
  }
  const { text, ends, types, bytes } = d;
  const mask = text.length - 1;
  for (let slot = (h >>> 0) & mask; ; slot = (slot + 1) & mask) {
    const entry = text[slot] as number;
    if (entry < 0) return -1;
    if (LIST_OF_TYPE[types[entry] as number] !== list) continue;
    const from = valueStart(d, entry);
    if ((ends[entry] as number) - from !== len) continue;
    let i = 0;
    while (i < len && bytes[from + i] === key.charCodeAt(i)) i++;
    if (i === len) return entry;
  }
}
