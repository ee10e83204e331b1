/**
 * Wu-Manber multi-pattern search for long ASCII patterns in ASCII text read case-folded (A-Z as
 * a-z): the text is probed by blocks of two units, and a block that ends no pattern's first
 * `m` units (`m`: the shortest pattern's length) moves the window up to `m - 1` units at once.
 * The keyword patterns (Mimikatz commands and the like, 9+ units) are absent from almost every
 * string, so most of the text is never read.
 *
 * Only for ASCII text: a scan that meets a non-ASCII unit stops and says so, and the caller
 * lower-cases the text and scans it unit by unit (lower-casing outside ASCII may change lengths
 * or yield ASCII: 'K' U+212A → 'k').
 */
import type { IdSink } from './id-list.js';

const B = 2;
/** Lower-cases A-Z; other ASCII units as they are. */
const FOLD = Uint8Array.from({ length: 128 }, (_, c) => (c >= 0x41 && c <= 0x5a ? c + 0x20 : c));
const blockKey = (a: number, b: number): number => (a << 7) | b;

const isAscii = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 128) return false;
  return true;
};

/**
 * Whether the patterns suit a SkipScan: all ASCII, none shorter than `minLength`, at most
 * `maxPatterns` (with more, most blocks end some pattern's window, and the scan moves by little).
 */
export function skipScannable(patterns: readonly string[], minLength = 6, maxPatterns = 64): boolean {
  return patterns.length > 0 && patterns.length <= maxPatterns && patterns.every((p) => p.length >= minLength && isAscii(p));
}

export class SkipScan {
  /** The window: the shortest pattern's length. */
  private readonly m: number;
  /** By the key of a block ending at a window's end: how far the window may move. */
  private readonly shift: Uint8Array;
  /** Patterns whose window ends with a block (shift 0), by block key. */
  private readonly candidates = new Map<number, number[]>();
  private readonly patterns: readonly string[];
  private readonly ids: readonly number[];

  /** `patterns` (ASCII, at least 2 units: see `skipScannable`) are searched as given; `patterns[i]` gets id `ids[i]` (default `i`). */
  constructor(patterns: readonly string[], ids?: readonly number[]) {
    this.patterns = patterns;
    this.ids = ids ?? patterns.map((_, i) => i);
    const m = Math.min(...patterns.map((p) => p.length));
    if (!(m >= B && m <= 256)) throw new Error(`SkipScan needs patterns of ${B} to 256 units`);
    this.m = m;
    this.shift = new Uint8Array(1 << 14).fill(m - B + 1);
    patterns.forEach((p, i) => {
      for (let j = B - 1; j < m; j++) {
        const key = blockKey(p.charCodeAt(j - 1), p.charCodeAt(j));
        const s = m - 1 - j;
        if (s < (this.shift[key] as number)) this.shift[key] = s;
        if (s === 0) {
          const list = this.candidates.get(key) ?? [];
          list.push(i);
          this.candidates.set(key, list);
        }
      }
    });
  }

  /**
   * Reports every pattern occurring in the text read case-folded, as `AhoCorasick.scan` does
   * (`seen`, `stamp`, `hits`), and returns how many it pushed. Returns -1, having reported only
   * some, when the text holds a non-ASCII unit where it read: then scan `text.toLowerCase()`
   * unit by unit instead.
   */
  scan(text: string, seen: Uint32Array, stamp: number, hits: IdSink): number {
    const { m, shift } = this;
    const n = text.length;
    let i = m - 1;
    let found = 0;
    while (i < n) {
      const a = text.charCodeAt(i - 1);
      const b = text.charCodeAt(i);
      if ((a | b) >= 128) return -1;
      const key = blockKey(FOLD[a] as number, FOLD[b] as number);
      const s = shift[key] as number;
      if (s > 0) {
        i += s;
        continue;
      }
      const list = this.candidates.get(key) as number[];
      const start = i - m + 1;
      for (let k = 0; k < list.length; k++) {
        const verdict = this.verify(text, start, list[k] as number);
        if (verdict < 0) return -1;
        if (verdict > 0) {
          const id = this.ids[list[k] as number] as number;
          if (seen[id] !== stamp) {
            seen[id] = stamp;
            hits.push(id);
            found++;
          }
        }
      }
      i++;
    }
    return found;
  }

  /** 1: pattern `p` occurs at `start`; 0: it does not; -1: a non-ASCII unit stands in the way. */
  private verify(text: string, start: number, p: number): number {
    const pattern = this.patterns[p] as string;
    if (start + pattern.length > text.length) {
      // Too short to hold it, unless a unit lower-casing lengthens (U+0130) comes later.
      for (let k = start; k < text.length; k++) if (text.charCodeAt(k) >= 128) return -1;
      return 0;
    }
    for (let k = 0; k < pattern.length; k++) {
      const c = text.charCodeAt(start + k);
      if (c >= 128) return -1;
      if (FOLD[c] !== pattern.charCodeAt(k)) return 0;
    }
    return 1;
  }
}
