/**
 * Field-mapping pipelines and logsource mappings (`rules/pipelines/*.yml`): Sigma field names →
 * the paths an event has, and Sigma logsources → predicates over events.
 */
export { DEFAULT_PIPELINE, PIPELINES_DIR, PipelineError, listPipelines, loadPipeline, pipelineFile, readLogsources } from './load.js';
export {
  EXISTS_KEY,
  entriesFor,
  fieldKeys,
  logsourceMatcher,
  sigmaKey,
  valueKeys,
  type Anchor,
  type LogsourceMatcher,
} from './logsource.js';
export {
  containsLogsource,
  logsourceId,
  toLogsourceKey,
  type LogsourceEntry,
  type LogsourceKey,
  type LogsourceMapping,
  type Pipeline,
  type PipelineSection,
} from './model.js';
export { applicableSections, fieldPaths, pathsGetter, resolverFor, resolverKey, type Getter } from './resolver.js';
export { asBaseRule, loadRuleSet, scanRuleFile, type LoadedRuleSet, type PipelineRule, type RuleSetOptions } from './rules.js';
