/**
 * Correlation rule files → compiled correlations. A correlation file may hold several YAML
 * documents (a correlation and the rules it uses, `---` separated, as the Sigma correlation
 * specification's examples do); the rule documents of multi-document files are compiled here
 * too. Single-rule files are left to `loadRules`: pass what it returned as `rules`, or leave
 * `rules` out and this loader calls it for them.
 *
 * A problem in one correlation (an unknown rule, a bad timespan or condition) is reported with
 * its file and line and leaves that correlation out; the others load.
 */
import { readFileSync } from 'node:fs';
import { LineCounter } from 'yaml';
import { parseYamlDocument } from '../../core/yaml/index.js';
import { VigilError } from '../../core/errors/index.js';
import type { RuleStatus } from '../model/index.js';
import { findRuleFiles, loadRuleText, loadRules, readError, type CompiledRule, type LoadOptions } from '../sigma/load.js';
import { toVigilError, yamlProblems, type Problem } from '../sigma/problems.js';
import { fromYamlNode } from '../sigma/source.js';
import { compileCorrelations, type CompiledCorrelation } from './compile.js';
import type { CorrelationRule } from './model.js';
import { isCorrelationNode, parseCorrelation } from './parse.js';

export interface CorrelationLoadOptions extends LoadOptions {
  /**
   * Base rules already loaded (by `loadRules` over the same paths). When given, files without a
   * correlation are not read again. When absent, they are loaded here with `loadRules`.
   */
  rules?: readonly CompiledRule[];
  /** Correlations (and rules beside them) with one of these statuses are left out. Default: none. */
  skipStatuses?: readonly RuleStatus[];
}

export interface CorrelationSet {
  readonly correlations: CompiledCorrelation[];
  /** Every base rule the correlations may use: those given or loaded, and those found beside correlations. */
  readonly rules: CompiledRule[];
  /** One error per problem, each with its file and line. */
  readonly errors: VigilError[];
  /** Ids of rules and correlations whose own alerts are not emitted: a correlation uses them without `generate: true`. */
  readonly silenced: ReadonlySet<string>;
}

/** One YAML document of a file, padded with blank lines so that positions in it are positions in the file. */
export interface DocumentText {
  readonly text: string;
  /** 1-based line where the document starts. */
  readonly line: number;
}

const DOC_START = /^---(?:[ \t]|$)/;
const DOC_END = /^\.\.\.[ \t]*$/;
const HAS_CORRELATION = /^correlation[ \t]*:/m;

/** Splits a multi-document YAML text at its `---` / `...` markers (always at column 0, even inside block scalars). */
export function splitDocuments(text: string): DocumentText[] {
  const lines = text.split('\n');
  const docs: DocumentText[] = [];
  let start = 0;
  const flush = (end: number): void => {
    const body = lines.slice(start, end);
    const content = body.some((l) => {
      const t = l.trim();
      return t !== '' && !t.startsWith('#') && !t.startsWith('%') && !/^---\s*$/.test(t);
    });
    if (content) docs.push({ text: '\n'.repeat(start) + body.join('\n'), line: start + 1 });
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (DOC_START.test(line)) {
      flush(i);
      start = i;
    } else if (DOC_END.test(line)) {
      flush(i);
      start = i + 1;
    }
  }
  flush(lines.length);
  return docs;
}

interface FileParse {
  correlations: CorrelationRule[];
  rules: CompiledRule[];
  errors: VigilError[];
}

/** Parses the documents of one correlation file: correlations here, rules through loadRuleText. */
function parseFile(text: string, file: string, options: LoadOptions, given: ReadonlySet<string>): FileParse {
  const out: FileParse = { correlations: [], rules: [], errors: [] };
  for (const doc of splitDocuments(text)) {
    const lineCounter = new LineCounter();
    const parsed = parseYamlDocument(doc.text, { lineCounter, prettyErrors: false });
    const problems: Problem[] = yamlProblems(parsed.errors, lineCounter);
    if (problems.length > 0) {
      for (const item of problems.map((p) => toVigilError(p, file))) out.errors.push(item);
      continue;
    }
    const root = fromYamlNode(parsed.contents, parsed, lineCounter, problems);
    if (isCorrelationNode(root)) {
      const { rule, problems: more } = parseCorrelation(root, file);
      for (const item of more) problems.push(item);
      for (const item of problems.map((p) => toVigilError(p, file))) out.errors.push(item);
      if (rule && problems.length === 0) out.correlations.push(rule);
      continue;
    }
    const { rule, errors } = loadRuleText(doc.text, file, options);
    // loadRules may have compiled this rule already (when it reads multi-document files).
    if (rule && given.has(rule.rule.id)) continue;
    // A loop, not push(...errors): the errors of a hostile file (one per `|` of a 200 KB modifier
    // chain) passed as arguments overflow the stack.
    for (const item of errors) out.errors.push(item);
    if (rule) out.rules.push(rule);
  }
  return out;
}

/**
 * Loads the correlations under `paths` (files or folders, walked as loadRules walks them) and
 * compiles them against the base rules.
 */
export function loadCorrelations(paths: readonly string[], options: CorrelationLoadOptions = {}): CorrelationSet {
  const errors: VigilError[] = [];
  const texts: Array<{ file: string; text: string }> = [];
  const plain: string[] = [];
  for (const file of findRuleFiles(paths, errors)) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      errors.push(readError(file, err));
      continue;
    }
    // Several documents: loadRules reads one rule per file, so their rules are compiled here.
    if (HAS_CORRELATION.test(text) || splitDocuments(text).length > 1) texts.push({ file, text });
    else plain.push(file);
  }
  const rules: CompiledRule[] = [];
  if (options.rules) rules.push(...options.rules);
  else if (plain.length > 0) {
    const loaded = loadRules(plain, options);
    rules.push(...loaded.rules);
    for (const item of loaded.errors) errors.push(item);
  }
  return compileFiles(texts, rules, errors, options);
}

/** Loads correlations (and the rules beside them) from one text; `file` only names locations. */
export function loadCorrelationText(text: string, file: string, options: CorrelationLoadOptions = {}): CorrelationSet {
  return compileFiles([{ file, text }], [...(options.rules ?? [])], [], options);
}

function compileFiles(
  texts: ReadonlyArray<{ file: string; text: string }>,
  rules: CompiledRule[],
  errors: VigilError[],
  options: LoadOptions & Pick<CorrelationLoadOptions, 'skipStatuses'>,
): CorrelationSet {
  const skip = new Set<string>(options.skipStatuses ?? []);
  const skipped = (m: { status?: string }): boolean => m.status !== undefined && skip.has(m.status);
  const given: ReadonlySet<string> = new Set(rules.map((r) => r.rule.id));
  const known = new Set(given);
  const models: CorrelationRule[] = [];
  for (const { file, text } of texts) {
    const parsed = parseFile(text, file, options, given);
    // As the rule loader says of it: a file of comments alone is a mistake, not an empty rule set.
    if (parsed.correlations.length === 0 && parsed.rules.length === 0 && parsed.errors.length === 0)
      errors.push(new VigilError('RULE_INVALID', 'the file holds no rule', { location: { file, line: 1, column: 1 } }));
    models.push(...parsed.correlations.filter((m) => !skipped(m)));
    for (const item of parsed.errors) errors.push(item);
    for (const r of parsed.rules) {
      if (skipped(r.rule)) continue;
      if (known.has(r.rule.id)) {
        errors.push(
          new VigilError('RULE_INVALID', `duplicate rule id '${r.rule.id}'`, {
            location: { file: r.rule.location.file, line: r.rule.location.line, column: r.rule.location.column, path: 'id' },
          }),
        );
        continue;
      }
      known.add(r.rule.id);
      rules.push(r);
    }
  }
  const compiled = compileCorrelations(
    models,
    rules.map((r) => r.rule),
  );
  for (const item of compiled.errors) errors.push(item);
  return { correlations: compiled.correlations, rules, errors, silenced: compiled.silenced };
}
