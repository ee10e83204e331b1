/**
 * Sigma rule file (YAML text) → immutable `Rule` model (or `SigmaFilter`), with every problem
 * located by file, line and column. Parsing checks shape and names (unknown modifiers, missing
 * condition…); what depends on values and the condition is checked by `compile.ts`.
 */
import jsYaml from 'js-yaml';
import { LineCounter, type Document } from 'yaml';
import { firstLongLine, parseYamlDocuments } from '../../core/yaml/index.js';
import { parseFilterMap } from './filter.js';
import { deepFreeze } from '../model/index.js';
import type { Rule, SigmaFilter, Where } from './model.js';
import { parseDetection } from './parse-detection.js';
import { metaReader, parseLogSource, parseRuleMeta, type MetaReader } from './parse-meta.js';
import { yamlProblems, type Problem } from './problems.js';
import { fromPlain, fromYamlNode, NeedsSource, report, whereOf, type ParseContext, type SNode } from './source.js';

export interface ParsedRule {
  /** The model when the detection could be read at all; usable only when `problems` is empty. */
  readonly rule: Rule | undefined;
  readonly problems: readonly Problem[];
}

/** A rule file holds a rule or a filter. */
export interface ParsedFile {
  readonly rule?: Rule;
  readonly filter?: SigmaFilter;
  readonly problems: readonly Problem[];
  /** Whether the model carries lines and columns (false from the fast path). */
  readonly located: boolean;
}

/** Parses one rule, locating every node (line and column). A filter file is reported as not a rule. */
export function parseRule(text: string, file: string): ParsedRule {
  const parsed = parseLocated(text, file);
  if (!parsed.filter) return { rule: parsed.rule, problems: parsed.problems };
  const problem: Problem = {
    message: 'this file is a Sigma filter, not a rule: filters are applied by loadRules to the rules they name',
    at: { path: 'filter', line: parsed.filter.location.line, column: parsed.filter.location.column },
  };
  return { rule: undefined, problems: [...parsed.problems, problem] };
}

/**
 * Parses a rule or filter file. With `fast`, the text is first read with js-yaml, without
 * positions; only when that fails or finds a problem is it parsed again with positions, so
 * that what is reported is always located. A model from the fast path has no line numbers
 * below the document itself.
 */
export function parseSigmaFile(text: string, file: string, fast = true): ParsedFile {
  // js-yaml has no line limit of its own; an overlong line goes to the located parser, which refuses it.
  if (fast && !firstLongLine(text)) {
    const quick = parseFast(text, file);
    if (quick) return quick;
  }
  return parseLocated(text, file);
}

function parseFast(text: string, file: string): ParsedFile | undefined {
  let root: SNode;
  try {
    // The core schema is YAML 1.2's, as `yaml` reads it: no timestamps, no `yes`/`no` booleans, no merge keys.
    const docs = jsYaml.loadAll(text, undefined, { schema: jsYaml.CORE_SCHEMA });
    if (docs.length !== 1) return undefined;
    root = fromPlain(docs[0], true);
  } catch (err) {
    if (err instanceof jsYaml.YAMLException || err instanceof NeedsSource) return undefined;
    throw err;
  }
  const ctx: ParseContext = { problems: [] };
  const parsed = parseRoot(ctx, root, file, documentStart(text));
  return ctx.problems.length === 0 ? { ...parsed, located: false } : undefined;
}

/** Where the document's first key is: the first line that is not blank, a comment, `---` or a directive. */
function documentStart(text: string): Where {
  let line = 1;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const content = text.slice(start, end);
    const trimmed = content.trim();
    if (trimmed !== '' && !trimmed.startsWith('#') && !trimmed.startsWith('%') && trimmed !== '---') {
      return { path: '', line, column: content.length - content.trimStart().length + 1 };
    }
    line++;
    start = end + 1;
  }
  return { path: '', line: 1, column: 1 };
}

function parseLocated(text: string, file: string): ParsedFile {
  return { ...parseLocatedRoot(text, file), located: true };
}

function parseLocatedRoot(text: string, file: string): Omit<ParsedFile, 'located'> {
  const lineCounter = new LineCounter();
  const problems: Problem[] = [];
  const list = parseYamlDocuments(text, { lineCounter, prettyErrors: false });

  if (list.length === 0 || list[0]?.contents === null) {
    problems.push({ message: 'the file holds no rule', at: { path: '', line: 1, column: 1 } });
    return { problems };
  }
  for (const doc of list) for (const item of yamlProblems(doc.errors, lineCounter)) problems.push(item);
  if (problems.length > 0) return { problems };
  if (list.length > 1) {
    const second = fromYamlNode(list[1]?.contents, list[1], lineCounter, problems);
    report({ problems }, whereOf(second, ''), 'files with several YAML documents (Sigma rule collections) are not supported', true);
    return { problems };
  }
  const doc = list[0] as Document.Parsed;
  const ctx: ParseContext = { problems };
  const root = fromYamlNode(doc.contents, doc, lineCounter, problems);
  return parseRoot(ctx, root, file, whereOf(root, ''));
}

function parseRoot(ctx: ParseContext, root: SNode, file: string, rootAt: Where): Omit<ParsedFile, 'located'> {
  if (root.kind !== 'map') {
    report(ctx, rootAt, 'a rule must be a YAML map');
    return { problems: ctx.problems };
  }
  const meta = metaReader(ctx, root, rootAt);
  if (meta.has('correlation')) {
    report(ctx, meta.keyAt('correlation'), 'Sigma correlation rules are not supported yet', true);
    return { problems: ctx.problems };
  }
  if (meta.has('filter') && !meta.has('detection')) {
    const filter = parseFilterMap(ctx, meta, file);
    return { ...(filter && { filter: deepFreeze(filter) }), problems: ctx.problems };
  }
  const rule = parseRuleMap(ctx, meta, file);
  return { ...(rule && { rule: deepFreeze(rule) }), problems: ctx.problems };
}

function parseRuleMap(ctx: ParseContext, meta: MetaReader, file: string): Rule | undefined {
  const { rootAt } = meta;
  const common = parseRuleMeta(ctx, meta);
  const logsource = parseLogSource(ctx, meta);

  const detNode = meta.get('detection');
  if (detNode === undefined) {
    report(ctx, { ...rootAt, path: 'detection' }, "the rule has no 'detection'");
    return undefined;
  }
  const detection = parseDetection(ctx, detNode, 'detection', meta.keyAt('detection'));
  if (!detection || !common) return undefined;
  return { ...common, logsource, detection, location: { file, line: rootAt.line, column: rootAt.column } };
}
