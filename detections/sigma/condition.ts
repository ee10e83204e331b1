/**
 * Sigma conditions: a tokenizer and a recursive-descent parser, then name resolution and
 * compilation to a closure. Grammar (Sigma 2.1, precedence or < and < not < x of < parentheses):
 *
 *   expr    := andExpr ('or' andExpr)*
 *   andExpr := unary ('and' unary)*
 *   unary   := 'not' unary | primary
 *   primary := '(' expr ')' | ('1' | 'all') 'of' ('them' | pattern) | identifier
 *
 * Keywords are matched case-insensitively. Positions are 0-based offsets into the text.
 */

export type ConditionNode =
  | { readonly type: 'ref'; readonly name: string; readonly offset: number }
  | { readonly type: 'of'; readonly quantifier: '1' | 'all'; readonly target: string | null; readonly offset: number }
  | { readonly type: 'not'; readonly arg: ConditionNode }
  | { readonly type: 'and' | 'or'; readonly args: readonly ConditionNode[] };

export interface ConditionError {
  readonly message: string;
  readonly offset: number;
  /** A valid Sigma construct Vigil does not support (yet). */
  readonly unsupported?: boolean;
}

type TokenType = 'lparen' | 'rparen' | 'word' | 'end';
interface Token {
  readonly type: TokenType;
  readonly text: string;
  readonly offset: number;
}

const KEYWORDS = new Set(['and', 'or', 'not', 'of', 'them']);
// Identifier characters: letters, digits, _ - . and the * of a pattern (SigmaHQ uses dots, e.g. `filter_main_mdadm.conf`).
const WORD = /[A-Za-z0-9_.*-]/;

class ConditionSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    readonly unsupported = false,
  ) {
    super(message);
  }
}

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')') {
      tokens.push({ type: c === '(' ? 'lparen' : 'rparen', text: c, offset: i });
      i++;
    } else if (WORD.test(c)) {
      const start = i;
      while (i < text.length && WORD.test(text[i] as string)) i++;
      tokens.push({ type: 'word', text: text.slice(start, i), offset: start });
    } else if (c === '|') {
      throw new ConditionSyntaxError(
        "aggregation expressions ('| count() by …') are not supported: express them as a Sigma correlation rule",
        i,
        true,
      );
    } else {
      throw new ConditionSyntaxError(`unexpected character '${c}'`, i);
    }
  }
  tokens.push({ type: 'end', text: '', offset: text.length });
  return tokens;
}

const isKeyword = (t: Token, kw: string): boolean => t.type === 'word' && t.text.toLowerCase() === kw;

function describe(t: Token): string {
  return t.type === 'end' ? 'the end of the condition' : `'${t.text}'`;
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  private get peek(): Token {
    return this.tokens[this.pos] as Token;
  }
  private next(): Token {
    return this.tokens[this.pos++] as Token;
  }

  parse(): ConditionNode {
    if (this.peek.type === 'end') throw new ConditionSyntaxError('the condition is empty', 0);
    const node = this.expr();
    const t = this.peek;
    if (t.type === 'rparen') throw new ConditionSyntaxError("unmatched ')'", t.offset);
    if (t.type !== 'end')
      throw new ConditionSyntaxError(`expected 'and', 'or' or the end of the condition but found ${describe(t)}`, t.offset);
    return node;
  }

  private expr(): ConditionNode {
    const args = [this.andExpr()];
    while (isKeyword(this.peek, 'or')) {
      this.next();
      args.push(this.andExpr());
    }
    return args.length === 1 ? (args[0] as ConditionNode) : { type: 'or', args };
  }

  private andExpr(): ConditionNode {
    const args = [this.unary()];
    while (isKeyword(this.peek, 'and')) {
      this.next();
      args.push(this.unary());
    }
    return args.length === 1 ? (args[0] as ConditionNode) : { type: 'and', args };
  }

  private unary(): ConditionNode {
    if (isKeyword(this.peek, 'not')) {
      this.next();
      return { type: 'not', arg: this.unary() };
    }
    return this.primary();
  }

  private primary(): ConditionNode {
    const t = this.next();
    if (t.type === 'lparen') {
      const inner = this.expr();
      const close = this.next();
      if (close.type !== 'rparen') {
        throw new ConditionSyntaxError(
          `expected ')' to close the '(' at position ${t.offset + 1} but found ${describe(close)}`,
          close.offset,
        );
      }
      return inner;
    }
    if (t.type !== 'word' || KEYWORDS.has(t.text.toLowerCase())) {
      throw new ConditionSyntaxError(`expected a search identifier, 'not', '1 of', 'all of' or '(' but found ${describe(t)}`, t.offset);
    }
    if (isKeyword(this.peek, 'of')) return this.quantified(t);
    if (t.text.includes('*')) {
      throw new ConditionSyntaxError(`the pattern '${t.text}' is only allowed after '1 of' or 'all of'`, t.offset);
    }
    return { type: 'ref', name: t.text, offset: t.offset };
  }

  private quantified(q: Token): ConditionNode {
    const quantifier = q.text.toLowerCase();
    if (quantifier !== '1' && quantifier !== 'all') {
      const unsupported = /^\d+$/.test(quantifier);
      throw new ConditionSyntaxError(
        unsupported ? `'${q.text} of' is not supported: use '1 of' or 'all of'` : `expected '1' or 'all' before 'of' but found '${q.text}'`,
        q.offset,
      );
    }
    this.next(); // of
    const target = this.next();
    if (target.type !== 'word' || (KEYWORDS.has(target.text.toLowerCase()) && !isKeyword(target, 'them'))) {
      throw new ConditionSyntaxError(
        `expected 'them' or a search identifier pattern after 'of' but found ${describe(target)}`,
        target.offset,
      );
    }
    return { type: 'of', quantifier, target: isKeyword(target, 'them') ? null : target.text, offset: q.offset };
  }
}

type ParsedCondition = { ast: ConditionNode } | { error: ConditionError };

/** Thousands of rules share a few condition texts, and the compiler and the prefilter both parse each. */
const parsedConditions = new Map<string, ParsedCondition>();
const MAX_PARSED_CONDITIONS = 10_000;

/** Parses a condition; on a syntax error returns where and why. The result is shared: never mutate it. */
export function parseCondition(text: string): ParsedCondition {
  let parsed = parsedConditions.get(text);
  if (parsed) return parsed;
  parsed = parseConditionText(text);
  if (parsedConditions.size >= MAX_PARSED_CONDITIONS) parsedConditions.clear();
  parsedConditions.set(text, parsed);
  return parsed;
}

function parseConditionText(text: string): ParsedCondition {
  try {
    return { ast: new Parser(tokenize(text)).parse() };
  } catch (err) {
    if (err instanceof ConditionSyntaxError) {
      return { error: { message: err.message, offset: err.offset, unsupported: err.unsupported || undefined } };
    }
    throw err;
  }
}

/** Search identifiers a `1 of`/`all of` target stands for: `them` is every name not starting with `_`; a pattern uses `*` wildcards. */
export function expandTarget(target: string | null, names: readonly string[]): string[] {
  if (target === null) return names.filter((n) => !n.startsWith('_'));
  const parts = target.split('*');
  return names.filter((n) => globMatches(parts, n));
}

/**
 * Whether `name` matches the `*` pattern split into `parts` (the literal runs between the
 * stars). A scan, not a RegExp: a pattern is rule text, and V8 refuses (throws on) a RegExp
 * built from a long enough one.
 */
function globMatches(parts: readonly string[], name: string): boolean {
  const first = parts[0] as string;
  if (parts.length === 1) return name === first;
  const last = parts[parts.length - 1] as string;
  if (name.length < first.length + last.length || !name.startsWith(first) || !name.endsWith(last)) return false;
  let at = first.length;
  const end = name.length - last.length;
  for (let i = 1; i < parts.length - 1; i++) {
    const part = parts[i] as string;
    const found = name.indexOf(part, at);
    if (found < 0 || found + part.length > end) return false;
    at = found + part.length;
  }
  return true;
}

/**
 * Compiles a condition to a closure over a context `C` (an event, or an event with a memo of
 * selection results). `leaf(name)` gives the test for a search identifier. Unknown identifiers
 * and patterns that match nothing are reported, not thrown.
 */
export function compileCondition<C>(
  ast: ConditionNode,
  names: readonly string[],
  leaf: (name: string) => (ctx: C) => boolean,
): { evaluate: (ctx: C) => boolean } | { errors: ConditionError[] } {
  const errors: ConditionError[] = [];
  const known = new Set(names);
  const build = (node: ConditionNode): ((ctx: C) => boolean) => {
    switch (node.type) {
      case 'ref':
        if (!known.has(node.name)) {
          errors.push({ message: `unknown search identifier '${node.name}'`, offset: node.offset });
          return () => false;
        }
        return leaf(node.name);
      case 'of': {
        const matched = expandTarget(node.target, names);
        if (matched.length === 0) {
          const what = node.target === null ? "'them' (no search identifier without a leading '_')" : `the pattern '${node.target}'`;
          errors.push({ message: `${node.quantifier} of ${what} matches no search identifier`, offset: node.offset });
          return () => false;
        }
        const tests = matched.map(leaf);
        return node.quantifier === '1' ? some(tests) : every(tests);
      }
      case 'not': {
        const inner = build(node.arg);
        return (ctx) => !inner(ctx);
      }
      case 'and':
        return every(node.args.map(build));
      case 'or':
        return some(node.args.map(build));
    }
  };
  const evaluate = build(ast);
  return errors.length > 0 ? { errors } : { evaluate };
}

/** AND of closures, unrolled for the small counts conditions have. */
function every<C>(tests: readonly ((ctx: C) => boolean)[]): (ctx: C) => boolean {
  const [a, b, c] = tests as [(ctx: C) => boolean, (ctx: C) => boolean, (ctx: C) => boolean];
  switch (tests.length) {
    case 1:
      return a;
    case 2:
      return (x) => a(x) && b(x);
    case 3:
      return (x) => a(x) && b(x) && c(x);
    default:
      return (x) => {
        for (let k = 0; k < tests.length; k++) if (!(tests[k] as (ctx: C) => boolean)(x)) return false;
        return true;
      };
  }
}

/** OR of closures, unrolled for the small counts conditions have. */
function some<C>(tests: readonly ((ctx: C) => boolean)[]): (ctx: C) => boolean {
  const [a, b, c] = tests as [(ctx: C) => boolean, (ctx: C) => boolean, (ctx: C) => boolean];
  switch (tests.length) {
    case 1:
      return a;
    case 2:
      return (x) => a(x) || b(x);
    case 3:
      return (x) => a(x) || b(x) || c(x);
    default:
      return (x) => {
        for (let k = 0; k < tests.length; k++) if ((tests[k] as (ctx: C) => boolean)(x)) return true;
        return false;
      };
  }
}
