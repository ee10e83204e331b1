import type { LookupSlot } from '../lookups.js';
import { literalPattern, parsePattern, type PatternPart } from '../pattern.js';

/** A string value: wildcards and classes, matched case-insensitively unless `cased`. */
export interface PatternValue {
  readonly kind: 'pattern';
  readonly parts: readonly PatternPart[];
  readonly cased: boolean;
  /** Set by the UTF-16 modifiers: each literal character stands for one byte (0–255). */
  readonly bytes: boolean;
  /** The value as the rule wrote it, before any modifier (what `re`, `cidr` and `fieldref` read). */
  readonly raw?: string;
}

export interface RegexValue {
  readonly kind: 'regex';
  readonly source: string;
  /** `i`, `m`, `s` sub-modifiers. */
  readonly flags: { readonly i: boolean; readonly m: boolean; readonly s: boolean };
  /** `startswith`/`endswith` on a regex anchor it at the start/end of the value (a regex already matches anywhere). */
  readonly anchorStart: boolean;
  readonly anchorEnd: boolean;
}

export type CompareOp = 'lt' | 'lte' | 'gt' | 'gte';
export interface CompareValue {
  readonly kind: 'compare';
  readonly op: CompareOp;
  readonly value: number;
}

export interface CidrValue {
  readonly kind: 'cidr';
  /** The network as written, normalized (`10.0.0.0/8`). */
  readonly text: string;
}

export interface ExistsValue {
  readonly kind: 'exists';
  readonly value: boolean;
}

export interface FieldRefValue {
  readonly kind: 'fieldref';
  /** The other field, as the rule names it (resolved like any field name). */
  readonly field: string;
  readonly position: 'equals' | 'startswith' | 'endswith' | 'contains';
  readonly cased: boolean;
}

/** `intel`: the field's value is in a live indicator list (the slot is filled at run time, `lookups.ts`). */
export interface LookupValue {
  readonly kind: 'lookup';
  readonly slot: LookupSlot;
}

/** Several alternatives standing for one written value (windash, base64offset, expand); any may match. */
export interface ExpansionValue {
  readonly kind: 'any';
  readonly values: readonly SigmaValue[];
}

/** A rule value after parsing, as modifiers see and transform it. */
export type SigmaValue =
  | PatternValue
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'null' }
  | RegexValue
  | CompareValue
  | CidrValue
  | ExistsValue
  | FieldRefValue
  | LookupValue
  | ExpansionValue;

export type TimePart = 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';

/**
 * What a field item will test: its values and how they combine. Modifiers apply in the order
 * the rule writes them, each taking a plan and returning a new one (never mutating it).
 */
export interface ValuePlan {
  readonly values: readonly SigmaValue[];
  /** `or`: any value may match (Sigma's default for a list); `and`: every value must (the `all` modifier). */
  readonly join: 'or' | 'and';
  /** `neq`: the item holds when it would not otherwise (the field differs from every value). */
  readonly negate?: boolean;
  /** A time modifier: the field is a timestamp and this part of it is compared. */
  readonly timePart?: TimePart;
}

/** Placeholder values for `expand`, by name without the `%`: one value or a list. */
export type Placeholders = Readonly<Record<string, string | readonly string[]>>;

export interface ModifierContext {
  /** The field the item tests, or `null` for a keyless (keyword) item. */
  readonly field: string | null;
  /** The modifiers applied before this one, in rule order. */
  readonly previous: readonly string[];
  /** Values for `%name%` placeholders (`expand`). */
  readonly placeholders?: Placeholders;
}

/** One Sigma value modifier. Adding one is: a module exporting a `Modifier`, one line in the registry, its tests. */
export interface Modifier {
  /** What it does, for documentation and `vigil rules` help. */
  readonly summary: string;
  /** Throws `ModifierError` when it cannot apply to these values. */
  apply(plan: ValuePlan, ctx: ModifierContext): ValuePlan;
}

/**
 * A modifier cannot apply to a value; the compiler turns it into a located problem.
 * `kind`: `invalid` (the rule is wrong), `unsupported` (valid Sigma that Vigil cannot run, such
 * as a regex RE2 refuses), `placeholder` (an `expand` placeholder has no configured value).
 */
export class ModifierError extends Error {
  override readonly name = 'ModifierError';
  constructor(
    message: string,
    readonly kind: 'invalid' | 'unsupported' | 'placeholder' = 'invalid',
  ) {
    super(message);
  }
}

const KIND_NAMES: Record<SigmaValue['kind'], string> = {
  pattern: 'a string',
  number: 'a number',
  boolean: 'a boolean',
  null: 'a null value',
  regex: 'a regular expression',
  compare: 'a comparison',
  cidr: 'a CIDR network',
  exists: "an 'exists' check",
  fieldref: 'a field reference',
  lookup: 'an indicator list lookup',
  any: 'an expanded value',
};

/** The error for a modifier meeting a value it cannot take. */
export function cannotApply(modifier: string, value: SigmaValue): ModifierError {
  return new ModifierError(`modifier '${modifier}' cannot apply to ${KIND_NAMES[value.kind]}`);
}

export function patternValue(raw: string): PatternValue {
  return { kind: 'pattern', parts: parsePattern(raw), cased: false, bytes: false, raw };
}

/** The value as a string pattern: numbers and booleans become their literal text; other kinds are refused. */
export function asPattern(value: SigmaValue, modifier: string): PatternValue {
  switch (value.kind) {
    case 'pattern':
      return value;
    case 'number':
    case 'boolean':
      return { kind: 'pattern', parts: literalPattern(String(value.value)), cased: false, bytes: false, raw: String(value.value) };
    default:
      throw cannotApply(modifier, value);
  }
}

/** Applies `fn` to every value of a plan, and to every alternative of an expanded value. */
export function mapValues(plan: ValuePlan, fn: (v: SigmaValue) => SigmaValue): ValuePlan {
  const each = (v: SigmaValue): SigmaValue => (v.kind === 'any' ? { kind: 'any', values: v.values.map(each) } : fn(v));
  return { ...plan, values: plan.values.map(each) };
}

/** Applies a pattern transformation to every value of a plan (numbers and booleans taken as text). */
export function mapPatterns(plan: ValuePlan, modifier: string, fn: (v: PatternValue) => SigmaValue): ValuePlan {
  return mapValues(plan, (v) => fn(asPattern(v, modifier)));
}

/** Flattens nested alternatives into one expansion, or returns the single value. */
export function alternatives(values: readonly SigmaValue[]): SigmaValue {
  const flat: SigmaValue[] = [];
  for (const v of values) {
    if (v.kind === 'any') flat.push(...v.values);
    else flat.push(v);
  }
  return flat.length === 1 ? (flat[0] as SigmaValue) : { kind: 'any', values: flat };
}

/** Refuses a modifier that must be the first one written (it reads the value as the rule wrote it). */
export function mustBeFirst(name: string, ctx: ModifierContext, allowed: readonly string[] = []): void {
  const before = ctx.previous.filter((m) => !allowed.includes(m));
  if (before.length > 0) {
    throw new ModifierError(`modifier '${name}' reads the value as written and must come before '${before.join("', '")}'`);
  }
}

/** A decimal number written as a string (`'50'`), for the numeric modifiers; undefined otherwise. */
export function numericText(v: SigmaValue): number | undefined {
  if (v.kind === 'number') return v.value;
  // Only a value no modifier has reshaped: `contains|gt: 5` is refused, not read as 5.
  if (v.kind !== 'pattern' || v.raw === undefined || v.parts.length !== 1 || v.parts[0] !== v.raw) return undefined;
  return /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(v.raw) ? Number(v.raw) : undefined;
}
