/**
 * YAML detection block → `Detection` model. Collects every problem; a selection with a bad
 * entry is still kept (without that entry) so that the condition does not also report its
 * name as unknown.
 */
import { isMap, isScalar, isSeq, type Pair, type YAMLMap } from 'yaml';
import type { Detection, FieldItem, FieldMap, Selection, SigmaScalar, Where } from './model.js';
import { isModifierName, PLANNED_MODIFIERS, type ModifierName } from './modifiers/index.js';
import { contentWhere, deref, joinPath, report, scalarText, whereOf, type ParseContext } from './yaml-nodes.js';

/** What a condition can name (see condition.ts); SigmaHQ uses dots too (`filter_main_mdadm.conf`). */
const IDENTIFIER = /^[A-Za-z0-9_.-]+$/;

/** `keyAt`: where the `detection:` key is, when there is one; problems with the whole block are reported there. */
export function parseDetection(ctx: ParseContext, node: unknown, path: string, keyAt?: Where): Detection | undefined {
  node = deref(ctx, node, path);
  const at = keyAt ?? whereOf(ctx, node, path);
  if (!isMap(node)) {
    report(ctx, at, 'detection must be a map of search identifiers and a condition');
    return undefined;
  }
  const selections = new Map<string, Selection>();
  let condition: string[] | undefined;
  let conditionAt: Where[] = [];
  for (const pair of node.items) {
    const name = scalarText(pair.key);
    const keyAt = whereOf(ctx, pair.key, path);
    if (name === undefined || name === '') {
      report(ctx, keyAt, 'a search identifier must be a non-empty string');
      continue;
    }
    const itemPath = joinPath(path, name);
    if (name === 'condition') {
      [condition, conditionAt] = parseConditionList(ctx, pair.value, itemPath, keyAt);
    } else if (name === 'timeframe') {
      report(
        ctx,
        whereOf(ctx, pair.key, itemPath),
        "'timeframe' is Sigma 1 aggregation syntax and is not supported: use a correlation rule",
        true,
      );
    } else {
      if (!IDENTIFIER.test(name)) {
        // e.g. `selection|endswith:` — a modifier written on the identifier instead of a field.
        report(ctx, whereOf(ctx, pair.key, itemPath), `search identifier '${name}' may hold only letters, digits, '_', '-' and '.'`);
      }
      const sel = parseSelection(ctx, pair.value, itemPath, whereOf(ctx, pair.key, itemPath));
      if (sel) selections.set(name, sel);
    }
  }
  if (condition === undefined) report(ctx, at, "detection has no 'condition'");
  if (selections.size === 0) report(ctx, at, 'detection defines no search identifier');
  if (condition === undefined) return undefined;
  return { selections, condition, conditionAt, at };
}

function parseConditionList(ctx: ParseContext, raw: unknown, path: string, keyAt: Where): [string[], Where[]] {
  const node = deref(ctx, raw, path);
  const one = (n: unknown, p: string): [string, Where] | undefined => {
    const text = isScalar(n) && typeof n.value === 'string' ? n.value : undefined;
    if (text === undefined || text.trim() === '') {
      report(ctx, n ? whereOf(ctx, n, p) : keyAt, 'a condition must be a non-empty string');
      return undefined;
    }
    return [text, contentWhere(ctx, n, p)];
  };
  const out: [string, Where][] = [];
  if (isSeq(node)) {
    if (node.items.length === 0) report(ctx, whereOf(ctx, node, path), 'the condition list is empty');
    node.items.forEach((item, i) => {
      const c = one(deref(ctx, item, `${path}[${i}]`), `${path}[${i}]`);
      if (c) out.push(c);
    });
  } else {
    const c = one(node, path);
    if (c) out.push(c);
  }
  return [out.map((c) => c[0]), out.map((c) => c[1])];
}

function parseSelection(ctx: ParseContext, raw: unknown, path: string, keyAt: Where): Selection | undefined {
  const node = deref(ctx, raw, path);
  const at = node ? whereOf(ctx, node, path) : keyAt;
  if (isMap(node)) return { kind: 'fields', maps: [parseFieldMap(ctx, node, path)], at };
  if (isSeq(node)) {
    const items = node.items.map((item, i) => deref(ctx, item, `${path}[${i}]`));
    if (items.length === 0) {
      report(ctx, at, 'a search identifier cannot be an empty list');
      return { kind: 'keywords', values: [], at };
    }
    if (items.every((i) => isMap(i))) {
      return { kind: 'fields', maps: items.map((m, i) => parseFieldMap(ctx, m as YAMLMap, `${path}[${i}]`)), at };
    }
    if (items.every((i) => isScalar(i))) {
      return { kind: 'keywords', values: items.map((v, i) => keyword(ctx, v, `${path}[${i}]`)), at };
    }
    report(ctx, at, 'a search identifier list must hold only field maps or only keywords (plain values)');
    return { kind: 'keywords', values: [], at };
  }
  if (isScalar(node) && node.value !== null) return { kind: 'keywords', values: [keyword(ctx, node, path)], at };
  report(ctx, at, 'a search identifier must be a map of fields, a list of maps, or a list of keywords');
  return { kind: 'keywords', values: [], at };
}

function keyword(ctx: ParseContext, node: unknown, path: string): SigmaScalar {
  const v = scalarValue(node);
  if (v === null || v === undefined) {
    report(ctx, whereOf(ctx, node, path), 'a keyword cannot be null');
    return '';
  }
  return v;
}

function parseFieldMap(ctx: ParseContext, map: YAMLMap, path: string): FieldMap {
  const items: FieldItem[] = [];
  for (const pair of map.items) {
    const item = parseFieldItem(ctx, pair, path);
    if (item) items.push(item);
  }
  if (map.items.length === 0) report(ctx, whereOf(ctx, map, path), 'a selection map cannot be empty');
  return { items, at: whereOf(ctx, map, path) };
}

function parseFieldItem(ctx: ParseContext, pair: Pair, base: string): FieldItem | undefined {
  const key = scalarText(pair.key) ?? (isScalar(pair.key) && pair.key.value === null ? '' : undefined);
  if (key === undefined) {
    report(ctx, whereOf(ctx, pair.key, base), 'a field name must be a string');
    return undefined;
  }
  const path = joinPath(base, key);
  const at = whereOf(ctx, pair.key, path);
  const [fieldName = '', ...names] = key.split('|');
  const modifiers: ModifierName[] = [];
  let ok = true;
  for (const name of names) {
    if (isModifierName(name)) {
      modifiers.push(name);
    } else if (name === '') {
      report(ctx, at, `empty modifier in '${key}'`);
      ok = false;
    } else if (PLANNED_MODIFIERS.includes(name)) {
      report(ctx, at, `unsupported modifier '${name}' (Sigma 2.1, not implemented yet)`, true);
      ok = false;
    } else {
      report(ctx, at, `unknown modifier '${name}'`);
      ok = false;
    }
  }
  const values = parseValues(ctx, pair.value, path, at);
  if (!ok || values === undefined) return undefined;
  return { field: fieldName === '' ? null : fieldName, modifiers, values, at };
}

function parseValues(ctx: ParseContext, raw: unknown, path: string, keyAt: Where): SigmaScalar[] | undefined {
  const node = deref(ctx, raw, path);
  if (node === null || node === undefined) return [null]; // `field:` with nothing after it is YAML null
  if (isSeq(node)) {
    if (node.items.length === 0) {
      report(ctx, whereOf(ctx, node, path), 'a value list cannot be empty');
      return undefined;
    }
    const values: SigmaScalar[] = [];
    node.items.forEach((item, i) => {
      const v = scalarValue(deref(ctx, item, `${path}[${i}]`));
      if (v === undefined)
        report(ctx, whereOf(ctx, item, `${path}[${i}]`), 'a value must be a string, number, boolean or null, not a list or map');
      else values.push(v);
    });
    return values.length === node.items.length ? values : undefined;
  }
  const v = scalarValue(node);
  if (v === undefined) {
    const at = whereOf(ctx, node, path);
    report(ctx, at.line === undefined ? keyAt : at, 'a value must be a string, number, boolean or null, or a list of them');
    return undefined;
  }
  return [v];
}

function scalarValue(node: unknown): SigmaScalar | undefined {
  if (!isScalar(node)) return undefined;
  const v: unknown = node.value;
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  // Keep the written text when a number cannot round-trip (18-digit ids, .inf): logs carry it as text.
  if (typeof v === 'number') return Number.isFinite(v) && (!Number.isInteger(v) || Number.isSafeInteger(v)) ? v : String(node.source ?? v);
  if (typeof v === 'bigint') return String(v);
  return undefined;
}
