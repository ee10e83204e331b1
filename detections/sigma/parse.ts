/**
 * Sigma rule file (YAML text) → immutable `Rule` model, with every problem located by file,
 * line and column. Parsing checks shape and names (unknown modifiers, missing condition…);
 * what depends on values and the condition is checked by `compile.ts`.
 */
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type YAMLMap } from 'yaml';
import { deepFreeze, type LogSource, type Rule, type RuleLevel, type RuleStatus, type Where } from './model.js';
import { parseDetection } from './parse-detection.js';
import type { Problem } from './problems.js';
import { deref, report, scalarText, whereOf, type ParseContext } from './yaml-nodes.js';

export interface ParsedRule {
  /** The model when the detection could be read at all; usable only when `problems` is empty. */
  readonly rule: Rule | undefined;
  readonly problems: readonly Problem[];
}

const STATUSES: readonly RuleStatus[] = ['stable', 'test', 'experimental', 'deprecated', 'unsupported'];
const LEVELS: readonly RuleLevel[] = ['informational', 'low', 'medium', 'high', 'critical'];

export function parseRule(text: string, file: string): ParsedRule {
  const lineCounter = new LineCounter();
  const problems: Problem[] = [];
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false });
  const list: Document.Parsed[] = Array.isArray(docs) ? docs : [];
  const docCtx: ParseContext = { doc: list[0], lineCounter, problems };

  if (list.length === 0 || list[0]?.contents === null) {
    problems.push({ message: 'the file holds no rule', at: { path: '', line: 1, column: 1 } });
    return { rule: undefined, problems };
  }
  for (const doc of list) {
    for (const err of doc.errors) {
      const { line, col } = lineCounter.linePos(err.pos[0]);
      problems.push({ message: `invalid YAML: ${err.message}`, at: { path: '', line, column: col } });
    }
  }
  if (problems.length > 0) return { rule: undefined, problems };
  if (list.length > 1) {
    report(
      docCtx,
      whereOf(docCtx, list[1]?.contents, ''),
      'files with several YAML documents (Sigma rule collections) are not supported',
      true,
    );
    return { rule: undefined, problems };
  }
  const doc = list[0] as Document.Parsed;
  const ctx: ParseContext = { doc, lineCounter, problems };
  const root = doc.contents;
  if (!isMap(root)) {
    report(ctx, whereOf(ctx, root, ''), 'a rule must be a YAML map');
    return { rule: undefined, problems };
  }
  const rule = parseRuleMap(ctx, root, file);
  return { rule: rule ? deepFreeze(rule) : undefined, problems };
}

function parseRuleMap(ctx: ParseContext, root: YAMLMap, file: string): Rule | undefined {
  const rootAt = whereOf(ctx, root, '');
  const get = (key: string): unknown => deref(ctx, root.get(key, true), key);
  const keyAt = (key: string): Where => {
    const pair = root.items.find((p) => scalarText(p.key) === key);
    return pair ? whereOf(ctx, pair.key, key) : { ...rootAt, path: key };
  };

  if (root.has('correlation')) {
    report(ctx, keyAt('correlation'), 'Sigma correlation rules are not supported yet', true);
    return undefined;
  }
  if (root.has('filter') && !root.has('detection')) {
    report(ctx, keyAt('filter'), 'Sigma filters (meta-filters) are not supported yet', true);
    return undefined;
  }

  const text = (key: string, required: boolean): string | undefined => {
    const node = get(key);
    if (node === undefined || (isScalar(node) && node.value === null)) {
      if (required) report(ctx, { ...rootAt, path: key }, `the rule has no '${key}'`);
      return undefined;
    }
    const s = scalarText(node);
    if (s === undefined || (required && s.trim() === '')) report(ctx, whereOf(ctx, node, key), `'${key}' must be a non-empty string`);
    return s;
  };
  const strings = (key: string, allowScalar: boolean): string[] => {
    const node = get(key);
    if (node === undefined || (isScalar(node) && node.value === null)) return [];
    if (allowScalar && isScalar(node)) {
      const s = scalarText(node);
      if (s !== undefined) return [s];
    }
    if (!isSeq(node)) {
      report(ctx, whereOf(ctx, node, key), `'${key}' must be a list of strings`);
      return [];
    }
    const out: string[] = [];
    node.items.forEach((item, i) => {
      const s = scalarText(deref(ctx, item, `${key}[${i}]`));
      if (s === undefined) report(ctx, whereOf(ctx, item, `${key}[${i}]`), `'${key}' must be a list of strings`);
      else out.push(s);
    });
    return out;
  };
  const oneOf = <T extends string>(key: string, allowed: readonly T[]): T | undefined => {
    const s = text(key, false);
    if (s === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(s)) {
      report(ctx, whereOf(ctx, get(key), key), `'${key}' must be one of ${allowed.join(', ')}, not '${s}'`);
      return undefined;
    }
    return s as T;
  };

  const id = text('id', true);
  const title = text('title', true);
  const status = oneOf('status', STATUSES);
  const level = oneOf('level', LEVELS);
  const description = text('description', false);
  const author = text('author', false);
  const date = text('date', false);
  const modified = text('modified', false);
  const tags = strings('tags', false);
  const references = strings('references', false);
  const falsepositives = strings('falsepositives', true);
  const logsource = parseLogSource(ctx, get('logsource'), rootAt);

  const detNode = get('detection');
  if (detNode === undefined) {
    report(ctx, { ...rootAt, path: 'detection' }, "the rule has no 'detection'");
    return undefined;
  }
  const detection = parseDetection(ctx, detNode, 'detection', keyAt('detection'));
  if (!detection || id === undefined || title === undefined) return undefined;
  return {
    id,
    title,
    ...(status && { status }),
    ...(level && { level }),
    ...(description !== undefined && { description }),
    ...(author !== undefined && { author }),
    ...(date !== undefined && { date }),
    ...(modified !== undefined && { modified }),
    tags,
    references,
    logsource,
    detection,
    falsepositives,
    location: { file, line: rootAt.line, column: rootAt.column },
  };
}

function parseLogSource(ctx: ParseContext, node: unknown, rootAt: Where): LogSource {
  if (node === undefined) {
    report(ctx, { ...rootAt, path: 'logsource' }, "the rule has no 'logsource'");
    return {};
  }
  if (!isMap(node)) {
    report(ctx, whereOf(ctx, node, 'logsource'), "'logsource' must be a map (category, product, service, definition)");
    return {};
  }
  const out: Record<string, string> = {};
  for (const key of ['category', 'product', 'service', 'definition'] as const) {
    const v = node.get(key, true);
    if (v === undefined || (isScalar(v) && v.value === null)) continue;
    const s = scalarText(v);
    if (s === undefined) report(ctx, whereOf(ctx, v, `logsource.${key}`), `'logsource.${key}' must be a string`);
    else out[key] = s;
  }
  return out;
}
