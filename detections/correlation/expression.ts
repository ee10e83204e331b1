/**
 * temporal conditions written as an expression over the correlated rules, as pySigma reads
 * them ("extended" temporal conditions): rule references joined by `and`, `or`, `not` and
 * parentheses, with the usual precedence (not > and > or).
 */
import type { TemporalExpr } from './model.js';

const TOKEN = /\s*(\(|\)|[^\s()]+)/y;

/** The expression, or a message saying what is wrong with it. */
export function parseExpression(text: string): TemporalExpr | string {
  const tokens: string[] = [];
  let at = 0;
  for (;;) {
    TOKEN.lastIndex = at;
    const m = TOKEN.exec(text);
    if (!m) break;
    tokens.push(m[1] as string);
    at = TOKEN.lastIndex;
  }
  if (text.slice(at).trim() !== '') return `cannot read the condition expression at '${text.slice(at)}'`;
  if (tokens.length === 0) return 'the condition expression is empty';
  let pos = 0;
  const peek = (): string | undefined => tokens[pos];
  const keyword = (t: string | undefined, k: string): boolean => t !== undefined && t.toLowerCase() === k;

  const parseOr = (): TemporalExpr | string => {
    const args: TemporalExpr[] = [];
    for (;;) {
      const a = parseAnd();
      if (typeof a === 'string') return a;
      args.push(a);
      if (!keyword(peek(), 'or')) break;
      pos++;
    }
    return args.length === 1 ? (args[0] as TemporalExpr) : { kind: 'or', args };
  };
  const parseAnd = (): TemporalExpr | string => {
    const args: TemporalExpr[] = [];
    for (;;) {
      const a = parseNot();
      if (typeof a === 'string') return a;
      args.push(a);
      if (!keyword(peek(), 'and')) break;
      pos++;
    }
    return args.length === 1 ? (args[0] as TemporalExpr) : { kind: 'and', args };
  };
  const parseNot = (): TemporalExpr | string => {
    const t = peek();
    if (t === undefined) return 'the condition expression ends too early';
    if (keyword(t, 'not')) {
      pos++;
      const arg = parseNot();
      return typeof arg === 'string' ? arg : { kind: 'not', arg };
    }
    if (t === '(') {
      pos++;
      const inner = parseOr();
      if (typeof inner === 'string') return inner;
      if (peek() !== ')') return "a '(' in the condition expression is not closed";
      pos++;
      return inner;
    }
    if (t === ')' || keyword(t, 'and') || keyword(t, 'or')) return `unexpected '${t}' in the condition expression`;
    pos++;
    return { kind: 'ref', ref: t };
  };

  const expr = parseOr();
  if (typeof expr === 'string') return expr;
  if (pos < tokens.length) return `unexpected '${tokens[pos]}' in the condition expression`;
  return expr;
}

export function expressionRefs(e: TemporalExpr, out: string[] = []): string[] {
  if (e.kind === 'ref') {
    if (!out.includes(e.ref)) out.push(e.ref);
  } else if (e.kind === 'not') expressionRefs(e.arg, out);
  else for (const a of e.args) expressionRefs(a, out);
  return out;
}

/** A predicate over which rules are present, with references mapped to rule indexes. */
export function compileExpression(e: TemporalExpr, index: (ref: string) => number): (present: (i: number) => boolean) => boolean {
  if (e.kind === 'ref') {
    const i = index(e.ref);
    return (present) => present(i);
  }
  if (e.kind === 'not') {
    const arg = compileExpression(e.arg, index);
    return (present) => !arg(present);
  }
  const args = e.args.map((a) => compileExpression(a, index));
  return e.kind === 'and' ? (present) => args.every((a) => a(present)) : (present) => args.some((a) => a(present));
}
