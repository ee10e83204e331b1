/**
 * What text a rule needs to have any chance of matching: from the rule's detection (selections,
 * modifiers, condition) derive one clause, a set of (field, literal) atoms of which at least one
 * must occur — the literal as a substring of the field's lower-cased text — whenever the rule's
 * condition holds. When no such clause can be derived with certainty, the rule is `always`
 * evaluated.
 *
 * Derivation (each step keeps a necessary condition, never a sufficient one):
 * - a string value after its modifiers is a glob; any of its literal runs must occur (the
 *   longest is taken), lower-cased as the matcher folds it;
 * - values ORed → union of their clauses; `all` → the best one of them; a map ANDs its items →
 *   the best item's clause; a list of maps ORs them;
 * - condition: `or`/`1 of` → union, `and`/`all of` → the best operand, `not x` → always (absent
 *   text cannot make it false), a list of conditions → union;
 * - a regex → the literals one of which any match contains (regex-literals.ts);
 * - a number or boolean on a field → an equality atom (it matches by value, not by text);
 * - null, comparisons, CIDR, exists, fieldref, `neq`, time parts, and case-sensitive literals
 *   outside ASCII → always (their matches need no fixed text).
 * "Best" is the clause least likely to occur: fewer and longer literals.
 *
 * `ruleClauses` keeps up to two clauses that must both hit (a conjunction: `and`, a map's items,
 * `all`), so that a rule whose best clause is common text (`Initiated: 'true'`) is still
 * selected by its other one. An `or` of conjunctions pairs them: (A1 ∧ A2) ∨ (B1 ∧ B2) implies
 * (A1 ∨ B1) ∧ (A2 ∨ B2), and an operand with one clause stands in both places.
 */
import { expandTarget, parseCondition, type ConditionNode } from '../sigma/condition.js';
import { applyModifiers, type CompileOptions, type FieldResolver } from '../sigma/compile.js';
import type { FieldItem, Rule, Selection } from '../sigma/model.js';
import type { SigmaValue } from '../sigma/modifiers/index.js';
import { isCharClass, isWildcard, normalizePattern, type PatternPart } from '../sigma/pattern.js';
import { regexLiterals } from './regex-literals.js';

/** A field getter, or KEYWORDS: every string of the event at any depth (keyword selections). */
export type Source = ((event: object) => unknown) | typeof KEYWORDS;
export const KEYWORDS = Symbol('keywords');

/**
 * A substring atom (`eq` false): `literal` (lower-cased, non-empty) occurs in the lower-cased text
 * of the field. An equality atom (`eq` true): the field has a value whose lookup key
 * (pipelines' `valueKeys`) is `literal` — numbers and booleans, which match by value.
 */
export interface Atom {
  readonly source: Source;
  readonly literal: string;
  readonly eq: boolean;
}

/** `null`: the rule must always be evaluated. Otherwise at least one atom occurs whenever the rule matches. */
export type Clause = readonly Atom[] | null;

/** Clauses that each hold whenever the rule matches, best first; none: always evaluated. */
export type Clauses = readonly (readonly Atom[])[];

const ALWAYS: Clause = null;
/** At most this many clauses are kept per rule. */
const MAX_CLAUSES = 2;

const single = (c: Clause): Clauses => (c === null ? [] : [c]);

/** A conjunction of clause lists: the best `MAX_CLAUSES` of all their clauses. */
function allOf(lists: readonly Clauses[]): Clauses {
  const all = lists.flat();
  if (all.length <= 1) return all;
  // Stable: among equal costs the first written stays first (as `and` picks).
  const ranked = all.map((c, i) => ({ c, k: cost(c), i })).sort((x, y) => x.k - y.k || x.i - y.i);
  return ranked.slice(0, MAX_CLAUSES).map((r) => r.c);
}

/** A disjunction of clause lists: clause i is the union of each operand's clause i (or its last). */
function anyOf(lists: readonly Clauses[]): Clauses {
  if (lists.length === 0 || lists.some((l) => l.length === 0)) return [];
  const n = Math.min(MAX_CLAUSES, Math.max(...lists.map((l) => l.length)));
  const out: (readonly Atom[])[] = [];
  for (let i = 0; i < n; i++) out.push(or(lists.map((l) => l[Math.min(i, l.length - 1)] as readonly Atom[])) as readonly Atom[]);
  // Two equal clauses (operands with one clause each) say no more than one.
  if (out.length === 2 && sameAtoms(out[0] as readonly Atom[], out[1] as readonly Atom[])) out.pop();
  return out;
}

function sameAtoms(a: readonly Atom[], b: readonly Atom[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** How likely a clause is to occur, roughly: short literals are common. Lower is better. */
function cost(c: readonly Atom[]): number {
  let sum = 0;
  for (const a of c) {
    const n = Math.min(a.literal.length, 12);
    sum += a.eq ? 1 / 100 : a.source === KEYWORDS ? 2 / (n * n) : 1 / (n * n);
  }
  return sum;
}

function or(clauses: readonly Clause[]): Clause {
  const out: Atom[] = [];
  for (const c of clauses) {
    if (c === null) return ALWAYS;
    out.push(...c);
  }
  return dedupe(out);
}

function dedupe(atoms: readonly Atom[]): Atom[] {
  const seen = new Map<Source, Set<string>>();
  const out: Atom[] = [];
  for (const a of atoms) {
    let s = seen.get(a.source);
    if (!s) {
      s = new Set();
      seen.set(a.source, s);
    }
    const k = `${a.eq ? '=' : '~'}${a.literal}`;
    if (s.has(k)) continue;
    s.add(k);
    out.push(a);
  }
  return out;
}

/** Whether every code unit is ASCII (lower-casing it cannot depend on its neighbours). */
const isAscii = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
};

/**
 * The longest literal run of a glob, as the matcher compares it: folded patterns are lower-cased
 * part by part (`normalizePattern`) and tested against the lower-cased text; a cased one is
 * tested against the text itself, so it is only usable when lower-casing it cannot differ from
 * lower-casing it inside the text (ASCII).
 */
export function longestLiteral(parts: readonly PatternPart[], cased: boolean): string | undefined {
  const norm = normalizePattern(parts, cased);
  let best = '';
  for (const p of norm) {
    if (typeof p === 'string') {
      if (p.length > best.length) best = p;
    } else if (!isWildcard(p) && !isCharClass(p)) {
      return undefined;
    }
  }
  if (best === '') return undefined;
  if (cased) return isAscii(best) ? best.toLowerCase() : undefined;
  return best;
}

function valueClause(v: SigmaValue, source: Source, keyword: boolean): Clause {
  switch (v.kind) {
    case 'any':
      return or(v.values.map((x) => valueClause(x, source, keyword)));
    case 'pattern': {
      // A keyword is searched anywhere in a string (an implicit `contains`): its literal runs are the same.
      const lit = longestLiteral(v.parts, v.cased);
      return lit === undefined ? ALWAYS : [{ source, literal: lit, eq: false }];
    }
    case 'number':
    case 'boolean': {
      if (keyword) {
        // A keyword searches text: the number's or boolean's text.
        const lit = String(v.value).toLowerCase();
        return lit === '' ? ALWAYS : [{ source, literal: lit, eq: false }];
      }
      // On a field a number matches by value (4624, "4624", "4624.0"), a boolean itself or its text.
      if (v.kind === 'number') return Number.isFinite(v.value) ? [{ source, literal: `n:${String(v.value)}`, eq: true }] : ALWAYS;
      return [
        { source, literal: `b:${String(v.value)}`, eq: true },
        { source, literal: `s:${String(v.value)}`, eq: true },
      ];
    }
    case 'regex': {
      const lits = regexLiterals(v.source);
      return lits === null ? ALWAYS : lits.map((literal) => ({ source, literal, eq: false }));
    }
    default:
      return ALWAYS;
  }
}

function itemClauses(item: FieldItem, resolve: FieldResolver, options: CompileOptions): Clauses {
  let plan;
  try {
    plan = applyModifiers(item, options);
  } catch {
    return [];
  }
  if (plan.negate || plan.timePart) return [];
  const keyword = item.field === null;
  const source: Source = keyword ? KEYWORDS : resolve(item.field as string);
  const clauses = plan.values.map((v) => valueClause(v, source, keyword));
  return plan.join === 'or' ? single(or(clauses)) : allOf(clauses.map(single));
}

function selectionClauses(sel: Selection, resolve: FieldResolver, options: CompileOptions): Clauses {
  if (sel.kind === 'keywords') return itemClauses({ field: null, modifiers: [], values: sel.values, at: sel.at }, resolve, options);
  return anyOf(sel.maps.map((m) => allOf(m.items.map((item) => itemClauses(item, resolve, options)))));
}

function conditionClauses(node: ConditionNode, names: readonly string[], leaf: (name: string) => Clauses): Clauses {
  switch (node.type) {
    case 'ref':
      return names.includes(node.name) ? leaf(node.name) : [];
    case 'of': {
      const targets = expandTarget(node.target, names);
      if (targets.length === 0) return [];
      const cs = targets.map(leaf);
      return node.quantifier === '1' ? anyOf(cs) : allOf(cs);
    }
    case 'not':
      return [];
    case 'and':
      return allOf(node.args.map((a) => conditionClauses(a, names, leaf)));
    case 'or':
      return anyOf(node.args.map((a) => conditionClauses(a, names, leaf)));
  }
}

/**
 * The clauses of a rule compiled with `resolve` (the same resolver, so that an atom reads the
 * very value the rule's matcher reads) and `options` (placeholders): each holds whenever the
 * rule matches, best first; none when the rule must always be evaluated.
 */
export function ruleClauses(rule: Rule, resolve: FieldResolver, options: CompileOptions = {}): Clauses {
  const { detection } = rule;
  const names = [...detection.selections.keys()];
  const memo = new Map<string, Clauses>();
  const leaf = (name: string): Clauses => {
    if (!memo.has(name)) memo.set(name, selectionClauses(detection.selections.get(name) as Selection, resolve, options));
    return memo.get(name) as Clauses;
  };
  const lists: Clauses[] = [];
  for (const text of detection.condition) {
    const parsed = parseCondition(text);
    if ('error' in parsed) return [];
    lists.push(conditionClauses(parsed.ast, names, leaf));
  }
  return anyOf(lists);
}

/** The best clause of a rule (`ruleClauses`), or null when it must always be evaluated. */
export function ruleClause(rule: Rule, resolve: FieldResolver, options: CompileOptions = {}): Clause {
  return ruleClauses(rule, resolve, options)[0] ?? ALWAYS;
}
