/**
 * Aho-Corasick multi-pattern search over UTF-16 code units, compiled to a dense DFA: one table
 * lookup per character of the text, whatever the number of patterns. Built for the prefilter's
 * one question — which of these literals occur in this (lower-cased) text — so a scan reports
 * pattern ids into a caller's array and allocates nothing.
 *
 * Written here rather than taken from npm: the packages found (modern-ahocorasick, ahocorasick,
 * @monyone/aho-corasick) return match objects or ranges per occurrence, iterate code points
 * (the Sigma matcher works on code units, so a literal must be found exactly where `indexOf`
 * would find it), and build a trie of objects walked through failure links per character.
 *
 * The alphabet is the set of code units the patterns use (plus one class for every other unit,
 * which always returns to the root), so the table is states × (alphabet + 1) entries.
 */

import type { IdSink } from './id-list.js';
import { SkipScan, skipScannable } from './skip-scan.js';

/**
 * Whether `text.toLowerCase()` is longer than `text`: only U+0130 (İ → i̇) lengthens when
 * lower-cased, and no character shortens.
 */
const growsWhenLowered = (text: string): boolean => text.indexOf('\u0130') >= 0;

export class AhoCorasick {
  /** Number of states; the table holds `states * width` entries. */
  readonly states: number;
  /** The length of the shortest pattern: a shorter text holds none (and is not scanned). */
  readonly minLength: number;
  private readonly width: number;
  private readonly delta: Uint16Array | Int32Array;
  /** Class of an ASCII code unit (0: used by no pattern). */
  private readonly ascii: Uint16Array;
  /** `ascii`, with A-Z taking the class of a-z. */
  private readonly folded: Uint16Array;
  /** Class of a non-ASCII code unit used by a pattern. */
  private readonly wide: Map<number, number>;
  /** The pattern id ending at a state, or -1. */
  private readonly term: Int32Array;
  /** The nearest state down the failure chain where a pattern ends, or -1. */
  private readonly dict: Int32Array;
  /** The state itself when a pattern ends there, else `dict`: where a scan starts reporting. */
  private readonly out: Int32Array;
  /**
   * States are numbered so that those with something to report (`out` ≥ 0) come last, from this
   * one: a scan tells them by their number, with no read of `out` per unit of text.
   */
  private readonly firstOut: number;
  /** Further pattern ids ending at a state (patterns equal up to shared classes). */
  private readonly more: Map<number, number[]>;
  /** For long ASCII patterns, when asked: `scanLowerSkipping` skips through ASCII text instead of reading every unit. */
  private readonly skip: SkipScan | undefined;

  /**
   * `patterns[i]` gets id `ids[i]` (default `i`). Patterns are searched as given (lower-case
   * them and the text alike for a case-insensitive search). Empty patterns are ignored; a
   * repeated pattern reports each of its ids. `maxClasses` bounds the table's width. `skipLong`:
   * build a SkipScan too, when the patterns suit one (`scanLowerSkipping`).
   */
  constructor(patterns: readonly string[], ids?: readonly number[], maxClasses = 64, skipLong = false) {
    // Alphabet: the code units of the patterns get a class each, up to `maxClasses`; the rarest
    // non-ASCII ones past that share one (the automaton then finds every occurrence, and a few
    // strings differing from a pattern only among those units: a superset, as a prefilter may).
    this.minLength = patterns.reduce((min, p) => (p.length > 0 && p.length < min ? p.length : min), Infinity);
    const freq = new Map<number, number>();
    for (const p of patterns) for (let i = 0; i < p.length; i++) freq.set(p.charCodeAt(i), (freq.get(p.charCodeAt(i)) ?? 0) + 1);
    // ASCII units always get their own class (they are what texts are made of: sharing them would
    // make common text hit rare patterns); non-ASCII units share one class past the budget.
    const ranked = [...freq].sort((a, b) => (a[0] < 128 ? 0 : 1) - (b[0] < 128 ? 0 : 1) || b[1] - a[1] || a[0] - b[0]);
    this.ascii = new Uint16Array(128);
    this.wide = new Map();
    let classes = 1;
    const asciiCount = ranked.filter(([c]) => c < 128).length;
    const budget = Math.max(maxClasses - 1, asciiCount + 1);
    const shared = ranked.length > budget ? budget : 0;
    for (const [c] of ranked) {
      const cls = shared > 0 && classes > shared ? shared + 1 : classes++;
      if (c < 128) this.ascii[c] = cls;
      else this.wide.set(c, cls);
    }
    if (shared > 0) classes = shared + 2;
    // A case-insensitive RE2 match folds 'ſ' (U+017F) with 's', which lower-casing does not: scan it as 's'.
    if (this.ascii[0x73] !== 0 && !this.wide.has(0x17f)) this.wide.set(0x17f, this.ascii[0x73] as number);
    // Folded scans read A-Z as a-z (patterns are lower-case): no lower-cased copy of ASCII text.
    this.folded = this.ascii.slice();
    for (let c = 0x41; c <= 0x5a; c++) this.folded[c] = this.ascii[c + 0x20] as number;
    const width = classes;
    this.width = width;

    const more = new Map<number, number[]>();
    // Trie (goto function), with per-state child lists while building.
    const children: Map<number, number>[] = [new Map()];
    const termList: number[] = [-1];
    patterns.forEach((p, i) => {
      if (p.length === 0) return;
      let s = 0;
      for (let k = 0; k < p.length; k++) {
        const cls = this.classOf(p.charCodeAt(k));
        let next = (children[s] as Map<number, number>).get(cls);
        if (next === undefined) {
          next = children.length;
          children.push(new Map());
          termList.push(-1);
          (children[s] as Map<number, number>).set(cls, next);
        }
        s = next;
      }
      const id = ids ? (ids[i] as number) : i;
      if (termList[s] === -1) termList[s] = id;
      else if (termList[s] !== id) {
        // Two patterns that only differ among shared-class units end at one state: report both.
        const extra = more.get(s) ?? [];
        if (!extra.includes(id)) extra.push(id);
        more.set(s, extra);
      }
    });
    const states = children.length;
    this.states = states;
    const delta = states * width < 2 ** 31 && states < 65536 ? new Uint16Array(states * width) : new Int32Array(states * width);
    const fail = new Int32Array(states);
    const dict = new Int32Array(states).fill(-1);
    const term = Int32Array.from(termList);

    // Breadth-first: failure links, dictionary links and the full transition table.
    const queue = new Int32Array(states);
    let head = 0;
    let tail = 0;
    for (const [cls, child] of children[0] as Map<number, number>) {
      delta[cls] = child;
      fail[child] = 0;
      queue[tail++] = child;
    }
    while (head < tail) {
      const s = queue[head++] as number;
      const f = fail[s] as number;
      dict[s] = (term[f] as number) >= 0 ? f : (dict[f] as number);
      const row = s * width;
      const frow = f * width;
      for (let c = 0; c < width; c++) delta[row + c] = delta[frow + c] as number;
      for (const [cls, child] of children[s] as Map<number, number>) {
        fail[child] = delta[frow + cls] as number;
        delta[row + cls] = child;
        queue[tail++] = child;
      }
    }
    const out = new Int32Array(states);
    for (let s = 0; s < states; s++) out[s] = (term[s] as number) >= 0 ? s : (dict[s] as number);

    // Renumber: states reporting nothing first (the root, 0, among them), then the others.
    const order = new Int32Array(states);
    let next = 0;
    for (let s = 0; s < states; s++) if ((out[s] as number) < 0) order[s] = next++;
    this.firstOut = next;
    for (let s = 0; s < states; s++) if ((out[s] as number) >= 0) order[s] = next++;
    const renamed = (s: number): number => (s >= 0 ? (order[s] as number) : -1);
    this.delta = delta.slice();
    this.term = new Int32Array(states);
    this.dict = new Int32Array(states);
    this.out = new Int32Array(states);
    for (let s = 0; s < states; s++) {
      const n = order[s] as number;
      for (let c = 0; c < width; c++) this.delta[n * width + c] = order[delta[s * width + c] as number] as number;
      this.term[n] = term[s] as number;
      this.dict[n] = renamed(dict[s] as number);
      this.out[n] = renamed(out[s] as number);
    }
    this.more = new Map([...more].map(([s, extra]) => [order[s] as number, extra]));
    this.skip = skipLong && skipScannable(patterns) ? new SkipScan(patterns, ids) : undefined;
  }

  /**
   * Whether the text, lower-cased, is shorter than every pattern. Lower-casing adds at most one
   * unit per unit (U+0130): below half the shortest pattern, no need to look.
   */
  private tooShort(text: string): boolean {
    const n = text.length;
    return n < this.minLength && (n * 2 < this.minLength || !growsWhenLowered(text));
  }

  private classOf(c: number): number {
    return c < 128 ? (this.ascii[c] as number) : (this.wide.get(c) ?? 0);
  }

  /**
   * Reports the id of every pattern occurring in `text`: an id not yet stamped with `stamp` in
   * `seen` is stamped and pushed to `hits`. Returns the number of ids pushed.
   */
  scan(text: string, seen: Uint32Array, stamp: number, hits: IdSink): number {
    const { delta, width, ascii, wide, out, firstOut } = this;
    if (text.length < this.minLength) return 0;
    const hasWide = wide.size > 0;
    let s = 0;
    let found = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      const cls = c < 128 ? (ascii[c] as number) : hasWide ? (wide.get(c) ?? 0) : 0;
      s = delta[s * width + cls] as number;
      if (s >= firstOut) found += this.report(out[s] as number, seen, stamp, hits);
    }
    return found;
  }

  /** Reports the patterns ending at state `t` and down its dictionary chain. */
  private report(t: number, seen: Uint32Array, stamp: number, hits: IdSink): number {
    const { term, dict, more } = this;
    const hasMore = more.size > 0;
    let found = 0;
    while (t >= 0) {
      const id = term[t] as number;
      if (seen[id] !== stamp) {
        seen[id] = stamp;
        hits.push(id);
        found++;
      }
      if (hasMore) {
        const extra = more.get(t);
        if (extra)
          for (const x of extra) {
            if (seen[x] !== stamp) {
              seen[x] = stamp;
              hits.push(x);
              found++;
            }
          }
      }
      t = dict[t] as number;
    }
    return found;
  }

  /**
   * `scan(text.toLowerCase(), …)` without the copy when the text is ASCII (A-Z read as a-z
   * through the class table); other text is lower-cased first.
   */
  scanLower(text: string, seen: Uint32Array, stamp: number, hits: IdSink): number {
    const { delta, width, folded, out, firstOut } = this;
    if (this.tooShort(text)) return 0;
    let s = 0;
    let found = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c >= 128) return found + this.scan(text.toLowerCase(), seen, stamp, hits);
      s = delta[s * width + (folded[c] as number)] as number;
      if (s >= firstOut) found += this.report(out[s] as number, seen, stamp, hits);
    }
    return found;
  }

  /**
   * `scanLower`, through the SkipScan when there is one (a separate entry: the unit-by-unit
   * `scanLower` of the field scans stays as small as it was).
   */
  scanLowerSkipping(text: string, seen: Uint32Array, stamp: number, hits: IdSink): number {
    if (this.tooShort(text)) return 0;
    if (this.skip === undefined) return this.scanLower(text, seen, stamp, hits);
    const found = this.skip.scan(text, seen, stamp, hits);
    return found >= 0 ? found : this.scan(text.toLowerCase(), seen, stamp, hits);
  }

  /** Bytes held by the tables. */
  get bytes(): number {
    return this.delta.byteLength + this.term.byteLength + this.dict.byteLength + this.out.byteLength + this.ascii.byteLength;
  }
}
