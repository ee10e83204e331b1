/**
 * The indicator index: what `builder.ts` made, in shared memory, and the lookups over it. IPv4
 * addresses are one probe of an `IntTable`, networks and IPv6 addresses at most 32/128 steps of a
 * `PrefixTrie` (longest match), domains, URLs, hashes and emails one probe of a table keyed by
 * their UTF-8 bytes. The same data serves this thread, the `intel` Sigma modifier and ingest's
 * frame worker threads (`shared-index.ts`): one copy per process, some 50 MB for a million
 * indicators. An index is immutable once built; a refresh builds a new one and `IntelStore`
 * swaps it in whole, so that readers never see half a list.
 */
import { mappedV4, parseIPv4, parseIPv6 } from '../core/net/ip.js';
import { INDICATOR_TYPES, type FeedList, type Indicator, type IndicatorType, type IntelList } from './model.js';
import { normalizeDomain, normalizeUrl } from './normalize.js';
import { buildIndexData, typeNumber, type IndexData, type IndicatorSource } from './builder.js';
import { NEVER, expiryOf, rangesOf } from './entry-bytes.js';
import { IntTable } from './int-table.js';
import { LIST_NUMBER, findAscii, findBytes } from './text-table.js';
import { PrefixTrie } from './trie.js';

export type { IndexData, IndicatorSource } from './builder.js';

/** What a value matched: the indicator and the feed it came from. */
export interface IntelMatch {
  readonly feed: string;
  readonly indicator: Indicator;
}

export type TextList = Exclude<IntelList, 'ip'>;

/** What enrichment needs of an index. */
export interface IndicatorLookup {
  readonly size: number;
  match(list: IntelList, value: unknown, now?: number): IntelMatch | undefined;
}

/** Feed lists as objects, as a source for a build. */
export function listSource(lists: readonly FeedList[]): IndicatorSource {
  return {
    feeds: lists.map((l) => l.feed),
    each(feed, visit) {
      for (const i of (lists[feed] as FeedList).indicators) visit(typeNumber(i.type), i.value, i.id, i.validUntil, i.description);
    },
  };
}

export class IndicatorIndex implements IndicatorLookup {
  private readonly v4: IntTable;
  private readonly trie: PrefixTrie;
  private readonly buf: Buffer;
  /** A non-ASCII value's UTF-8 bytes while it is looked up (one thread, no allocation per lookup). */
  private scratch = Buffer.allocUnsafeSlow(256);

  /** Opens an index's data, on this thread or on another one it was posted to. */
  constructor(readonly data: IndexData) {
    this.v4 = IntTable.over(data.v4);
    this.trie = PrefixTrie.over(data.trie);
    this.buf = Buffer.from(data.bytes.buffer, data.bytes.byteOffset, data.bytes.byteLength);
  }

  /** Every feed's indicators; what has expired by `now` is left out, a value in two feeds keeps the longer-lived. */
  static build(lists: readonly FeedList[], now = Date.now()): IndicatorIndex {
    return IndicatorIndex.from(listSource(lists), now);
  }

  /** The same from any source of indicators (`shared.ts` decodes the stored lists without making objects of them). */
  static from(source: IndicatorSource, now = Date.now()): IndicatorIndex {
    return new IndicatorIndex(buildIndexData(source, now));
  }

  private findText(list: TextList, value: string): number {
    const key = textKey(list, value);
    const l = LIST_NUMBER[list];
    const at = findAscii(this.data, l, key);
    if (at !== -2) return at;
    if (key.length * 3 > this.scratch.length) this.scratch = Buffer.allocUnsafeSlow(key.length * 3);
    return findBytes(this.data, l, this.scratch, this.scratch.write(key, 0, 'utf8'));
  }

  /** The entry a value hits in a list, or -1 (expired entries miss). */
  private find(list: IntelList, value: string, now: number): number {
    const at = list === 'ip' ? findIp(this.v4, this.trie, value) : this.findText(list, value);
    return at >= 0 && expiryOf(this.data, at) > now ? at : -1;
  }

  /** Whether the value is a live indicator of the list. Anything but a string misses. */
  has(list: IntelList, value: unknown, now = Date.now()): boolean {
    return typeof value === 'string' && this.find(list, value, now) >= 0;
  }

  private string([from, to]: [number, number]): string {
    return this.buf.toString('utf8', from, to);
  }

  /** The live indicator the value is (for `ip`, the address or the longest network holding it), with its feed. */
  match(list: IntelList, value: unknown, now = Date.now()): IntelMatch | undefined {
    if (typeof value !== 'string') return undefined;
    const at = this.find(list, value, now);
    if (at < 0) return undefined;
    const { feedOf, types, feeds } = this.data;
    const until = expiryOf(this.data, at);
    const r = rangesOf(this.data, at);
    return {
      feed: feeds[feedOf[at] as number] as string,
      indicator: {
        type: INDICATOR_TYPES[types[at] as number] as IndicatorType,
        value: this.string(r.value),
        ...(r.id && { id: this.string(r.id) }),
        ...(r.description && { description: this.string(r.description) }),
        ...(until !== NEVER && { validUntil: until }),
      },
    };
  }

  /** Entries indexed. */
  get size(): number {
    return this.data.size;
  }

  /** Bytes of memory the index holds. */
  get bytes(): number {
    const d = this.data;
    const arrays = [d.types, d.feedOf, d.bytes, d.ends, d.flags, d.v4.keys, d.v4.values, d.text];
    for (const t of [d.trie.v4, d.trie.v6]) arrays.push(t.zero, t.one, t.value);
    return arrays.reduce((n, a) => n + a.byteLength, 0);
  }

  /** Entries indexed, by type. */
  counts(): Partial<Record<IndicatorType, number>> {
    const out: Partial<Record<IndicatorType, number>> = {};
    for (let k = 0; k < this.data.size; k++) {
      const t = INDICATOR_TYPES[this.data.types[k] as number] as IndicatorType;
      out[t] = (out[t] ?? 0) + 1;
    }
    return out;
  }
}

/** Lookups parse IPv6 text here: one thread, no allocation per lookup. */
const SCRATCH = new Uint16Array(8);

/** The entry an address (or the longest network holding it) points at, or -1; anything but an address misses. */
export function findIp(v4Table: IntTable, trie: PrefixTrie, value: string): number {
  const v4 = parseIPv4(value);
  if (v4 >= 0) {
    const at = v4Table.get(v4);
    return at >= 0 ? at : trie.longestV4(v4);
  }
  if (!parseIPv6(value, SCRATCH)) return -1;
  const mapped = mappedV4(SCRATCH);
  if (mapped < 0) return trie.longestV6(SCRATCH);
  const at = v4Table.get(mapped);
  return at >= 0 ? at : trie.longestV4(mapped);
}

/** The text a value of a list other than `ip` is keyed by. */
export function textKey(list: TextList, value: string): string {
  switch (list) {
    case 'domain':
      return normalizeDomain(value);
    case 'url':
      return normalizeUrl(value);
    default:
      return lowerTrimmed(value);
  }
}

/** Lower case without a copy when it already is, trimmed only when it needs to be. */
function lowerTrimmed(s: string): string {
  const t = s.length > 0 && (s.charCodeAt(0) <= 32 || s.charCodeAt(s.length - 1) <= 32) ? s.trim() : s;
  return t.toLowerCase();
}

/** A list as a rule or the enricher holds it: always the store's current index. */
export interface LiveList {
  has(value: unknown): boolean;
}

/** The index in force in this process; `replace` swaps a freshly built one in, readers see it on their next lookup. */
export class IntelStore {
  private index = IndicatorIndex.build([]);
  private readonly lists = new Map<IntelList, LiveList>();
  private readonly listeners = new Set<(index: IndicatorIndex) => void>();

  get current(): IndicatorIndex {
    return this.index;
  }

  replace(index: IndicatorIndex): void {
    this.index = index;
    for (const fn of this.listeners) fn(index);
  }

  /** Calls `fn` with each index swapped in from now on, synchronously within `replace`; returns how to stop. */
  onReplace(fn: (index: IndicatorIndex) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  list(list: IntelList): LiveList {
    let live = this.lists.get(list);
    if (!live) {
      live = { has: (value) => this.index.has(list, value) };
      this.lists.set(list, live);
    }
    return live;
  }
}
