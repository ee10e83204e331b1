/**
 * The immutable model of a Sigma rule, as `parse.ts` builds it from YAML and `compile.ts`
 * turns it into matchers. Every node keeps where it came from (`at`), so that problems found
 * while compiling still name a file position.
 */
import type { RuleLocation, RuleMeta, Where } from '../model/index.js';
import type { ModifierName } from './modifiers/index.js';

export type { RuleLevel, RuleStatus, Where } from '../model/index.js';

/** A value as written in the rule. Strings may carry `*`/`?` wildcards and `\` escapes. */
export type SigmaScalar = string | number | boolean | null;

/** One `field|mod1|mod2: value(s)` entry of a selection map. */
export interface FieldItem {
  /** An ECS dotted path (`source.ip`), or `null` for a keyless entry (`'|all': [...]`), which searches every string of the event. */
  readonly field: string | null;
  readonly modifiers: readonly ModifierName[];
  /** One or more values; several are ORed unless the `all` modifier ANDs them. */
  readonly values: readonly SigmaScalar[];
  readonly at: Where;
}

/** A map of field items, all of which must match (AND). */
export interface FieldMap {
  readonly items: readonly FieldItem[];
  readonly at: Where;
}

/**
 * A search identifier's definition: either field maps (a single map, or a list of maps of
 * which any may match: OR of ANDs), or keywords (plain strings searched over every string
 * value of the event, any of which may match).
 */
export type Selection =
  | { readonly kind: 'fields'; readonly maps: readonly FieldMap[]; readonly at: Where }
  | { readonly kind: 'keywords'; readonly values: readonly SigmaScalar[]; readonly at: Where };

export interface Detection {
  /** Search identifiers in the order the rule defines them. */
  readonly selections: ReadonlyMap<string, Selection>;
  /** One or more condition expressions; a list is ORed. */
  readonly condition: readonly string[];
  /** Where each condition is; `column` is where its text starts when that is exact (a one-line plain or quoted scalar). */
  readonly conditionAt: readonly Where[];
  readonly at: Where;
}

export interface LogSource {
  readonly category?: string;
  readonly product?: string;
  readonly service?: string;
  readonly definition?: string;
}

/** A Sigma rule: the shared metadata, the events it is about, and its detection. */
export interface Rule extends RuleMeta {
  readonly logsource: LogSource;
  readonly detection: Detection;
  readonly location: RuleLocation;
}

/**
 * A Sigma filter (Sigma filters specification 2.0): a detection that tunes the rules it names,
 * for the events of its logsource. Its condition (usually `not selection`) is ANDed with the
 * condition of each such rule, as pySigma applies filters.
 */
export interface SigmaFilter {
  readonly id?: string;
  readonly title: string;
  readonly description?: string;
  readonly logsource: LogSource;
  /** Rule ids or names; `any` applies to every rule of the logsource. */
  readonly rules: 'any' | readonly string[];
  /** The filter's selections and its single condition. */
  readonly detection: Detection;
  readonly location: RuleLocation;
}
