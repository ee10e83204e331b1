/**
 * The immutable model of a correlation rule (Sigma correlation rules specification 2.x, plus
 * Vigil's ElastAlert/Elastic-style extensions), as `parse.ts` builds it from YAML. Every part
 * keeps where it came from, so that problems found while resolving references still name a
 * file and line.
 */
import type { RuleLocation, RuleMeta, Where } from '../model/index.js';

/**
 * The YAML `correlation.type`s: Sigma's eight, then Vigil's extensions. Each has a handler in
 * types/index.ts, whose registry is checked against this list.
 */
export type CorrelationType =
  | 'event_count'
  | 'value_count'
  | 'temporal'
  | 'temporal_ordered'
  | 'value_sum'
  | 'value_avg'
  | 'value_percentile'
  | 'value_median'
  | 'new_term'
  | 'flatline'
  | 'spike';

export type ConditionOp = 'gt' | 'gte' | 'lt' | 'lte' | 'eq' | 'neq';
export const CONDITION_OPS: readonly ConditionOp[] = ['gt', 'gte', 'lt', 'lte', 'eq', 'neq'];

/** One comparison of a condition map; several are ANDed (`gt: 100, lte: 200` is a range). */
export interface Bound {
  readonly op: ConditionOp;
  readonly value: number;
}

/** `spike` only: how the current window must compare with the previous one. */
export interface SpikeSpec {
  /** The factor k: up when current ≥ k × previous, down when current ≤ previous / k. */
  readonly ratio: number;
  readonly direction: 'up' | 'down' | 'both';
  /** Fewest events the current window needs for an up spike (ElastAlert's threshold_cur). Default 1. */
  readonly minCurrent: number;
  /** Fewest events the previous window needs for any spike (ElastAlert's threshold_ref). Default 1. */
  readonly minReference: number;
}

/** A temporal condition written as an expression over rule references (pySigma's extended conditions). */
export type TemporalExpr =
  | { readonly kind: 'ref'; readonly ref: string }
  | { readonly kind: 'not'; readonly arg: TemporalExpr }
  | { readonly kind: 'and' | 'or'; readonly args: readonly TemporalExpr[] };

export interface Condition {
  /** ANDed comparisons; empty only where the type needs none (new_term, spike, an expression). */
  readonly bounds: readonly Bound[];
  /** The field(s) a value_* / new_term correlation reads; several make one tuple value. */
  readonly field?: readonly string[];
  /** value_percentile: which percentile (0–100) is compared. */
  readonly percentile?: number;
  readonly spike?: SpikeSpec;
  /** temporal: an expression over the rules instead of a count. */
  readonly expression?: TemporalExpr;
  /** The condition was not written and is the type's default (temporal: every rule). */
  readonly implicit: boolean;
  readonly at: Where;
}

export interface Timespan {
  readonly text: string;
  readonly ms: number;
  readonly at: Where;
}

export interface RuleRef {
  /** As written: a rule or correlation id or name. */
  readonly ref: string;
  readonly at: Where;
}

/** A correlation rule: the shared metadata (its `id` is the name when the document has none), then what it correlates. */
export interface CorrelationRule extends RuleMeta {
  readonly type: CorrelationType;
  readonly typeAt: Where;
  readonly rules: readonly RuleRef[];
  /** Field names or alias names; empty: one group for every event. */
  readonly groupBy: readonly string[];
  readonly groupByAt: Where;
  readonly timespan: Timespan;
  readonly condition: Condition;
  /** alias → (rule reference as written → field in that rule's events). */
  readonly aliases: ReadonlyMap<string, ReadonlyMap<string, string>>;
  readonly aliasesAt: ReadonlyMap<string, Where>;
  /**
   * Whether the referenced rules also raise their own alerts (Sigma `generate`, default false).
   * Vigil extension: a list of references generates those only (e.g. an intermediate
   * correlation that is an alert in its own right, while the base rules stay silent).
   */
  readonly generate: boolean | readonly RuleRef[];
  /** Vigil extension: alert at most once per group per this period. */
  readonly suppress?: Timespan;
  /** Vigil extension (new_term): a group raises no alert until it has been seen this long. */
  readonly learning?: Timespan;
  readonly location: RuleLocation;
}
