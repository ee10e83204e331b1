/**
 * The indicator index: one hash set per list (IPv4 addresses in an `IntTable` keyed by their
 * 32-bit number, the rest in `Map`s keyed by normalized text) and a prefix trie for networks, so
 * that looking a value up is one probe (plus at most 32/128 steps for a network). What the index
 * keeps per indicator is packed in parallel typed arrays (type, feed, expiry), with the feed's id
 * and description only for those that have one: a million indicators stay well under 200 MB.
 * An index is immutable once built; a refresh builds a new one and `IntelStore` swaps it in
 * whole, so that readers never see half a list.
 */
import { mappedV4, parseAddress, parseIPv4, parseIPv6, parseNetwork } from '../core/net/ip.js';
import { INDICATOR_TYPES, LIST_OF, type FeedList, type Indicator, type IndicatorType, type IntelList } from './model.js';
import { normalizeDomain, normalizeUrl } from './normalize.js';
import { IntTable } from './int-table.js';
import { PrefixTrie } from './trie.js';

/** What a value matched: the indicator and the feed it came from. */
export interface IntelMatch {
  readonly feed: string;
  readonly indicator: Indicator;
}

const NEVER = Number.POSITIVE_INFINITY;
export type TextList = Exclude<IntelList, 'ip'>;

/** What enrichment needs of an index: this class, or its copy in shared memory (`shared-index.ts`) on another thread. */
export interface IndicatorLookup {
  readonly size: number;
  match(list: IntelList, value: unknown, now?: number): IntelMatch | undefined;
}

/** An index's parts as they are, for `shared-index.ts` to copy into shared memory. */
export interface IndexParts {
  feeds: readonly string[];
  values: readonly string[];
  types: Uint8Array;
  feedOf: Uint16Array;
  expires: Float64Array;
  meta: ReadonlyMap<number, { id?: string; description?: string }>;
  v4: IntTable;
  text: Readonly<Record<TextList, ReadonlyMap<string, number>>>;
  trie: PrefixTrie;
}

export class IndicatorIndex implements IndicatorLookup {
  private readonly feeds: string[] = [];
  private readonly values: string[] = [];
  private readonly types: Uint8Array;
  private readonly feedOf: Uint16Array;
  private readonly expires: Float64Array;
  /** id and description, for the indicators that have them. */
  private readonly meta = new Map<number, { id?: string; description?: string }>();
  private readonly v4: IntTable;
  private readonly text: Record<TextList, Map<string, number>> = {
    domain: new Map(),
    url: new Map(),
    hash: new Map(),
    email: new Map(),
  };
  private readonly trie = new PrefixTrie();

  private constructor(capacity: number) {
    this.types = new Uint8Array(capacity);
    this.feedOf = new Uint16Array(capacity);
    this.expires = new Float64Array(capacity);
    this.v4 = new IntTable(capacity);
  }

  /** Every feed's indicators; what has expired by `now` is left out, a value in two feeds keeps the longer-lived. */
  static build(lists: readonly FeedList[], now = Date.now()): IndicatorIndex {
    const index = new IndicatorIndex(lists.reduce((n, l) => n + l.indicators.length, 0));
    for (const list of lists) {
      const feed = index.feeds.push(list.feed) - 1;
      for (const ind of list.indicators) if ((ind.validUntil ?? NEVER) > now) index.add(ind, feed);
    }
    return index;
  }

  private push(ind: Indicator, feed: number): number {
    const at = this.values.length;
    this.values.push(ind.value);
    this.types[at] = INDICATOR_TYPES.indexOf(ind.type);
    this.feedOf[at] = feed;
    this.expires[at] = ind.validUntil ?? NEVER;
    if (ind.id !== undefined || ind.description !== undefined) {
      this.meta.set(at, {
        ...(ind.id !== undefined && { id: ind.id }),
        ...(ind.description !== undefined && { description: ind.description }),
      });
    }
    return at;
  }

  /** Whether an indicator that expires at `until` should replace the entry `before` (-1: none). */
  private replaces(before: number, until: number): boolean {
    return before < 0 || (this.expires[before] as number) < until;
  }

  private add(ind: Indicator, feed: number): void {
    const until = ind.validUntil ?? NEVER;
    if (ind.type === 'cidr') {
      const n = parseNetwork(ind.value.trim());
      if (n) this.trie.insert(n, this.push(ind, feed));
      return;
    }
    if (ind.type === 'ip') {
      const a = parseAddress(ind.value.trim());
      if (!a) return;
      // An IPv6 host is a /128 in the trie: looking it up then needs no canonical text.
      if (a.v6) this.trie.insert({ ...a, prefix: 128 }, this.push(ind, feed));
      else if (this.replaces(this.v4.get(a.v4), until)) this.v4.set(a.v4, this.push(ind, feed));
      return;
    }
    const map = this.text[LIST_OF[ind.type] as TextList];
    if (this.replaces(map.get(ind.value) ?? -1, until)) map.set(ind.value, this.push(ind, feed));
  }

  /** The entry a value hits in a list, or -1 (expired entries miss). */
  private find(list: IntelList, value: string, now: number): number {
    const at = list === 'ip' ? findIp(this.v4, this.trie, value) : (this.text[list].get(textKey(list, value)) ?? -1);
    return at >= 0 && (this.expires[at] as number) > now ? at : -1;
  }

  /** Whether the value is a live indicator of the list. Anything but a string misses. */
  has(list: IntelList, value: unknown, now = Date.now()): boolean {
    return typeof value === 'string' && this.find(list, value, now) >= 0;
  }

  match(list: IntelList, value: unknown, now = Date.now()): IntelMatch | undefined {
    if (typeof value !== 'string') return undefined;
    const at = this.find(list, value, now);
    if (at < 0) return undefined;
    const expires = this.expires[at] as number;
    return {
      feed: this.feeds[this.feedOf[at] as number] as string,
      indicator: {
        type: INDICATOR_TYPES[this.types[at] as number] as IndicatorType,
        value: this.values[at] as string,
        ...this.meta.get(at),
        ...(expires !== NEVER && { validUntil: expires }),
      },
    };
  }

  /** Indicators indexed. */
  get size(): number {
    return this.values.length;
  }

  /** Its parts, not copies: read them, never change them. */
  parts(): IndexParts {
    const { feeds, values, types, feedOf, expires, meta, v4, text, trie } = this;
    return { feeds, values, types, feedOf, expires, meta, v4, text, trie };
  }

  /** Indicators indexed, by type. */
  counts(): Partial<Record<IndicatorType, number>> {
    const out: Partial<Record<IndicatorType, number>> = {};
    for (let k = 0; k < this.values.length; k++) {
      const t = INDICATOR_TYPES[this.types[k] as number] as IndicatorType;
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
