/**
 * An indicator index copied into shared memory, for the frame worker threads: each opens it with
 * `SharedIndicatorIndex` and looks values up in place, so N workers hold one copy of the lists
 * rather than N rebuilt indexes (an index of a million indicators is some 170 MB). The IPv4
 * table and the prefix tries are the index's own typed arrays copied as they are; the text lists
 * (domains, URLs, hashes, emails), `Map`s in the index, become one open-addressing table of
 * entry numbers keyed by the UTF-8 bytes of each value. Lookups take the same steps as the
 * index's (`findIp`, `textKey`), so both answer alike (`shared-index.test.ts`).
 */
import { INDICATOR_TYPES, LIST_OF, type IndicatorType, type IntelList } from './model.js';
import { IntTable, type IntTableData } from './int-table.js';
import { findIp, textKey, type IndicatorIndex, type IndicatorLookup, type IntelMatch, type TextList } from './store.js';
import { PrefixTrie, type PrefixTrieData } from './trie.js';

/** Plain data over `SharedArrayBuffer`s: posting it to a worker shares the memory, it is not copied. */
export interface SharedIndexData {
  feeds: string[];
  types: Uint8Array;
  feedOf: Uint16Array;
  expires: Float64Array;
  /** Each entry's value, id and description as UTF-8, back to back. */
  bytes: Uint8Array;
  /** End offset in `bytes` of each entry's value, id and description (three per entry). */
  ends: Uint32Array;
  /** Bit 0: the entry has an id; bit 1: a description. */
  flags: Uint8Array;
  v4: IntTableData;
  trie: PrefixTrieData;
  /** Open addressing over every text-list entry, -1 for an empty slot. */
  text: Int32Array;
}

const HAS_ID = 1;
const HAS_DESCRIPTION = 2;
const NEVER = Number.POSITIVE_INFINITY;

function sharedCopy<A extends Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array>(a: A): A {
  const Ctor = a.constructor as new (b: SharedArrayBuffer) => A;
  const out = new Ctor(new SharedArrayBuffer(a.byteLength));
  out.set(a as never);
  return out;
}

/** FNV-1a over a list number and bytes. */
function hash(list: number, b: Uint8Array, from: number, to: number): number {
  let h = (0x811c9dc5 ^ list) >>> 0;
  for (let i = from; i < to; i++) h = Math.imul(h ^ (b[i] as number), 0x01000193);
  return h >>> 0;
}

const TEXT_LISTS: readonly TextList[] = ['domain', 'url', 'hash', 'email'];
const listNumber = (l: IntelList) => INTEL_LIST_NUMBER[l];
const INTEL_LIST_NUMBER: Record<IntelList, number> = { ip: 0, domain: 1, url: 2, hash: 3, email: 4 };

// One copy per index, whatever the number of inputs whose workers take it.
const copies = new WeakMap<IndicatorIndex, SharedIndexData>();

/** The index in shared memory (built once per index, on first ask). */
export function shareIndex(index: IndicatorIndex): SharedIndexData {
  let data = copies.get(index);
  if (!data) copies.set(index, (data = build(index)));
  return data;
}

function build(index: IndicatorIndex): SharedIndexData {
  const p = index.parts();
  const n = p.values.length;
  const ends = new Uint32Array(new SharedArrayBuffer(Math.max(1, 3 * n) * 4));
  const flags = new Uint8Array(new SharedArrayBuffer(Math.max(1, n)));
  const strings: string[] = new Array<string>(3 * n);
  let total = 0;
  for (let k = 0; k < n; k++) {
    const meta = p.meta.get(k);
    strings[3 * k] = p.values[k] as string;
    strings[3 * k + 1] = meta?.id ?? '';
    strings[3 * k + 2] = meta?.description ?? '';
    flags[k] = (meta?.id !== undefined ? HAS_ID : 0) | (meta?.description !== undefined ? HAS_DESCRIPTION : 0);
    for (let j = 3 * k; j < 3 * k + 3; j++) total += Buffer.byteLength(strings[j] as string, 'utf8');
  }
  const bytes = Buffer.from(new SharedArrayBuffer(Math.max(1, total)));
  let at = 0;
  strings.forEach((s, j) => {
    at += bytes.write(s, at, 'utf8');
    ends[j] = at;
  });

  let textCount = 0;
  for (const l of TEXT_LISTS) textCount += p.text[l].size;
  let size = 16;
  while (size < textCount * 2) size *= 2;
  const text = new Int32Array(new SharedArrayBuffer(size * 4)).fill(-1);
  for (const l of TEXT_LISTS) {
    for (const entry of p.text[l].values()) {
      const from = entry === 0 ? 0 : (ends[3 * entry - 1] as number);
      let slot = hash(listNumber(l), bytes, from, ends[3 * entry] as number) & (size - 1);
      while ((text[slot] as number) >= 0) slot = (slot + 1) & (size - 1);
      text[slot] = entry;
    }
  }

  const v4 = p.v4.data();
  const trie = p.trie.data();
  const bitTrie = (t: PrefixTrieData['v4']) => ({
    zero: sharedCopy(t.zero.subarray(0, t.nodes)),
    one: sharedCopy(t.one.subarray(0, t.nodes)),
    value: sharedCopy(t.value.subarray(0, t.nodes)),
    nodes: t.nodes,
  });
  return {
    feeds: [...p.feeds],
    types: sharedCopy(p.types.subarray(0, n)),
    feedOf: sharedCopy(p.feedOf.subarray(0, n)),
    expires: sharedCopy(p.expires.subarray(0, n)),
    bytes: new Uint8Array(bytes.buffer, 0, bytes.length),
    ends,
    flags,
    v4: { keys: sharedCopy(v4.keys), values: sharedCopy(v4.values), count: v4.count },
    trie: { v4: bitTrie(trie.v4), v6: bitTrie(trie.v6), count: trie.count },
    text,
  };
}

/** A thread's view of an index in shared memory: the same lookups as `IndicatorIndex`, nothing copied. */
export class SharedIndicatorIndex implements IndicatorLookup {
  private readonly v4: IntTable;
  private readonly trie: PrefixTrie;
  private readonly buf: Buffer;
  private readonly mask: number;
  /** A value's UTF-8 bytes while it is looked up (one thread, no allocation per lookup). */
  private scratch = Buffer.allocUnsafeSlow(256);

  constructor(private readonly d: SharedIndexData) {
    this.v4 = IntTable.over(d.v4);
    this.trie = PrefixTrie.over(d.trie);
    this.buf = Buffer.from(d.bytes.buffer, d.bytes.byteOffset, d.bytes.byteLength);
    this.mask = d.text.length - 1;
  }

  get size(): number {
    return this.d.types.length;
  }

  private string(j: number): string {
    return this.buf.toString('utf8', j === 0 ? 0 : this.d.ends[j - 1], this.d.ends[j]);
  }

  private findText(list: TextList, value: string): number {
    const key = textKey(list, value);
    if (key.length * 3 > this.scratch.length) this.scratch = Buffer.allocUnsafeSlow(key.length * 3);
    const len = this.scratch.write(key, 0, 'utf8');
    const { text, ends, types } = this.d;
    const bytes = this.d.bytes;
    const l = listNumber(list);
    for (let slot = hash(l, this.scratch, 0, len) & this.mask; ; slot = (slot + 1) & this.mask) {
      const entry = text[slot] as number;
      if (entry < 0) return -1;
      if (LIST_OF[INDICATOR_TYPES[types[entry] as number] as IndicatorType] !== list) continue;
      const from = entry === 0 ? 0 : (ends[3 * entry - 1] as number);
      if ((ends[3 * entry] as number) - from !== len) continue;
      let same = true;
      for (let i = 0; i < len && same; i++) same = bytes[from + i] === this.scratch[i];
      if (same) return entry;
    }
  }

  private find(list: IntelList, value: string, now: number): number {
    const at = list === 'ip' ? findIp(this.v4, this.trie, value) : this.findText(list, value);
    return at >= 0 && (this.d.expires[at] as number) > now ? at : -1;
  }

  has(list: IntelList, value: unknown, now = Date.now()): boolean {
    return typeof value === 'string' && this.find(list, value, now) >= 0;
  }

  match(list: IntelList, value: unknown, now = Date.now()): IntelMatch | undefined {
    if (typeof value !== 'string') return undefined;
    const at = this.find(list, value, now);
    if (at < 0) return undefined;
    const { expires, flags, feedOf, types, feeds } = this.d;
    const until = expires[at] as number;
    const f = flags[at] as number;
    return {
      feed: feeds[feedOf[at] as number] as string,
      indicator: {
        type: INDICATOR_TYPES[types[at] as number] as IndicatorType,
        value: this.string(3 * at),
        ...((f & HAS_ID) !== 0 && { id: this.string(3 * at + 1) }),
        ...((f & HAS_DESCRIPTION) !== 0 && { description: this.string(3 * at + 2) }),
        ...(until !== NEVER && { validUntil: until }),
      },
    };
  }
}
