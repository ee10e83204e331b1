import { literalPattern, type PatternPart } from '../pattern.js';

/** A rule value after parsing, as modifiers see and transform it. */
export type SigmaValue =
  | { readonly kind: 'pattern'; readonly parts: readonly PatternPart[] }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'null' };

/**
 * What a field item will test: its values and how they combine. Modifiers apply in the order
 * the rule writes them, each taking a plan and returning a new one (never mutating it).
 * Later modifiers (re, cidr, lt/gt, exists, cased, windash, base64…) extend `SigmaValue`
 * with new kinds or add flags here.
 */
export interface ValuePlan {
  readonly values: readonly SigmaValue[];
  /** `or`: any value may match (Sigma's default for a list); `and`: every value must (the `all` modifier). */
  readonly join: 'or' | 'and';
}

export interface ModifierContext {
  /** The field the item tests, or `null` for a keyless (keyword) item. */
  readonly field: string | null;
}

/** One Sigma value modifier. Adding one is: a module exporting a `Modifier`, one line in the registry, its tests. */
export interface Modifier {
  /** What it does, for documentation and `vigil rules` help. */
  readonly summary: string;
  /** Throws `ModifierError` when it cannot apply to these values. */
  apply(plan: ValuePlan, ctx: ModifierContext): ValuePlan;
}

/** A modifier cannot apply to a value; the compiler turns it into a located problem. */
export class ModifierError extends Error {
  override readonly name = 'ModifierError';
}

/** The value as a string pattern: numbers and booleans become their literal text, null is refused. */
export function asPattern(value: SigmaValue, modifier: string): readonly PatternPart[] {
  switch (value.kind) {
    case 'pattern':
      return value.parts;
    case 'number':
    case 'boolean':
      return literalPattern(String(value.value));
    case 'null':
      throw new ModifierError(`modifier '${modifier}' cannot apply to a null value`);
  }
}

/** Applies a pattern transformation to every value of a plan. */
export function mapPatterns(plan: ValuePlan, modifier: string, fn: (parts: readonly PatternPart[]) => readonly PatternPart[]): ValuePlan {
  return { ...plan, values: plan.values.map((v) => ({ kind: 'pattern', parts: fn(asPattern(v, modifier)) })) };
}
