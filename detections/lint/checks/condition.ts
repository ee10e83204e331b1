/**
 * The condition against the search identifiers: names it uses that do not exist, identifiers it
 * never uses, and conditions that hold for no event or for every event whatever the selections
 * say (found by trying every truth assignment of the identifiers it names).
 */
import { expandTarget, type ConditionNode } from '../../sigma/condition.js';
import { conditionAt, conditions, selections, walkCondition, type ConditionDef } from '../detection.js';
import { at, keyNode, present, val } from '../document.js';
import type { DocCheck, LintDoc } from '../model.js';

/** More identifiers than this and the truth table is not tried (2^n assignments). */
const MAX_VARS = 14;

const detectionOf = (doc: LintDoc) => val(doc.root, doc.kind === 'filter' ? 'filter' : 'detection');

export const conditionMissing: DocCheck = {
  id: 'condition-missing',
  severity: 'error',
  group: 'logic',
  description: "the detection has no 'condition'",
  run(doc, emit) {
    const det = detectionOf(doc);
    if (det?.kind === 'map' && !present(val(det, 'condition')))
      emit(at(det, 'condition') ?? keyNode(doc.root, doc.kind === 'filter' ? 'filter' : 'detection'), "detection has no 'condition'");
  },
};

export const conditionSyntax: DocCheck = {
  id: 'condition-syntax',
  severity: 'error',
  group: 'logic',
  description: 'the condition does not parse',
  run(doc, emit) {
    for (const c of conditions(doc)) if (c.error) emit(conditionAt(c, c.error.offset), c.error.message);
  },
};

export const conditionUnknownSelection: DocCheck = {
  id: 'condition-unknown-selection',
  severity: 'error',
  group: 'logic',
  description: 'the condition names a search identifier (or a pattern) that the detection does not define',
  run(doc, emit) {
    const names = selections(doc).map((s) => s.name);
    for (const c of conditions(doc)) {
      if (!c.ast) continue;
      walkCondition(c.ast, (n) => {
        if (n.type === 'ref' && !names.includes(n.name))
          emit(conditionAt(c, n.offset), `the condition names '${n.name}', which is not defined`);
        if (n.type === 'of' && expandTarget(n.target, names).length === 0)
          emit(conditionAt(c, n.offset), `'${n.quantifier} of ${n.target ?? 'them'}' matches no search identifier`);
      });
    }
  },
};

export const selectionUnused: DocCheck = {
  id: 'selection-unused',
  severity: 'warning',
  group: 'logic',
  description: 'a search identifier that no condition uses',
  run(doc, emit) {
    const defs = selections(doc);
    const names = defs.map((s) => s.name);
    const conds = conditions(doc);
    if (conds.length === 0 || conds.some((c) => !c.ast)) return;
    const used = new Set<string>();
    for (const c of conds) for (const n of referenced(c.ast as ConditionNode, names)) used.add(n);
    for (const d of defs) if (!used.has(d.name)) emit(d.key, `search identifier '${d.name}' is not used by the condition`);
  },
};

export const ofSingle: DocCheck = {
  id: 'of-single-selection',
  severity: 'warning',
  group: 'logic',
  description: "'1 of them' or 'all of them' where the detection has a single search identifier",
  run(doc, emit) {
    const names = selections(doc).map((s) => s.name);
    for (const c of conditions(doc)) {
      if (!c.ast) continue;
      walkCondition(c.ast, (n) => {
        // `1 of filter_main_*` over one filter is SigmaHQ's way of leaving room for more: only `them` is flagged.
        if (n.type !== 'of' || n.target !== null) return;
        const m = expandTarget(n.target, names);
        if (m.length === 1)
          emit(conditionAt(c, n.offset), `'${n.quantifier} of ${n.target ?? 'them'}' stands for '${m[0]}' alone: name it`);
      });
    }
  },
};

function referenced(ast: ConditionNode, names: readonly string[]): string[] {
  const out: string[] = [];
  walkCondition(ast, (n) => {
    if (n.type === 'ref') out.push(n.name);
    else out.push(...expandTarget(n.target, names));
  });
  return out;
}

function evaluate(node: ConditionNode, names: readonly string[], value: (name: string) => boolean): boolean {
  switch (node.type) {
    case 'ref':
      return value(node.name);
    case 'of': {
      const m = expandTarget(node.target, names);
      return node.quantifier === '1' ? m.some(value) : m.length > 0 && m.every(value);
    }
    case 'not':
      return !evaluate(node.arg, names, value);
    case 'and':
      return node.args.every((a) => evaluate(a, names, value));
    case 'or':
      return node.args.some((a) => evaluate(a, names, value));
  }
}

/** Whether a condition holds for some assignment and for every one (undefined when too many identifiers to try). */
function truth(c: ConditionDef, names: readonly string[]): { some: boolean; all: boolean } | undefined {
  if (!c.ast) return undefined;
  const vars = [...new Set(referenced(c.ast, names))].filter((n) => names.includes(n));
  if (vars.length > MAX_VARS) return undefined;
  let some = false;
  let all = true;
  for (let mask = 0; mask < 1 << vars.length; mask++) {
    const r = evaluate(c.ast, names, (n) => {
      const i = vars.indexOf(n);
      return i >= 0 && (mask & (1 << i)) !== 0;
    });
    some ||= r;
    all &&= r;
    if (some && !all) break;
  }
  return { some, all };
}

export const conditionNeverMatches: DocCheck = {
  id: 'condition-never-matches',
  severity: 'error',
  group: 'logic',
  description: "a condition that no event can satisfy, whatever its selections match (e.g. 'sel and not sel')",
  run(doc, emit) {
    const names = selections(doc).map((s) => s.name);
    for (const c of conditions(doc)) {
      const t = truth(c, names);
      if (t && !t.some) emit(conditionAt(c, 0), `the condition '${c.text.trim()}' can never match`);
    }
  },
};

export const conditionAlwaysMatches: DocCheck = {
  id: 'condition-always-matches',
  severity: 'error',
  group: 'logic',
  description: "a condition that every event satisfies, whatever its selections match (e.g. 'sel or not sel')",
  run(doc, emit) {
    const names = selections(doc).map((s) => s.name);
    for (const c of conditions(doc)) {
      const t = truth(c, names);
      if (t?.all) emit(conditionAt(c, 0), `the condition '${c.text.trim()}' matches every event`);
    }
  },
};

export const selectionEmpty: DocCheck = {
  id: 'selection-empty',
  severity: 'error',
  group: 'logic',
  description: 'a search identifier with nothing in it (null, an empty map or an empty list)',
  run(doc, emit) {
    for (const s of selections(doc)) {
      const n = s.node;
      const empty =
        (n.kind === 'scalar' && n.value === null) ||
        (n.kind === 'map' && n.pairs.length === 0) ||
        (n.kind === 'seq' && (n.items.length === 0 || n.items.some((i) => i.kind === 'map' && i.pairs.length === 0)));
      if (empty) emit(n.pos.line === undefined ? s.key : n, `search identifier '${s.name}' is empty`);
    }
  },
};

export const keywordsSelection: DocCheck = {
  id: 'keywords-no-field',
  severity: 'info',
  group: 'logic',
  description: 'a keyword search (values with no field): every string of every event is searched',
  run(doc, emit) {
    for (const s of selections(doc))
      if (s.kind === 'keywords' && !(s.node.kind === 'scalar' && s.node.value === null))
        emit(s.key, `'${s.name}' searches keywords in every field: name the field when it is known`);
  },
};
