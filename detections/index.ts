/**
 * The public face of detections/: what other stages (sinks, playbooks, the CLI) may import.
 */
export { compileDetection, type DetectionSource } from './sigma/detection.js';
export {
  loadRules,
  loadRuleText,
  matchAll,
  type CompiledRule,
  type LoadedFilter,
  type LoadOptions,
  type MatchResult,
} from './sigma/load.js';
export { parseRule, type ParsedRule } from './sigma/parse.js';
export { ecsFieldResolver, type CompileOptions, type FieldResolver } from './sigma/compile.js';
export { filterApplies } from './sigma/filter.js';
export { attackFromTags, ATTACK_TACTICS, type AttackIds, type AttackTactic } from './model/index.js';
export { MODIFIERS, type ModifierName, type Placeholders } from './sigma/modifiers/index.js';
export type {
  Detection,
  FieldItem,
  FieldMap,
  LogSource,
  Rule,
  RuleLevel,
  RuleStatus,
  Selection,
  SigmaFilter,
  SigmaScalar,
  Where,
} from './sigma/model.js';

// The detection stage, which the CLI starts.
export { startDetectStage, toMatcher } from './engine/stage.js';
export { detectBatch, type RuleMatcher } from './engine/detect.js';

// Field-mapping pipelines, logsource mappings, the prefilter index and rule reload.
export {
  DEFAULT_PIPELINE,
  PipelineError,
  fieldPaths,
  listPipelines,
  loadPipeline,
  loadRuleSet,
  logsourceMatcher,
  resolverFor,
  type LoadedRuleSet,
  type LogsourceMatcher,
  type Pipeline,
  type PipelineRule,
} from './pipelines/index.js';
export { AhoCorasick, RuleIndex, ruleClause, type Clause, type IndexEntry } from './prefilter/index.js';
export { matchEvent, type Rules } from './engine/detect.js';
export { isRuleSet, loadRuleSetFrom, pipelineMatcher, ruleSetOf, type PipelineMatcher, type RuleSet } from './engine/ruleset.js';
export { LiveRules, mergeReload, type LiveRulesOptions, type ReloadReport } from './engine/reload.js';
// The alert model every detector shares.
export { buildAlert, firedRule, LEVEL_SCORE, RULE_LEVELS, RULE_STATUSES, type FiredRule, type RuleMeta } from './model/index.js';
