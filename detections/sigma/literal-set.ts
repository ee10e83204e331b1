/**
 * Tests of a text against many literals at once (a value list of hundreds or thousands, as in
 * SigmaHQ's vulnerable-driver hashes or emoji lists), without a loop over every literal.
 *
 * Literals are hashed (polynomial, mod 2^32); the text is scanned once per literal length class
 * with a rolling hash, a 2^18-bit filter rejects almost every position in one array read, and
 * only filter hits look the hash up and compare the candidate literals. No allocation per test.
 * Small lists keep the plain loop, which is faster for them.
 */

export type TextTest = (text: string) => boolean;

/** Below this many literals a loop over startsWith/endsWith/includes is as fast. */
export const MIN_HASHED = 8;
/** Contains: literals are keyed by their first `K` units, at most this many. */
const MAX_WINDOW = 8;
const B = 31;
const FILTER_BITS = 18;

function mix(h: number): number {
  return Math.imul(h, 0x9e3779b1) >>> (32 - FILTER_BITS);
}

class HashIndex<T = number> {
  private readonly filter = new Int32Array(1 << (FILTER_BITS - 5));
  private readonly buckets = new Map<number, T[]>();

  add(h: number, value: T): void {
    const m = mix(h);
    this.filter[m >>> 5] = (this.filter[m >>> 5] as number) | (1 << (m & 31));
    const list = this.buckets.get(h);
    if (list) {
      if (!list.includes(value)) list.push(value);
    } else this.buckets.set(h, [value]);
  }

  /** Candidates for a hash, or undefined (most often straight from the filter). */
  get(h: number): T[] | undefined {
    const m = mix(h);
    if (((this.filter[m >>> 5] as number) & (1 << (m & 31))) === 0) return undefined;
    return this.buckets.get(h);
  }
}

function pow(k: number): number {
  let p = 1;
  for (let i = 0; i < k; i++) p = Math.imul(p, B);
  return p;
}

/** Hash of `s[from, from + k)`, the same as the rolling hash computes. */
function hashOf(s: string, from: number, k: number): number {
  let h = 0;
  for (let i = from; i < from + k; i++) h = (Math.imul(h, B) + s.charCodeAt(i)) | 0;
  return h;
}

/**
 * True when any literal occurs in the text. Each literal is keyed by one window of `K` units
 * (`K` = the shortest literal length, at most 8), the window of it shared by the fewest other
 * literals: lists such as `MD5=…`/`SHA256=…` hashes share their first characters, so keying by
 * the start would pile hundreds of candidates on one key. Literals under 4 units form a second
 * group, so that one short literal does not make every window short.
 */
export function containsAny(lits: readonly string[]): TextTest {
  if (lits.includes('')) return () => true;
  if (lits.length < MIN_HASHED) return (t) => lits.some((l) => t.includes(l));
  const unique = [...new Set(lits)];
  const scans = [unique.filter((l) => l.length >= 4), unique.filter((l) => l.length < 4)]
    .filter((group) => group.length > 0)
    .map((group) => windowIndex(group));
  return (t) => {
    for (let g = 0; g < scans.length; g++) {
      const { k, top, index, lits: words, offsets } = scans[g] as WindowIndex;
      const n = t.length;
      if (n < k) continue;
      let h = hashOf(t, 0, k);
      for (let i = 0; ; i++) {
        const candidates = index.get(h);
        if (candidates !== undefined) {
          for (let c = 0; c < candidates.length; c++) {
            const w = candidates[c] as number;
            const start = i - (offsets[w] as number);
            if (start >= 0 && t.startsWith(words[w] as string, start)) return true;
          }
        }
        if (i + k >= n) break;
        h = (Math.imul(h - Math.imul(t.charCodeAt(i), top), B) + t.charCodeAt(i + k)) | 0;
      }
    }
    return false;
  };
}

interface WindowIndex {
  readonly k: number;
  readonly top: number;
  readonly index: HashIndex;
  readonly lits: readonly string[];
  /** Where in each literal its window starts. */
  readonly offsets: Int32Array;
}

function windowIndex(lits: readonly string[]): WindowIndex {
  const k = Math.min(MAX_WINDOW, ...lits.map((l) => l.length));
  const index = new HashIndex();
  const load = new Map<number, number>();
  const offsets = new Int32Array(lits.length);
  lits.forEach((lit, w) => {
    // Rolling over every window of the literal, keep the least loaded one.
    let best = 0;
    let bestHash = hashOf(lit, 0, k);
    let bestLoad = load.get(bestHash) ?? 0;
    const top = pow(k - 1);
    let h = bestHash;
    for (let o = 1; o + k <= lit.length && bestLoad > 0; o++) {
      h = (Math.imul(h - Math.imul(lit.charCodeAt(o - 1), top), B) + lit.charCodeAt(o + k - 1)) | 0;
      const l = load.get(h) ?? 0;
      if (l < bestLoad) {
        best = o;
        bestHash = h;
        bestLoad = l;
      }
    }
    offsets[w] = best;
    load.set(bestHash, bestLoad + 1);
    index.add(bestHash, w);
  });
  return { k, top: pow(k - 1), index, lits, offsets };
}

/** True when the text starts with any literal. */
export function startsWithAny(lits: readonly string[]): TextTest {
  if (lits.includes('')) return () => true;
  if (lits.length < MIN_HASHED) return (t) => lits.some((l) => t.startsWith(l));
  const index = new HashIndex<string>();
  const lengths = new Uint8Array(Math.max(...lits.map((l) => l.length)) + 1);
  for (const lit of lits) {
    lengths[lit.length] = 1;
    index.add(hashOf(lit, 0, lit.length) ^ Math.imul(lit.length, 0x27d4eb2d), lit);
  }
  const max = lengths.length - 1;
  return (t) => {
    const n = Math.min(t.length, max);
    let h = 0;
    for (let len = 1; len <= n; len++) {
      h = (Math.imul(h, B) + t.charCodeAt(len - 1)) | 0;
      if (lengths[len] === 0) continue;
      const candidates = index.get(h ^ Math.imul(len, 0x27d4eb2d));
      if (candidates !== undefined) {
        for (let c = 0; c < candidates.length; c++) if (t.startsWith(candidates[c] as string)) return true;
      }
    }
    return false;
  };
}

/** True when the text ends with any literal. */
export function endsWithAny(lits: readonly string[]): TextTest {
  if (lits.includes('')) return () => true;
  if (lits.length < MIN_HASHED) return (t) => lits.some((l) => t.endsWith(l));
  // Suffix hash of length L: sum of s[n-1-j] * B^j, accumulated from the last character.
  const suffixHash = (s: string, len: number): number => {
    let h = 0;
    let p = 1;
    for (let j = 0; j < len; j++) {
      h = (h + Math.imul(s.charCodeAt(s.length - 1 - j), p)) | 0;
      p = Math.imul(p, B);
    }
    return h;
  };
  const index = new HashIndex<string>();
  const lengths = new Uint8Array(Math.max(...lits.map((l) => l.length)) + 1);
  for (const lit of lits) {
    lengths[lit.length] = 1;
    index.add(suffixHash(lit, lit.length) ^ Math.imul(lit.length, 0x27d4eb2d), lit);
  }
  const max = lengths.length - 1;
  return (t) => {
    const n = Math.min(t.length, max);
    let h = 0;
    let p = 1;
    for (let len = 1; len <= n; len++) {
      h = (h + Math.imul(t.charCodeAt(t.length - len), p)) | 0;
      p = Math.imul(p, B);
      if (lengths[len] === 0) continue;
      const candidates = index.get(h ^ Math.imul(len, 0x27d4eb2d));
      if (candidates !== undefined) {
        for (let c = 0; c < candidates.length; c++) if (t.endsWith(candidates[c] as string)) return true;
      }
    }
    return false;
  };
}
