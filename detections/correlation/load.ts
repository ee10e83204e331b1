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
  /** Texts of files under the same paths already read (by `loadRuleSet`'s `texts`), by path: those are not read again. */
  texts?: ReadonlyMap<string, string>;
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
/** A line that may start or end a document (a superset of DOC_START and DOC_END: `^` also follows a lone CR). */
const MAY_SPLIT = /^(?:---|\.\.\.)/m;
/**
 * How a key could spell `correlation` without those letters in a row: a double-quoted scalar of
 * its letters and at least one escape, of a letter (all in 0x60–0x7f: `\x63`, `\u0063`,
 * `\U00000063`) or of a line break (which joins the lines, the next one's indentation dropped;
 * an unescaped break folds into a space, so the key would not be `correlation`).
 */
const LETTER_ESCAPE = String.raw`\\(?:x[67][0-9a-fA-F]|u00[67][0-9a-fA-F]|U000000[67][0-9a-fA-F]|(?:\r\n?|\n)[ \t]*)`;
const HIDDEN_KEY = new RegExp(`"(?:[acenilort]|${LETTER_ESCAPE})*${LETTER_ESCAPE}`);
/**
 * After the word, a key ends: a closing quote, blanks, then `:` (implicit key), a comment or the
 * line's end (explicit key), or `,` / `}` (a flow mapping's key with no value).
 */
const KEY_END = /["']?[ \t]*(?:[:#,}\r\n]|$)/y;

/**
 * Whether an occurrence of `correlation` could be a mapping key, in any YAML form: followed by
 * the end of a key (plain, quoted, in a flow mapping, tagged), or after a `?` (explicit key) or
 * `&` (an anchor an alias key may name) on its line. Prose (`used in correlation with…`) is not.
 */
function mayBeKey(text: string): boolean {
  for (let at = text.indexOf('correlation'); at >= 0; at = text.indexOf('correlation', at + 1)) {
    const before = text.slice(Math.max(text.lastIndexOf('\n', at), text.lastIndexOf('\r', at)) + 1, at);
    if (before.includes('?') || before.includes('&')) return true;
    KEY_END.lastIndex = at + 'correlation'.length;
    if (KEY_END.test(text)) return true;
  }
  return false;
}

/**
 * Whether a document of the text has a top-level `correlation` key, as the parser reads keys: a
 * plain key at column 0 is found by a text search; other forms (quoted, indented, flow, explicit
 * keys, escapes) are rare, so only texts that could hold one are parsed.
 */
export function holdsCorrelation(text: string): boolean {
  if (HAS_CORRELATION.test(text)) return true;
  if (!mayBeKey(text) && !(text.includes('\\') && HIDDEN_KEY.test(text))) return false;
  return splitDocuments(text).some((doc) => {
    const lineCounter = new LineCounter();
    const parsed = parseYamlDocument(doc.text, { lineCounter, prettyErrors: false });
    // A document that does not parse is the rule loader's to report.
    return parsed.errors.length === 0 && isCorrelationNode(fromYamlNode(parsed.contents, parsed, lineCounter, []));
  });
}

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
    let text = options.texts?.get(file);
    if (text === undefined) {
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        errors.push(readError(file, err));
        continue;
      }
    }
    // Several documents: loadRules reads one rule per file, so their rules are compiled here.
    if (holdsCorrelation(text) || (MAY_SPLIT.test(text) && splitDocuments(text).length > 1)) texts.push({ file, text });
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
