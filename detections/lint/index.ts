export { CHECKS } from './registry.js';
export { lintPaths, lintTexts, selectChecks, unknownCheckIds, type LintResult, type LintRunOptions } from './lint.js';
export { formatText } from './format/text.js';
export { formatJson, type JsonReport } from './format/json.js';
export { formatSarif } from './format/sarif.js';
export { SEVERITIES, type CheckInfo, type Finding, type Severity } from './model.js';
