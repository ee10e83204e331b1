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
export { attackFromTags, ATTACK_TACTICS, type AttackIds, type AttackTactic } from './sigma/tags.js';
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

// The detection stage (engine/, owned with the engine work) is started by the CLI through this public face.
export { startDetectStage, toMatcher } from './engine/stage.js';
export { detectBatch, type RuleMatcher } from './engine/detect.js';

// Field-mapping pipelines, logsource mappings, the prefilter index and rule reload (issue 4).
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
export { firedRule, isRuleSet, loadRuleSetFrom, pipelineMatcher, ruleSetOf, type PipelineMatcher, type RuleSet } from './engine/ruleset.js';
export { LiveRules, mergeReload, type LiveRulesOptions, type ReloadReport } from './engine/reload.js';
export { buildAlert, LEVEL_SCORE, type FiredRule } from './engine/alert.js';
