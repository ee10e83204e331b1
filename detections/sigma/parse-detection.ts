/**
 * YAML detection block → `Detection` model. Collects every problem; a selection with a bad
 * entry is still kept (without that entry) so that the condition does not also report its
 * name as unknown.
 */
import type { Detection, FieldItem, FieldMap, Selection, SigmaScalar, Where } from './model.js';
import { isModifierName, type ModifierName } from './modifiers/index.js';
import { contentWhere, joinPath, report, scalarText, whereOf, type ParseContext, type SNode } from './source.js';

/** What a condition can name (see condition.ts); SigmaHQ uses dots too (`filter_main_mdadm.conf`). */
const IDENTIFIER = /^[A-Za-z0-9_.-]+$/;

export interface DetectionOptions {
  /** Keys of the block that are not search identifiers (a filter's `rules`). */
  readonly skip?: readonly string[];
  /** Only one condition string is allowed (Sigma filters). */
  readonly singleCondition?: boolean;
}

/** `keyAt`: where the `detection:` key is, when there is one; problems with the whole block are reported there. */
export function parseDetection(
  ctx: ParseContext,
  node: SNode | undefined,
  path: string,
  keyAt?: Where,
  options: DetectionOptions = {},
): Detection | undefined {
  const at = keyAt ?? whereOf(node, path);
  if (node?.kind !== 'map') {
    report(ctx, at, 'detection must be a map of search identifiers and a condition');
    return undefined;
  }
  const selections = new Map<string, Selection>();
  let condition: string[] | undefined;
  let conditionAt: Where[] = [];
  for (const pair of node.pairs) {
    const name = scalarText(pair.key);
    const nameAt = whereOf(pair.key, path);
    if (name === undefined || name === '') {
      report(ctx, nameAt, 'a search identifier must be a non-empty string');
      continue;
    }
    const itemPath = joinPath(path, name);
    if (options.skip?.includes(name)) continue;
    if (name === 'condition') {
      [condition, conditionAt] = parseConditionList(ctx, pair.value, itemPath, nameAt, options.singleCondition === true);
    } else if (name === 'timeframe') {
      report(
        ctx,
        whereOf(pair.key, itemPath),
        "'timeframe' is Sigma 1 aggregation syntax and is not supported: use a correlation rule",
        true,
      );
    } else {
      if (!IDENTIFIER.test(name)) {
        // e.g. `selection|endswith:` — a modifier written on the identifier instead of a field.
        report(ctx, whereOf(pair.key, itemPath), `search identifier '${name}' may hold only letters, digits, '_', '-' and '.'`);
      }
      const sel = parseSelection(ctx, pair.value, itemPath, whereOf(pair.key, itemPath));
      if (sel) selections.set(name, sel);
    }
  }
  if (condition === undefined) report(ctx, at, "detection has no 'condition'");
  if (selections.size === 0) report(ctx, at, 'detection defines no search identifier');
  if (condition === undefined) return undefined;
  return { selections, condition, conditionAt, at };
}

function parseConditionList(ctx: ParseContext, node: SNode, path: string, keyAt: Where, single: boolean): [string[], Where[]] {
  const one = (n: SNode, p: string): [string, Where] | undefined => {
    const text = n.kind === 'scalar' && typeof n.value === 'string' ? n.value : undefined;
    if (text === undefined || text.trim() === '') {
      report(ctx, n.pos.line === undefined ? keyAt : whereOf(n, p), 'a condition must be a non-empty string');
      return undefined;
    }
    return [text, contentWhere(n, p)];
  };
  const out: [string, Where][] = [];
  if (node.kind === 'seq') {
    if (single) report(ctx, whereOf(node, path), 'a filter has exactly one condition, not a list');
    if (node.items.length === 0) report(ctx, whereOf(node, path), 'the condition list is empty');
    node.items.forEach((item, i) => {
      const c = one(item, `${path}[${i}]`);
      if (c) out.push(c);
    });
  } else {
    const c = one(node, path);
    if (c) out.push(c);
  }
  return [out.map((c) => c[0]), out.map((c) => c[1])];
}

function parseSelection(ctx: ParseContext, node: SNode, path: string, keyAt: Where): Selection | undefined {
  const at = node.pos.line === undefined ? { ...keyAt, path } : whereOf(node, path);
  if (node.kind === 'map') return { kind: 'fields', maps: [parseFieldMap(ctx, node, path)], at };
  if (node.kind === 'seq') {
    const items = node.items;
    if (items.length === 0) {
      report(ctx, at, 'a search identifier cannot be an empty list');
      return { kind: 'keywords', values: [], at };
    }
    if (items.every((i) => i.kind === 'map')) {
      return { kind: 'fields', maps: items.map((m, i) => parseFieldMap(ctx, m as Extract<SNode, { kind: 'map' }>, `${path}[${i}]`)), at };
    }
    if (items.every((i) => i.kind === 'scalar')) {
      return { kind: 'keywords', values: items.map((v, i) => keyword(ctx, v, `${path}[${i}]`)), at };
    }
    report(ctx, at, 'a search identifier list must hold only field maps or only keywords (plain values)');
    return { kind: 'keywords', values: [], at };
  }
  if (node.value !== null) return { kind: 'keywords', values: [keyword(ctx, node, path)], at };
  report(ctx, at, 'a search identifier must be a map of fields, a list of maps, or a list of keywords');
  return { kind: 'keywords', values: [], at };
}

function keyword(ctx: ParseContext, node: SNode, path: string): SigmaScalar {
  if (node.kind !== 'scalar' || node.value === null) {
    report(ctx, whereOf(node, path), 'a keyword cannot be null');
    return '';
  }
  return node.value;
}

function parseFieldMap(ctx: ParseContext, map: Extract<SNode, { kind: 'map' }>, path: string): FieldMap {
  const items: FieldItem[] = [];
  for (const pair of map.pairs) {
    const item = parseFieldItem(ctx, pair.key, pair.value, path);
    if (item) items.push(item);
  }
  if (map.pairs.length === 0) report(ctx, whereOf(map, path), 'a selection map cannot be empty');
  return { items, at: whereOf(map, path) };
}

const MAX_UNKNOWN_REPORTED = 5;
const CLIP = 120;
const clip = (text: string): string => (text.length > CLIP ? `${text.slice(0, CLIP)}… (${text.length} characters)` : text);

function parseFieldItem(ctx: ParseContext, keyNode: SNode, valueNode: SNode, base: string): FieldItem | undefined {
  const key = scalarText(keyNode) ?? (keyNode.kind === 'scalar' && keyNode.value === null ? '' : undefined);
  if (key === undefined) {
    report(ctx, whereOf(keyNode, base), 'a field name must be a string');
    return undefined;
  }
  const path = joinPath(base, key);
  const at = whereOf(keyNode, path);
  const [fieldName = '', ...names] = key.split('|');
  const modifiers: ModifierName[] = [];
  // One report per kind of mistake, the key clipped: a key of 200,000 empty modifiers made as
  // many messages, each quoting the whole key (gigabytes, the loader ran out of memory).
  let empty = 0;
  const unknown = new Set<string>();
  for (const name of names) {
    if (isModifierName(name)) modifiers.push(name);
    else if (name === '') empty++;
    else unknown.add(name);
  }
  if (empty > 0) report(ctx, at, `empty modifier in '${clip(key)}'${empty > 1 ? ` (${empty} of them)` : ''}`);
  for (const name of [...unknown].slice(0, MAX_UNKNOWN_REPORTED)) report(ctx, at, `unknown modifier '${clip(name)}'`);
  if (unknown.size > MAX_UNKNOWN_REPORTED)
    report(ctx, at, `${unknown.size - MAX_UNKNOWN_REPORTED} more unknown modifiers in '${clip(key)}'`);
  const ok = empty === 0 && unknown.size === 0;
  const values = parseValues(ctx, valueNode, path, at);
  if (!ok || values === undefined) return undefined;
  return { field: fieldName === '' ? null : fieldName, modifiers, values, at };
}

function parseValues(ctx: ParseContext, node: SNode, path: string, keyAt: Where): SigmaScalar[] | undefined {
  if (node.kind === 'seq') {
    if (node.items.length === 0) {
      report(ctx, whereOf(node, path), 'a value list cannot be empty');
      return undefined;
    }
    const values: SigmaScalar[] = [];
    node.items.forEach((item, i) => {
      if (item.kind === 'scalar') values.push(item.value);
      else report(ctx, whereOf(item, `${path}[${i}]`), 'a value must be a string, number, boolean or null, not a list or map');
    });
    return values.length === node.items.length ? values : undefined;
  }
  if (node.kind === 'scalar') return [node.value];
  report(
    ctx,
    node.pos.line === undefined ? keyAt : whereOf(node, path),
    'a value must be a string, number, boolean or null, or a list of them',
  );
  return undefined;
}
