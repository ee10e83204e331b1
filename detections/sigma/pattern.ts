/**
 * Sigma string values: `*` matches any run of characters, `?` exactly one, and `\` escapes
 * `*`, `?` and itself (Sigma 2.1 "Escape Character"). A backslash before any other character
 * is kept literally, so Windows paths such as `C:\Windows\` need no escaping; this is how
 * pySigma reads values too.
 */

export interface Wildcard {
  readonly wildcard: '*' | '?';
}
/** A literal run of text or a wildcard. Literals hold unescaped text. */
export type PatternPart = string | Wildcard;

export const ANY: Wildcard = Object.freeze({ wildcard: '*' });
export const ONE: Wildcard = Object.freeze({ wildcard: '?' });

export function parsePattern(raw: string): PatternPart[] {
  const parts: PatternPart[] = [];
  let lit = '';
  const flush = (): void => {
    if (lit) parts.push(lit);
    lit = '';
  };
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
      flush();
      parts.push(c === '*' ? ANY : ONE);
    } else {
      lit += c;
    }
  }
  flush();
  return parts;
}

/** A literal pattern (no wildcards) for a value that was not written as a string, such as a number. */
export function literalPattern(text: string): PatternPart[] {
  return text ? [text] : [];
}

/** Back to Sigma syntax, escaping what needs it; for messages and tests. */
export function formatPattern(parts: readonly PatternPart[]): string {
  return parts.map((p) => (typeof p === 'string' ? p.replace(/[\\*?]/g, (c) => `\\${c}`) : p.wildcard)).join('');
}

/** Adds a `*` at the start and/or end unless one is already there (so `contains` over `*x*` stays `*x*`). */
export function withAny(parts: readonly PatternPart[], start: boolean, end: boolean): PatternPart[] {
  const out = [...parts];
  if (start && out[0] !== ANY) out.unshift(ANY);
  if (end && out[out.length - 1] !== ANY) out.push(ANY);
  return out;
}

/**
 * A predicate over text. With `cased` false (Sigma's default) the caller passes text already
 * lower-cased, so that one event value is lower-cased once however many patterns test it.
 */
export function compilePattern(parts: readonly PatternPart[], cased = false): (text: string) => boolean {
  const norm = parts.map((p) => (typeof p === 'string' && !cased ? p.toLowerCase() : p));
  const literals = norm.filter((p): p is string => typeof p === 'string');
  const wild = norm.length - literals.length;
  // Fast paths for the shapes that contains/startswith/endswith produce.
  if (wild === 0) {
    const lit = literals.join('');
    return (t) => t === lit;
  }
  if (norm.every((p) => p === ANY)) return () => true;
  if (literals.length === 1 && norm.length <= 3 && norm.every((p) => typeof p === 'string' || p === ANY)) {
    const lit = literals[0] as string;
    const anyStart = norm[0] === ANY;
    const anyEnd = norm[norm.length - 1] === ANY;
    if (anyStart && anyEnd) return (t) => t.includes(lit);
    if (anyEnd) return (t) => t.startsWith(lit);
    return (t) => t.endsWith(lit);
  }
  const source = norm.map((p) => (typeof p === 'string' ? p.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&') : p === ANY ? '.*' : '.')).join('');
  // `s`: wildcards cross newlines; `u`: `?` is one code point, not one UTF-16 unit.
  const re = new RegExp(`^${source}$`, 'su');
  return (t) => re.test(t);
}
