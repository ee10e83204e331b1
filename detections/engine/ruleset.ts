/**
 * The rules the engine runs: matchers in rule order, and (by default) the prefilter index that
 * picks, per event, the few that could match. `detectBatch` takes either a plain matcher list
 * (every rule evaluated) or a RuleSet.
 */
import type { EcsEvent } from '../../core/event/index.js';
import type { LoadedFilter } from '../sigma/load.js';
import type { Placeholders } from '../sigma/modifiers/index.js';
import type { VigilError } from '../../core/errors/index.js';
import { loadRuleSet, type LoadedRuleSet, type PipelineRule, type RuleSetOptions } from '../pipelines/rules.js';
import type { Pipeline } from '../pipelines/model.js';
import { RuleIndex } from '../prefilter/rule-index.js';
import { firedRule, type FiredRule } from '../model/index.js';

/** A compiled rule as the engine sees it: what to report when it fires, and a matcher. */
export interface RuleMatcher {
  fired: FiredRule;
  /** The names of the selections that matched, or null. May throw: the engine then skips the rule for that event. */
  match(event: EcsEvent): string[] | null;
}

/** A rule compiled under a pipeline, as a matcher: its logsource predicate, then its detection. */
export interface PipelineMatcher extends RuleMatcher {
  readonly source: PipelineRule;
  /** `match` for an event already known to be of the rule's logsource (the index checked it). */
  matchSelected(event: EcsEvent): string[] | null;
}

export function pipelineMatcher(r: PipelineRule): PipelineMatcher {
  const { compiled, logsource } = r;
  const test = logsource.test;
  return {
    source: r,
    fired: firedRule(compiled.rule),
    match: (event) => (test(event) ? (compiled.match(event)?.selections ?? null) : null),
    matchSelected: (event) => compiled.match(event)?.selections ?? null,
  };
}

export interface RuleSet {
  readonly pipeline: Pipeline;
  /** Every rule, in file order. */
  readonly matchers: readonly PipelineMatcher[];
  readonly filters: readonly LoadedFilter[];
  /** The matchers that could fire on the event, in file order (all of them without the prefilter). */
  candidates(event: object): readonly PipelineMatcher[];
  /**
   * `candidates` without allocating: puts them in `selected[0 .. count)` and returns the count.
   * The next call overwrites them: consume them first.
   */
  select(event: object): number;
  readonly selected: readonly PipelineMatcher[];
  /** Whether `candidates` uses the prefilter index. */
  readonly indexed: boolean;
  /** The index, when there is one (stats, tests). */
  readonly index?: RuleIndex<PipelineMatcher>;
}

export interface RuleSetBuildOptions {
  /** Select candidates with the prefilter index. Default true; false evaluates every rule on every event. */
  readonly prefilter?: boolean;
  /** The placeholders the rules were compiled with. */
  readonly placeholders?: Placeholders;
}

/** A RuleSet over rules already loaded. */
export function ruleSetOf(loaded: Pick<LoadedRuleSet, 'pipeline' | 'rules' | 'filters'>, options: RuleSetBuildOptions = {}): RuleSet {
  const matchers = loaded.rules.map(pipelineMatcher);
  if (options.prefilter === false) {
    return {
      pipeline: loaded.pipeline,
      matchers,
      filters: loaded.filters,
      candidates: () => matchers,
      select: () => matchers.length,
      selected: matchers,
      indexed: false,
    };
  }
  const index = new RuleIndex(
    matchers.map((m) => ({ rule: m.source.compiled.rule, logsource: m.source.logsource, resolve: m.source.resolve, item: m })),
    { placeholders: options.placeholders },
  );
  return {
    pipeline: loaded.pipeline,
    matchers,
    filters: loaded.filters,
    candidates: (e) => index.candidates(e),
    select: (e) => index.select(e),
    selected: index.selected,
    indexed: true,
    index,
  };
}

/** Loads rules under a pipeline and builds their RuleSet. */
export function loadRuleSetFrom(
  paths: readonly string[],
  options: RuleSetOptions & RuleSetBuildOptions = {},
): { ruleset: RuleSet; errors: VigilError[]; loaded: LoadedRuleSet } {
  const loaded = loadRuleSet(paths, options);
  return { ruleset: ruleSetOf(loaded, options), errors: loaded.errors, loaded };
}

export function isRuleSet(x: readonly RuleMatcher[] | RuleSet): x is RuleSet {
  return !Array.isArray(x);
}
