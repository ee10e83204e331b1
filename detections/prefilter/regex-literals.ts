/**
 * Literals a regular expression cannot match without: from an RE2 pattern, a list of ASCII
 * strings at least one of which occurs in any text the pattern matches (lower-cased), or null
 * when no such list can be derived with certainty.
 *
 * Conservative parse of the pattern: a sequence needs each of its mandatory items (no `?`, `*`
 * or `{0,…}` after it); a run of plain characters is a literal; a group needs one of its
 * alternatives' literals; a top-level `|` needs one of its branches'. Character classes, `.`,
 * escapes that stand for classes (`\d`, `\w`, `\s`, `\p{…}`), anchors and anything not
 * understood break a run. Only ASCII literals are kept: lower-casing them is exact, also where a
 * case-insensitive RE2 match would fold `ſ` or `K` (the scanner folds those too).
 */

type Need = readonly string[] | null;

/** Picks the better of two needs of a sequence (both hold): fewer, longer literals. */
function better(a: Need, b: Need): Need {
  if (a === null) return b;
  if (b === null) return a;
  const cost = (n: readonly string[]): number => n.reduce((s, l) => s + 1 / Math.min(l.length, 12) ** 2, 0);
  return cost(b) < cost(a) ? b : a;
}

function either(branches: readonly Need[]): Need {
  const out: string[] = [];
  for (const b of branches) {
    if (b === null) return null;
    out.push(...b);
  }
  return out.length > 0 ? [...new Set(out)] : null;
}

const ASCII_LITERAL = /^[\x20-\x7e]+$/;
const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v' };

class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  /** The whole pattern; throws when something is left unparsed. */
  all(): Need {
    const need = this.alternatives();
    if (this.i !== this.s.length) throw new Error('unbalanced');
    return need;
  }

  /** alternatives := sequence ('|' sequence)* */
  alternatives(): Need {
    const branches: Need[] = [this.sequence()];
    while (this.s[this.i] === '|') {
      this.i++;
      branches.push(this.sequence());
    }
    return branches.length === 1 ? (branches[0] as Need) : either(branches);
  }

  private sequence(): Need {
    let need: Need = null;
    let run = '';
    const flush = (): void => {
      if (run.length > 0 && ASCII_LITERAL.test(run)) need = better(need, [run.toLowerCase()]);
      run = '';
    };
    while (this.i < this.s.length) {
      const c = this.s[this.i] as string;
      if (c === '|' || c === ')') break;
      let item: { lit?: string; need?: Need } = {};
      if (c === '(') {
        this.i++;
        if (this.s[this.i] === '?') {
          // (?:…), (?P<name>…), (?i), (?i:…): flags apply to a whole group or the rest; literals stay (lower-cased anyway).
          const m = /^\?(?:P?<[A-Za-z_][A-Za-z0-9_]*>|[a-zA-Z-]*:|[a-zA-Z-]*\))/.exec(this.s.slice(this.i));
          if (!m) throw new Error('unsupported group');
          this.i += m[0].length;
          if (m[0].endsWith(')')) {
            flush();
            continue;
          }
        }
        const inner = this.alternatives();
        if (this.s[this.i] !== ')') throw new Error('unbalanced');
        this.i++;
        item = { need: inner };
      } else if (c === '[') {
        this.skipClass();
        item = {};
      } else if (c === '\\') {
        const next = this.s[this.i + 1];
        if (next === undefined) throw new Error('trailing backslash');
        this.i += 2;
        if (SIMPLE_ESCAPES[next] !== undefined) item = { lit: SIMPLE_ESCAPES[next] };
        else if (next === 'x') {
          const m = /^(?:[0-9a-fA-F]{2}|\{[0-9a-fA-F]+\})/.exec(this.s.slice(this.i));
          if (!m) throw new Error('bad hex escape');
          this.i += m[0].length;
          const code = parseInt(m[0].replace(/[{}]/g, ''), 16);
          item = code < 0x10000 ? { lit: String.fromCharCode(code) } : {};
        } else if (/[pP]/.test(next)) {
          if (this.s[this.i] === '{') this.i = this.s.indexOf('}', this.i) + 1;
          else this.i++;
          item = {};
        } else if (next === 'Q') {
          const end = this.s.indexOf('\\E', this.i);
          const text = end < 0 ? this.s.slice(this.i) : this.s.slice(this.i, end);
          this.i = end < 0 ? this.s.length : end + 2;
          item = { lit: text };
        } else if (/[A-Za-z0-9]/.test(next))
          item = {}; // \d \w \s \b \A \z \1 …: a class or an assertion
        else item = { lit: next }; // an escaped punctuation character stands for itself
      } else if ('.^$'.includes(c)) {
        this.i++;
        item = {};
      } else if ('*+?{'.includes(c)) {
        throw new Error('quantifier without operand');
      } else {
        this.i++;
        item = { lit: c };
      }
      const { min, one } = this.quantifier();
      if (item.lit !== undefined && item.lit.length > 0) {
        // A quantified character still occurs once when it must occur at all, then the run ends.
        if (min >= 1) {
          run += one ? item.lit : item.lit[0];
          if (!one) flush();
        } else flush();
        continue;
      }
      flush();
      if (item.need !== undefined && min >= 1) need = better(need, item.need);
    }
    flush();
    return need;
  }

  /** Skips `[…]` (a leading `]` or `^]` is a member, escapes are honoured, `[:alpha:]` nests). */
  private skipClass(): void {
    this.i++;
    if (this.s[this.i] === '^') this.i++;
    if (this.s[this.i] === ']') this.i++;
    while (this.i < this.s.length && this.s[this.i] !== ']') {
      if (this.s[this.i] === '\\') this.i += 2;
      else if (this.s.startsWith('[:', this.i)) {
        const end = this.s.indexOf(':]', this.i + 2);
        this.i = end < 0 ? this.i + 1 : end + 2;
      } else this.i++;
    }
    if (this.s[this.i] !== ']') throw new Error('unterminated class');
    this.i++;
  }

  /** The quantifier after an item: its minimum count, and whether it is exactly one (none written). */
  private quantifier(): { min: number; one: boolean } {
    const c = this.s[this.i];
    let min = 1;
    let one = true;
    if (c === '?' || c === '*') {
      min = 0;
      one = false;
      this.i++;
    } else if (c === '+') {
      one = false;
      this.i++;
    } else if (c === '{') {
      const m = /^\{(\d+)(,\d*)?\}/.exec(this.s.slice(this.i));
      if (!m) return { min, one }; // a literal `{` (RE2 reads it so)
      min = Number(m[1]);
      one = min === 1 && m[2] === undefined;
      this.i += m[0].length;
    } else return { min, one };
    if (this.s[this.i] === '?' || this.s[this.i] === '+') this.i++; // lazy or possessive
    return { min, one };
  }
}

/** The literals one of which any match of `source` contains (lower-cased), or null. */
export function regexLiterals(source: string): readonly string[] | null {
  try {
    const need = new Parser(source).all();
    return need && need.length > 0 ? need : null;
  } catch {
    return null;
  }
}
