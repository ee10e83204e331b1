/**
 * The detection block of a lint document as the logic and fields checks read it: its search
 * identifiers, their field entries (field, modifiers, value nodes) and its conditions. Shapes the
 * loader refuses are skipped here: the loader's own problems report them.
 */
import { parseCondition, type ConditionNode } from '../sigma/condition.js';
import { text, val, type SNode } from './document.js';
import type { LintDoc } from './model.js';

export interface FieldEntry {
  readonly selection: string;
  /** The `field|mod` key node. */
  readonly key: SNode;
  /** null for a keyless entry (`'|all': […]`). */
  readonly field: string | null;
  readonly modifiers: readonly string[];
  /** The value node (a scalar or a list). */
  readonly node: SNode;
  /** The scalar value nodes. */
  readonly values: readonly Extract<SNode, { kind: 'scalar' }>[];
}

export interface SelectionDef {
  readonly name: string;
  readonly key: SNode;
  readonly node: SNode;
  readonly kind: 'fields' | 'keywords' | 'other';
}

export interface ConditionDef {
  readonly node: Extract<SNode, { kind: 'scalar' }>;
  readonly text: string;
  readonly ast?: ConditionNode;
  readonly error?: { message: string; offset: number };
}

const NOT_SELECTIONS = new Set(['condition', 'timeframe']);

/** Each document is read once however many checks ask (documents are immutable). */
function memo<T>(read: (doc: LintDoc) => T): (doc: LintDoc) => T {
  const cache = new WeakMap<LintDoc, T>();
  return (doc) => {
    if (!cache.has(doc)) cache.set(doc, read(doc));
    return cache.get(doc) as T;
  };
}

export const selections = memo(readSelections);
export const fieldEntries = memo(readFieldEntries);
export const conditions = memo(readConditions);

function readSelections(doc: LintDoc): SelectionDef[] {
  const det = val(doc.root, doc.kind === 'filter' ? 'filter' : 'detection');
  if (det?.kind !== 'map') return [];
  const out: SelectionDef[] = [];
  for (const pair of det.pairs) {
    const name = text(pair.key);
    if (name === undefined || NOT_SELECTIONS.has(name) || (doc.kind === 'filter' && name === 'rules')) continue;
    const n = pair.value;
    const kind =
      n.kind === 'map' || (n.kind === 'seq' && n.items.length > 0 && n.items.every((i) => i.kind === 'map'))
        ? 'fields'
        : n.kind === 'scalar' || (n.kind === 'seq' && n.items.every((i) => i.kind === 'scalar'))
          ? 'keywords'
          : 'other';
    out.push({ name, key: pair.key, node: n, kind });
  }
  return out;
}

function readFieldEntries(doc: LintDoc): FieldEntry[] {
  const out: FieldEntry[] = [];
  for (const sel of selections(doc)) {
    if (sel.kind !== 'fields') continue;
    const maps = sel.node.kind === 'map' ? [sel.node] : sel.node.kind === 'seq' ? sel.node.items : [];
    for (const map of maps) {
      if (map.kind !== 'map') continue;
      for (const pair of map.pairs) {
        const key = text(pair.key) ?? '';
        const [field = '', ...modifiers] = key.split('|');
        const node = pair.value;
        const values = (node.kind === 'seq' ? node.items : [node]).filter(
          (v): v is Extract<SNode, { kind: 'scalar' }> => v.kind === 'scalar',
        );
        out.push({ selection: sel.name, key: pair.key, field: field === '' ? null : field, modifiers, node, values });
      }
    }
  }
  return out;
}

function readConditions(doc: LintDoc): ConditionDef[] {
  const det = val(doc.root, doc.kind === 'filter' ? 'filter' : 'detection');
  const node = val(det, 'condition');
  if (node === undefined) return [];
  const list = node.kind === 'seq' ? node.items : [node];
  const out: ConditionDef[] = [];
  for (const n of list) {
    if (n.kind !== 'scalar' || typeof n.value !== 'string') continue;
    const parsed = parseCondition(n.value);
    out.push('ast' in parsed ? { node: n, text: n.value, ast: parsed.ast } : { node: n, text: n.value, error: parsed.error });
  }
  return out;
}

/** Where an offset into a condition is: exact for a one-line scalar, the condition's start otherwise. */
export function conditionAt(c: ConditionDef, offset: number): { line?: number; column?: number } {
  if (c.node.content?.line !== undefined && c.node.content.column !== undefined)
    return { line: c.node.content.line, column: c.node.content.column + offset };
  return c.node.pos;
}

/** Every identifier reference and `x of` in a condition, in order. */
export function walkCondition(node: ConditionNode, visit: (n: Extract<ConditionNode, { type: 'ref' | 'of' }>) => void): void {
  if (node.type === 'ref' || node.type === 'of') visit(node);
  else if (node.type === 'not') walkCondition(node.arg, visit);
  else for (const a of node.args) walkCondition(a, visit);
}
