/**
 * Builds an index's data straight into shared memory. Two passes over the feeds' indicators: the
 * first counts them and their UTF-8 bytes, the second writes each one into arrays of their final
 * size. No array grows or is copied, no map or object per indicator is kept, and a source can
 * hand indicators over without making objects of them (`shared.ts` decodes the lists as stored
 * in Redis this way), so that the build's peak is the index itself and the source's text.
 *
 * Each indicator is an entry: its type and feed in parallel arrays, its value and what else it
 * has in `bytes` (`entry-bytes.ts`). IPv4 addresses are keyed in an `IntTable`, IPv6
 * addresses and networks in a `PrefixTrie`, the text lists in one table (`text-table.ts`). A
 * value in two feeds keeps the longer-lived entry (the first of two that live as long).
 */
import { parseAddress, parseNetwork, type IpNetwork } from '../core/net/ip.js';
import { HAS_DESCRIPTION, HAS_EXPIRY, HAS_ID, NEVER, expiryOf, valueStart, writeExpiry, writeLength } from './entry-bytes.js';
import { INDICATOR_TYPES, type IndicatorType } from './model.js';
import { IntTable, type IntTableData } from './int-table.js';
import { PrefixTrie, type PrefixTrieData } from './trie.js';
import { LIST_OF_TYPE, hashBytes } from './text-table.js';

/** An index as plain data over `SharedArrayBuffer`s: posting it to a worker shares the memory, it is not copied. */
export interface IndexData {
  feeds: string[];
  /** Entries: what `types`, `feedOf`, `ends` and `flags` hold one of each. */
  size: number;
  types: Uint8Array;
  feedOf: Uint16Array;
  /** Each entry's bytes, back to back (`entry-bytes.ts`). */
  bytes: Uint8Array;
  /** Where each entry's bytes end. */
  ends: Uint32Array;
  /** What each entry has besides its value: HAS_EXPIRY, HAS_ID, HAS_DESCRIPTION. */
  flags: Uint8Array;
  v4: IntTableData;
  trie: PrefixTrieData;
  /** Open addressing over the text lists' entries, -1 for an empty slot. */
  text: Int32Array;
}

/** One indicator as a source hands it over: the number of its type in `INDICATOR_TYPES`, and its fields. */
export type Visit = (
  type: number,
  value: string,
  id: string | undefined,
  validUntil: number | undefined,
  description: string | undefined,
) => void;

/** Feeds' indicators. `each` may be called more than once for a feed (a build reads every feed twice). */
export interface IndicatorSource {
  readonly feeds: readonly string[];
  each(feed: number, visit: Visit): void;
}

const TYPE_NUMBER = Object.fromEntries(INDICATOR_TYPES.map((t, k) => [t, k])) as Record<IndicatorType, number>;
export const typeNumber = (t: IndicatorType): number => TYPE_NUMBER[t];
const IP = TYPE_NUMBER.ip;
const CIDR = TYPE_NUMBER.cidr;

const shared = <A>(Ctor: new (b: SharedArrayBuffer) => A, bytes: number): A => new Ctor(new SharedArrayBuffer(bytes));

export function buildIndexData(source: IndicatorSource, now: number): IndexData {
  let entries = 0;
  let bytes = 0;
  let ips = 0;
  let texts = 0;
  const count: Visit = (type, value, id, validUntil, description) => {
    if ((validUntil ?? NEVER) <= now) return;
    entries++;
    bytes += Buffer.byteLength(value, 'utf8');
    if (validUntil !== undefined) bytes += 8;
    if (id !== undefined) bytes += 5 + Buffer.byteLength(id, 'utf8');
    if (description !== undefined) bytes += 5 + Buffer.byteLength(description, 'utf8');
    if (type === IP) ips++;
    else if (type !== CIDR) texts++;
  };
  for (let f = 0; f < source.feeds.length; f++) source.each(f, count);

  const b = new Builder(source.feeds, entries, bytes, ips, texts, now);
  for (let f = 0; f < source.feeds.length; f++) {
    b.feed = f;
    source.each(f, b.add);
  }
  return b.finish();
}

class Builder {
  feed = 0;
  private n = 0;
  private used = 0;
  private readonly types: Uint8Array;
  private readonly feedOf: Uint16Array;
  readonly bytes: Buffer;
  readonly ends: Uint32Array;
  readonly flags: Uint8Array;
  private readonly v4: IntTable;
  private readonly trie = new PrefixTrie();
  private readonly text: Int32Array;

  constructor(
    private readonly feeds: readonly string[],
    entries: number,
    bytes: number,
    ips: number,
    texts: number,
    private readonly now: number,
  ) {
    this.types = shared(Uint8Array, entries);
    this.feedOf = shared(Uint16Array, entries * 2);
    this.bytes = Buffer.from(new SharedArrayBuffer(bytes));
    this.ends = shared(Uint32Array, entries * 4);
    this.flags = shared(Uint8Array, entries);
    this.v4 = new IntTable(ips);
    let size = 16;
    while (size < texts * 2) size *= 2;
    this.text = shared(Int32Array, size * 4).fill(-1);
  }

  /** Whether an indicator that expires at `until` should replace the entry `before` (-1: none). */
  private replaces(before: number, until: number): boolean {
    return before < 0 || expiryOf(this, before) < until;
  }

  private write(s: string): void {
    this.used += this.bytes.write(s, this.used, 'utf8');
  }

  private writeSized(s: string): void {
    this.used = writeLength(this.bytes, this.used, Buffer.byteLength(s, 'utf8'));
    this.write(s);
  }

  /** Writes an entry's bytes; returns where its value starts. */
  private writeEntry(value: string, until: number, id: string | undefined, description: string | undefined): number {
    if (until !== NEVER) this.used = writeExpiry(this.bytes, this.used, until);
    if (id !== undefined) this.writeSized(id);
    if (description !== undefined) this.writeSized(description);
    const from = this.used;
    this.write(value);
    return from;
  }

  /** Makes the entry whose bytes were just written; returns its number. */
  private push(type: number, until: number, id: string | undefined, description: string | undefined): number {
    const at = this.n++;
    this.ends[at] = this.used;
    this.types[at] = type;
    this.feedOf[at] = this.feed;
    this.flags[at] =
      (until !== NEVER ? HAS_EXPIRY : 0) | (id !== undefined ? HAS_ID : 0) | (description !== undefined ? HAS_DESCRIPTION : 0);
    return at;
  }

  private network(n: IpNetwork, type: number, value: string, until: number, id?: string, description?: string): void {
    if (!this.replaces(this.trie.exact(n), until)) return;
    this.writeEntry(value, until, id, description);
    this.trie.insert(n, this.push(type, until, id, description));
  }

  readonly add: Visit = (type, value, id, validUntil, description) => {
    const until = validUntil ?? NEVER;
    if (until <= this.now) return;
    if (type === CIDR) {
      const n = parseNetwork(value.trim());
      if (n) this.network(n, type, value, until, id, description);
      return;
    }
    if (type === IP) {
      const a = parseAddress(value.trim());
      if (!a) return;
      // An IPv6 host is a /128 in the trie: looking it up then needs no canonical text.
      if (a.v6) this.network({ ...a, prefix: 128 }, type, value, until, id, description);
      else if (this.replaces(this.v4.get(a.v4), until)) {
        this.writeEntry(value, until, id, description);
        this.v4.set(a.v4, this.push(type, until, id, description));
      }
      return;
    }
    // Text lists: the entry's bytes are written first, and kept only when they make an entry.
    const start = this.used;
    const from = this.writeEntry(value, until, id, description);
    const slot = this.slotOf(LIST_OF_TYPE[type] as number, from, this.used);
    const before = this.text[slot] as number;
    if (!this.replaces(before, until)) {
      this.used = start;
      return;
    }
    this.text[slot] = this.push(type, until, id, description);
  };

  /** The slot of the text table holding `bytes[from, to)` in that list, or the empty slot where it goes. */
  private slotOf(list: number, from: number, to: number): number {
    const { text, ends, types, bytes } = this;
    const mask = text.length - 1;
    const len = to - from;
    for (let slot = hashBytes(list, bytes, from, to) & mask; ; slot = (slot + 1) & mask) {
      const entry = text[slot] as number;
      if (entry < 0) return slot;
      if (LIST_OF_TYPE[types[entry] as number] !== list) continue;
      const start = valueStart(this, entry);
      if ((ends[entry] as number) - start !== len) continue;
      let i = 0;
      while (i < len && bytes[start + i] === bytes[from + i]) i++;
      if (i === len) return slot;
    }
  }

  finish(): IndexData {
    const n = this.n;
    return {
      feeds: [...this.feeds],
      size: n,
      types: this.types.subarray(0, n),
      feedOf: this.feedOf.subarray(0, n),
      bytes: new Uint8Array(this.bytes.buffer, 0, this.used),
      ends: this.ends.subarray(0, n),
      flags: this.flags.subarray(0, n),
      v4: this.v4.data(),
      trie: this.trie.data(),
      text: this.text,
    };
  }
}
