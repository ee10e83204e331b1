/**
 * What the engine's own loader refuses or cannot run, as lint findings: every problem
 * `vigil rules validate` reports is a lint finding too (at the same place), unless a more
 * specific check already reported that place.
 */
import { parseCorrelation } from '../../correlation/parse.js';
import { loadRuleText } from '../../sigma/load.js';
import { problemCode } from '../../sigma/problems.js';
import type { DocCheck, LintDoc } from '../model.js';

interface Located {
  readonly code: string;
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
}

const cache = new WeakMap<LintDoc, Located[]>();

/** The loader's problems with a document (parsed and compiled once, shared by the three checks). */
function problemsOf(doc: LintDoc): Located[] {
  let out = cache.get(doc);
  if (out) return out;
  if (doc.kind === 'correlation') {
    out = parseCorrelation(doc.root, doc.file).problems.map((p) => ({
      code: problemCode(p),
      message: p.message,
      line: p.at.line,
      column: p.at.column,
    }));
  } else {
    out = loadRuleText(doc.text, doc.file).errors.map((e) => ({
      code: e.code,
      message: e.message,
      line: e.location?.line,
      column: e.location?.column,
    }));
  }
  cache.set(doc, out);
  return out;
}

function loaderCheck(id: string, code: string, severity: DocCheck['severity'], description: string): DocCheck {
  return {
    id,
    severity,
    group: 'engine',
    description,
    run(doc, emit) {
      for (const p of problemsOf(doc)) if (p.code === code) emit({ line: p.line, column: p.column }, p.message);
    },
  };
}

export const ruleInvalid = loaderCheck(
  'rule-invalid',
  'RULE_INVALID',
  'error',
  'the engine refuses the rule (the problem `vigil rules validate` reports)',
);
export const ruleUnsupported = loaderCheck(
  'rule-unsupported',
  'RULE_UNSUPPORTED',
  'warning',
  'valid Sigma the engine does not run (Sigma 1 aggregations, timeframe)',
);
export const placeholderUnset = loaderCheck(
  'placeholder-unset',
  'RULE_PLACEHOLDER',
  'info',
  "an 'expand' placeholder that must be given a value before the rule runs",
);
