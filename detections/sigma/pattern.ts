/**
 * Sigma string values: `*` matches any run of characters, `?` exactly one, and `\` escapes
 * `*`, `?` and itself (Sigma 2.1 "Escape Character"). A backslash before any other character
 * is kept literally, so Windows paths such as `C:\Windows\` need no escaping; this is how
 * pySigma reads values too.
 *
 * Patterns are matched without regular expressions: a pattern is split at its `*` wildcards
 * into segments, and each segment is found leftmost with `indexOf` (the classic greedy glob
 * walk). Matching is O(text × pattern) in the worst case, never exponential, so an event
 * cannot make a rule slow however it is crafted.
 */

import { containsAny, endsWithAny, startsWithAny } from './literal-set.js';

export interface Wildcard {
  readonly wildcard: '*' | '?';
}
/** Exactly one of these characters (each one UTF-16 unit); `windash` produces these for `-`/`/`. */
export interface CharClass {
  readonly oneOf: string;
}
/** A literal run of text, a wildcard, or a one-character class. Literals hold unescaped text. */
export type PatternPart = string | Wildcard | CharClass;

export const ANY: Wildcard = Object.freeze({ wildcard: '*' });
export const ONE: Wildcard = Object.freeze({ wildcard: '?' });

export function parsePattern(raw: string): PatternPart[] {
  const parts: PatternPart[] = [];
  let lit = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] as string;
    if (c === '\\') {
      const next = raw[i + 1];
      if (next === '*' || next === '?' || next === '\\') {
        lit += next;
        i++;
      } else {
        lit += c;
      }
    } else if (c === '*' || c === '?') {
      if (lit) parts.push(lit);
      lit = '';
      parts.push(c === '*' ? ANY : ONE);
    } else {
      lit += c;
    }
  }
  if (lit) parts.push(lit);
  return parts;
}

/** A literal pattern (no wildcards) for a value that was not written as a string, such as a number. */
export function literalPattern(text: string): PatternPart[] {
  return text ? [text] : [];
}

export function isWildcard(p: PatternPart): p is Wildcard {
  return typeof p === 'object' && 'wildcard' in p;
}
export function isCharClass(p: PatternPart): p is CharClass {
  return typeof p === 'object' && 'oneOf' in p;
}

/** True when the pattern is plain text: no wildcard and no character class. */
export function isPlain(parts: readonly PatternPart[]): parts is readonly string[] {
  return parts.every((p) => typeof p === 'string');
}

/** Back to Sigma syntax, escaping what needs it; a class is shown as `[…]`. For messages and tests. */
export function formatPattern(parts: readonly PatternPart[]): string {
  return parts
    .map((p) => (typeof p === 'string' ? p.replace(/[\\*?]/g, (c) => `\\${c}`) : isWildcard(p) ? p.wildcard : `[${p.oneOf}]`))
    .join('');
}

/** Adds a `*` at the start and/or end unless one is already there (so `contains` over `*x*` stays `*x*`). */
export function withAny(parts: readonly PatternPart[], start: boolean, end: boolean): PatternPart[] {
  const out = [...parts];
  if (start && out[0] !== ANY) out.unshift(ANY);
  if (end && out[out.length - 1] !== ANY) out.push(ANY);
  return out;
}

/** Merges adjacent literals and repeated `*`, lower-casing literals and classes unless `cased`. */
export function normalizePattern(parts: readonly PatternPart[], cased: boolean): PatternPart[] {
  const out: PatternPart[] = [];
  for (const p of parts) {
    const last = out[out.length - 1];
    if (typeof p === 'string') {
      if (p === '') continue;
      const text = cased ? p : p.toLowerCase();
      if (typeof last === 'string') out[out.length - 1] = last + text;
      else out.push(text);
    } else if (p === ANY) {
      if (last !== ANY) out.push(ANY);
    } else if (isCharClass(p)) {
      out.push(cased ? p : { oneOf: p.oneOf.toLowerCase() });
    } else {
      out.push(ONE);
    }
  }
  return out;
}

export type TextTest = (text: string) => boolean;

/**
 * A predicate over text. With `cased` false (Sigma's default) the caller passes text already
 * lower-cased, so that one event value is lower-cased once however many patterns test it.
 */
export function compilePattern(parts: readonly PatternPart[], cased = false): TextTest {
  const norm = normalizePattern(parts, cased);
  if (norm.length === 0) return (t) => t === '';
  if (norm.length === 1 && norm[0] === ANY) return () => true;

  const segments: Segment[] = [[]];
  for (const p of norm) {
    if (p === ANY) segments.push([]);
    else (segments[segments.length - 1] as Segment).push(p === ONE ? ONE_ITEM : typeof p === 'string' ? p : classItem(p as CharClass));
  }
  // Leading/trailing `*` leave an empty first/last segment: the pattern is open on that side.
  const first = segments[0] as Segment;
  const last = segments[segments.length - 1] as Segment;
  if (segments.length === 1) return exactTest(first);
  const head = first.length > 0 ? first : null;
  const tail = last.length > 0 ? last : null;
  const middle = segments.slice(1, -1);

  if ([head, tail, ...middle].every((s) => s === null || (s.length === 1 && typeof s[0] === 'string'))) {
    return literalGlob(
      head?.[0] as string | undefined,
      tail?.[0] as string | undefined,
      middle.map((s) => s[0] as string),
    );
  }
  const mids = middle.map(prepareSegment);
  const tailSeg = tail ? prepareSegment(tail) : null;
  return (t) => {
    let pos = 0;
    if (head) {
      pos = matchAt(head, t, 0);
      if (pos < 0) return false;
    }
    let bound = t.length;
    if (tailSeg) {
      bound = tailStart(tailSeg, t, pos);
      if (bound < 0) return false;
    }
    for (const m of mids) {
      const end = findSegment(m, t, pos, bound);
      if (end < 0) return false;
      pos = end;
    }
    return true;
  };
}

/**
 * One predicate for a list of patterns ORed together (a Sigma value list). Plain values are
 * grouped: exact values become one Set lookup; prefixes, suffixes and substrings one test each
 * (hashed when the list is long, see literal-set.ts).
 */
export function compilePatternSet(list: readonly (readonly PatternPart[])[], cased = false): TextTest {
  if (list.length === 1) return compilePattern(list[0] as readonly PatternPart[], cased);
  const exact = new Set<string>();
  const prefixes: string[] = [];
  const suffixes: string[] = [];
  const infixes: string[] = [];
  const others: TextTest[] = [];
  for (const parts of list) {
    const norm = normalizePattern(parts, cased);
    const lits = norm.filter((p) => typeof p === 'string');
    const stars = norm.filter((p) => p === ANY).length;
    if (lits.length + stars !== norm.length || lits.length > 1) {
      others.push(compilePattern(parts, cased));
      continue;
    }
    const lit = (lits[0] as string | undefined) ?? '';
    const openStart = norm[0] === ANY;
    const openEnd = norm[norm.length - 1] === ANY;
    if (stars === 0) exact.add(lit);
    else if (lits.length === 0)
      return () => true; // `*` alone
    else if (openStart && openEnd) infixes.push(lit);
    else if (openStart) suffixes.push(lit);
    else prefixes.push(lit);
  }
  const tests: TextTest[] = [];
  if (exact.size === 1) {
    const [only] = exact;
    tests.push((t) => t === only);
  } else if (exact.size > 1) tests.push((t) => exact.has(t));
  if (prefixes.length) tests.push(startsWithAny(prefixes));
  if (suffixes.length) tests.push(endsWithAny(suffixes));
  if (infixes.length) tests.push(containsAny(infixes));
  tests.push(...others);
  if (tests.length === 1) return tests[0] as TextTest;
  return (t) => {
    for (let i = 0; i < tests.length; i++) if ((tests[i] as TextTest)(t)) return true;
    return false;
  };
}

// --- segments: the parts between two `*` ---------------------------------------------------

/** A `?`, a class (char codes), or a literal. */
type Item = string | typeof ONE_ITEM | Int32Array;
type Segment = Item[];
const ONE_ITEM = 0 as const;

function classItem(c: CharClass): Int32Array {
  return Int32Array.from(c.oneOf, (ch) => ch.charCodeAt(0));
}

function exactTest(seg: Segment): TextTest {
  if (seg.length === 1 && typeof seg[0] === 'string') {
    const lit = seg[0];
    return (t) => t === lit;
  }
  return (t) => matchAt(seg, t, 0) === t.length;
}

function literalGlob(head: string | undefined, tail: string | undefined, middle: readonly string[]): TextTest {
  // The shapes contains/startswith/endswith produce, then the general walk.
  if (middle.length === 0) {
    if (head !== undefined && tail !== undefined) {
      const min = head.length + tail.length;
      return (t) => t.length >= min && t.startsWith(head) && t.endsWith(tail);
    }
    if (head !== undefined) return (t) => t.startsWith(head);
    if (tail !== undefined) return (t) => t.endsWith(tail);
    return () => true;
  }
  if (middle.length === 1 && head === undefined && tail === undefined) {
    const lit = middle[0] as string;
    return (t) => t.includes(lit);
  }
  return (t) => {
    let pos = 0;
    let bound = t.length;
    if (head !== undefined) {
      if (!t.startsWith(head)) return false;
      pos = head.length;
    }
    if (tail !== undefined) {
      bound = t.length - tail.length;
      if (bound < pos || !t.endsWith(tail)) return false;
    }
    for (let i = 0; i < middle.length; i++) {
      const m = middle[i] as string;
      const at = t.indexOf(m, pos);
      if (at < 0 || at + m.length > bound) return false;
      pos = at + m.length;
    }
    return true;
  };
}

const isHigh = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;
/** A position inside a surrogate pair is not a character boundary. */
const splitsPair = (t: string, i: number): boolean => i > 0 && i < t.length && isLow(t.charCodeAt(i)) && isHigh(t.charCodeAt(i - 1));

/** Where the segment ends when it matches at `pos`, or -1. `?` takes one code point. */
function matchAt(seg: Segment, t: string, pos: number): number {
  for (let k = 0; k < seg.length; k++) {
    const item = seg[k] as Item;
    if (typeof item === 'string') {
      if (!t.startsWith(item, pos)) return -1;
      pos += item.length;
    } else if (item === ONE_ITEM) {
      if (pos >= t.length) return -1;
      pos += isHigh(t.charCodeAt(pos)) && pos + 1 < t.length && isLow(t.charCodeAt(pos + 1)) ? 2 : 1;
    } else {
      if (pos >= t.length || !item.includes(t.charCodeAt(pos))) return -1;
      pos++;
    }
  }
  return pos;
}

interface Prepared {
  readonly seg: Segment;
  /** A literal of the segment to look for with indexOf, and how many UTF-16 units precede it, when that is fixed. */
  readonly anchor: string | null;
  readonly offset: number;
  /** The segment's length in UTF-16 units when it has no `?`, else -1. */
  readonly width: number;
}

function prepareSegment(seg: Segment): Prepared {
  let offset = 0;
  let anchor: string | null = null;
  let anchorOffset = 0;
  let fixed = true;
  for (const item of seg) {
    if (typeof item === 'string') {
      if (fixed && (anchor === null || item.length > anchor.length)) {
        anchor = item;
        anchorOffset = offset;
      }
      offset += item.length;
    } else if (item === ONE_ITEM) {
      fixed = false;
    } else {
      offset += 1;
    }
  }
  return { seg, anchor, offset: anchorOffset, width: fixed ? offset : -1 };
}

/** Leftmost match of a middle segment at or after `from` that ends by `bound`; returns its end or -1. */
function findSegment(p: Prepared, t: string, from: number, bound: number): number {
  let s = from;
  while (s <= bound) {
    if (p.anchor !== null) {
      const at = t.indexOf(p.anchor, s + p.offset);
      if (at < 0) return -1;
      s = at - p.offset;
    }
    if (!splitsPair(t, s)) {
      const end = matchAt(p.seg, t, s);
      if (end >= 0 && end <= bound) return end;
      if (end > bound && p.width >= 0) return -1; // later starts end later still
    }
    s++;
  }
  return -1;
}

/** Where the last segment must start so that it ends the text (the rightmost such start at or after `from`), or -1. */
function tailStart(p: Prepared, t: string, from: number): number {
  if (p.width >= 0) {
    const s = t.length - p.width;
    return s >= from && matchAt(p.seg, t, s) === t.length ? s : -1;
  }
  for (let s = t.length; s >= from; s--) {
    if (!splitsPair(t, s) && matchAt(p.seg, t, s) === t.length) return s;
  }
  return -1;
}
