/**
 * Literal prefilters for the ua-parser regexes (the idea of RE2's FilteredRE2): from a regex, the
 * lower-case strings of which a text must contain at least some combination before the regex can
 * match it. Running RE2 is linear but not cheap (~10 µs per regex on a user agent, over a thousand
 * regexes in uap-core), so a user agent is tested only against the regexes whose filter it passes.
 *
 * A filter may let through texts that the regex does not match, never the other way round: every
 * construct that is not understood, and every string shorter than `MIN_ATOM`, means "no constraint".
 * Comparisons are on ASCII-lowercased text, which makes a filter hold for `regex_flag: 'i'` too.
 */

/** A text passes `all`, an atom when it contains it, `and`/`or` by their parts. */
export type Prefilter =
  { kind: 'all' } | { kind: 'atom'; atom: string } | { kind: 'and'; parts: Prefilter[] } | { kind: 'or'; parts: Prefilter[] };

const ALL: Prefilter = { kind: 'all' };
/** Shorter literals are in nearly every user agent: they would cost a test and filter nothing. */
const MIN_ATOM = 3;
/** The most strings a node's exact set may hold before it is turned into a filter. */
const MAX_EXACT = 16;
/** The most characters a class may hold and still count as a set of literals (`[Bb]`, `[ _]`). */
const MAX_CLASS = 4;

/** What a regex node can match: a finite set of strings when known (`exact`), else a filter. */
interface Info {
  exact?: Set<string>;
  filter: Prefilter;
}

const lower = (s: string): string => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

function and(parts: Prefilter[]): Prefilter {
  const kept = parts.filter((p) => p.kind !== 'all');
  if (kept.length === 0) return ALL;
  return kept.length === 1 ? (kept[0] as Prefilter) : { kind: 'and', parts: kept };
}

function or(parts: Prefilter[]): Prefilter {
  if (parts.length === 0 || parts.some((p) => p.kind === 'all')) return ALL;
  return parts.length === 1 ? (parts[0] as Prefilter) : { kind: 'or', parts };
}

function exactFilter(set: Set<string>): Prefilter {
  for (const s of set) if (s.length < MIN_ATOM) return ALL;
  return or([...set].map((atom) => ({ kind: 'atom', atom })));
}

const toFilter = (i: Info): Prefilter => (i.exact ? exactFilter(i.exact) : i.filter);
const exact = (set: Set<string>): Info => ({ exact: set, filter: exactFilter(set) });
const unknown = (): Info => ({ filter: ALL });

function concat(a: Info, b: Info): Info {
  if (a.exact && b.exact && a.exact.size * b.exact.size <= MAX_EXACT) {
    const out = new Set<string>();
    for (const x of a.exact) for (const y of b.exact) out.add(x + y);
    return exact(out);
  }
  return { filter: and([toFilter(a), toFilter(b)]) };
}

function alternate(parts: Info[]): Info {
  if (parts.every((p) => p.exact)) {
    const out = new Set<string>();
    for (const p of parts) for (const s of p.exact as Set<string>) out.add(s);
    if (out.size <= MAX_EXACT) return exact(out);
  }
  return { filter: or(parts.map(toFilter)) };
}

/** A recursive-descent reader of the regex syntax uap-core uses (Java/RE2 common subset). */
class Reader {
  private i = 0;
  constructor(private readonly src: string) {}

  read(): Info {
    const info = this.alternation();
    if (this.i < this.src.length) throw new Error(`unexpected '${this.src[this.i]}' at ${this.i}`);
    return info;
  }

  private alternation(): Info {
    const parts = [this.sequence()];
    while (this.src[this.i] === '|') {
      this.i++;
      parts.push(this.sequence());
    }
    return parts.length === 1 ? (parts[0] as Info) : alternate(parts);
  }

  /**
   * Consecutive exact pieces are joined into one run of literals (`Version/` is one atom, not
   * seven letters); a piece that is not exact, or a run grown too large, closes the run.
   */
  private sequence(): Info {
    const needed: Prefilter[] = [];
    let run = new Set(['']);
    while (this.i < this.src.length && this.src[this.i] !== '|' && this.src[this.i] !== ')') {
      const piece = this.repeat(this.atom());
      if (piece.exact && run.size * piece.exact.size <= MAX_EXACT) {
        run = concat(exact(run), piece).exact as Set<string>;
      } else if (piece.exact) {
        needed.push(exactFilter(run));
        run = piece.exact;
      } else {
        needed.push(exactFilter(run), piece.filter);
        run = new Set(['']);
      }
    }
    if (needed.length === 0) return exact(run);
    needed.push(exactFilter(run));
    return { filter: and(needed) };
  }

  private repeat(base: Info): Info {
    const c = this.src[this.i];
    let min: number;
    if (c === '*' || c === '?') {
      this.i++;
      min = 0;
      if (c === '?' && base.exact) {
        this.lazy();
        return exact(new Set([...base.exact, '']));
      }
    } else if (c === '+') {
      this.i++;
      min = 1;
    } else if (c === '{' && /^\{\d+(,\d*)?\}/.test(this.src.slice(this.i))) {
      const m = /^\{(\d+)(,\d*)?\}/.exec(this.src.slice(this.i)) as RegExpExecArray;
      this.i += m[0].length;
      min = Number(m[1]);
    } else {
      return base;
    }
    this.lazy();
    // At least one copy must be in the text: what one copy needs is needed.
    const out = min === 0 ? unknown() : { filter: toFilter(base) };
    return this.repeat(out);
  }

  private lazy(): void {
    if (this.src[this.i] === '?' || this.src[this.i] === '+') this.i++;
  }

  private atom(): Info {
    const c = this.src[this.i++] as string;
    switch (c) {
      case '(': {
        if (this.src[this.i] === '?') {
          if (this.src[this.i + 1] !== ':') throw new Error(`group kind '(?${this.src[this.i + 1]}' at ${this.i}`);
          this.i += 2;
        }
        const inner = this.alternation();
        if (this.src[this.i++] !== ')') throw new Error('missing )');
        return inner;
      }
      case '[':
        return this.charClass();
      case '.':
        return unknown();
      case '^':
      case '$':
        return exact(new Set(['']));
      case '\\':
        return this.escape();
      default:
        return exact(new Set([lower(c)]));
    }
  }

  private escape(): Info {
    const c = this.src[this.i++];
    if (c === undefined) throw new Error('trailing backslash');
    if (c === 'b' || c === 'B') return exact(new Set(['']));
    if (/[dDsSwW]/.test(c)) return unknown();
    if (/[A-Za-z0-9]/.test(c)) throw new Error(`escape \\${c}`);
    return exact(new Set([lower(c)]));
  }

  private charClass(): Info {
    const chars = new Set<string>();
    let negated = false;
    let wide = false;
    if (this.src[this.i] === '^') {
      negated = true;
      this.i++;
    }
    let first = true;
    while (this.i < this.src.length && (this.src[this.i] !== ']' || first)) {
      first = false;
      let c = this.src[this.i++] as string;
      if (c === '\\') {
        c = this.src[this.i++] as string;
        if (/[dDsSwWbB]/.test(c)) wide = true;
        else if (/[A-Za-z0-9]/.test(c)) throw new Error(`class escape \\${c}`);
      }
      if (this.src[this.i] === '-' && this.src[this.i + 1] !== ']' && this.i + 1 < this.src.length) {
        this.i++;
        let end = this.src[this.i++] as string;
        if (end === '\\') end = this.src[this.i++] as string;
        wide = wide || end.charCodeAt(0) - c.charCodeAt(0) >= MAX_CLASS;
        for (let k = c.charCodeAt(0); k <= end.charCodeAt(0) && !wide; k++) chars.add(lower(String.fromCharCode(k)));
      } else {
        chars.add(lower(c));
      }
    }
    if (this.src[this.i++] !== ']') throw new Error('missing ]');
    if (negated || wide || chars.size > MAX_CLASS) return unknown();
    return exact(chars);
  }
}

/**
 * The filter of a regex; `all` when its syntax is beyond this reader (the regex then runs on every
 * text, which costs time and never a wrong answer).
 */
export function prefilterOf(regex: string): Prefilter {
  try {
    return toFilter(new Reader(regex).read());
  } catch {
    return ALL;
  }
}

/** Whether a text passes the filter, given the atoms it contains (`AtomIndex.present`). */
export function passes(f: Prefilter, present: ReadonlySet<string>): boolean {
  switch (f.kind) {
    case 'all':
      return true;
    case 'atom':
      return present.has(f.atom);
    case 'and':
      return f.parts.every((p) => passes(p, present));
    case 'or':
      return f.parts.some((p) => passes(p, present));
  }
}

/** What one pass over a text found: its atoms, and which filters it may pass (`maybe[i]` for filter i). */
export interface Scan {
  present: Set<string>;
  maybe: Uint8Array;
}

/**
 * The atoms of a list of filters, indexed by their first `MIN_ATOM` characters: the atoms a text
 * holds are found in one pass over it, not one substring search per atom (thousands for uap-core),
 * and only the filters that hold one of them (or hold none at all) need evaluating: a filter made
 * of atoms alone fails on a text that contains none of them.
 */
export class AtomIndex {
  private readonly byPrefix = new Map<string, string[]>();
  private readonly filtersOf = new Map<string, number[]>();
  private readonly always: Uint8Array;

  constructor(filters: readonly Prefilter[]) {
    this.always = new Uint8Array(filters.length);
    filters.forEach((f, i) => {
      if (f.kind === 'all') this.always[i] = 1;
      else this.add(f, i);
    });
  }

  private add(f: Prefilter, id: number): void {
    if (f.kind === 'all') return;
    if (f.kind !== 'atom') {
      for (const p of f.parts) this.add(p, id);
      return;
    }
    const key = f.atom.slice(0, MIN_ATOM);
    const list = this.byPrefix.get(key);
    if (!list) this.byPrefix.set(key, [f.atom]);
    else if (!list.includes(f.atom)) list.push(f.atom);
    const ids = this.filtersOf.get(f.atom);
    if (!ids) this.filtersOf.set(f.atom, [id]);
    else if (ids[ids.length - 1] !== id) ids.push(id);
  }

  /** The atoms that `text` (ASCII-lowercased) contains, and the filters worth evaluating on it. */
  scan(text: string): Scan {
    const present = new Set<string>();
    const maybe = this.always.slice();
    for (let i = 0; i + MIN_ATOM <= text.length; i++) {
      const list = this.byPrefix.get(text.slice(i, i + MIN_ATOM));
      if (!list) continue;
      for (const atom of list) {
        if (present.has(atom) || !text.startsWith(atom, i)) continue;
        present.add(atom);
        for (const id of this.filtersOf.get(atom) as number[]) maybe[id] = 1;
      }
    }
    return { present, maybe };
  }
}

export { lower as asciiLower };
