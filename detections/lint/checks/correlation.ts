/**
 * Correlation rules (Sigma correlation rules specification 2.x): their type, the rules they
 * name (which must be among the documents linted together), the timespan, group-by and aliases.
 */
import { CORRELATION_TYPES, parseTimespan } from '../../correlation/index.js';
import { at, items, keyNode, present, text, val } from '../document.js';
import type { DocCheck, SetCheck } from '../model.js';

const correlationOf = (doc: Parameters<DocCheck['run']>[0]) => (doc.kind === 'correlation' ? val(doc.root, 'correlation') : undefined);
const COUNTING = new Set(['event_count', 'value_count', 'value_sum', 'value_avg', 'value_percentile', 'value_median']);
const OPS = new Set(['gt', 'gte', 'lt', 'lte', 'eq', 'neq']);

export const correlationType: DocCheck = {
  id: 'correlation-type-invalid',
  severity: 'error',
  group: 'correlation',
  description: `a correlation 'type' that is not one of ${Object.keys(CORRELATION_TYPES).join(', ')}`,
  run(doc, emit) {
    const c = correlationOf(doc);
    if (c?.kind !== 'map') return;
    const node = val(c, 'type');
    const t = text(node);
    if (t === undefined || !Object.hasOwn(CORRELATION_TYPES, t))
      emit(at(c, 'type') ?? c, `correlation type ${JSON.stringify(t ?? null)} is not one of ${Object.keys(CORRELATION_TYPES).join(', ')}`);
  },
};

export const correlationRulesMissing: DocCheck = {
  id: 'correlation-rules-missing',
  severity: 'error',
  group: 'correlation',
  description: "a correlation with no 'rules' to correlate",
  run(doc, emit) {
    const c = correlationOf(doc);
    if (c?.kind === 'map' && items(val(c, 'rules')).length === 0) emit(at(c, 'rules') ?? c, "the correlation names no 'rules'");
  },
};

export const correlationTimespan: DocCheck = {
  id: 'correlation-timespan-invalid',
  severity: 'error',
  group: 'correlation',
  description: "a correlation 'timespan' missing or not a positive count and a unit (30s, 5m, 1h, 7d)",
  run(doc, emit) {
    const c = correlationOf(doc);
    if (c?.kind !== 'map') return;
    const type = text(val(c, 'type'));
    const node = val(c, 'timespan');
    if (!present(node)) {
      if (type !== 'new_term') emit(at(c, 'timespan') ?? c, "the correlation has no 'timespan'");
      return;
    }
    const t = text(node);
    if (t === undefined || parseTimespan(t) === undefined)
      emit(node, `timespan ${JSON.stringify(t ?? null)} is not a count and a unit (s, m, h, d)`);
  },
};

export const correlationGroupBy: DocCheck = {
  id: 'correlation-group-by-invalid',
  severity: 'error',
  group: 'correlation',
  description: "'group-by' is not a list of distinct, non-empty field names",
  run(doc, emit) {
    const c = correlationOf(doc);
    const node = val(c, 'group-by');
    if (!present(node)) return;
    if (node.kind !== 'seq') return emit(node, "'group-by' must be a list of field names");
    const seen = new Set<string>();
    for (const i of node.items) {
      const f = text(i);
      if (f === undefined || f.trim() === '') emit(i, "each 'group-by' entry is a non-empty field name");
      else if (seen.has(f)) emit(i, `'${f}' is listed twice in 'group-by'`);
      else seen.add(f);
    }
  },
};

export const correlationGroupByMissing: DocCheck = {
  id: 'correlation-group-by-missing',
  severity: 'info',
  group: 'correlation',
  description: "a counting correlation with no 'group-by': every event falls in one group",
  run(doc, emit) {
    const c = correlationOf(doc);
    if (c?.kind !== 'map' || !COUNTING.has(text(val(c, 'type')) ?? '')) return;
    if (!present(val(c, 'group-by'))) emit(keyNode(doc.root, 'correlation'), "no 'group-by': the whole stream is one group");
  },
};

export const correlationCondition: DocCheck = {
  id: 'correlation-condition-invalid',
  severity: 'error',
  group: 'correlation',
  description: "a counting correlation whose 'condition' is not a map of comparisons (gt, gte, lt, lte, eq, neq) to numbers",
  run(doc, emit) {
    const c = correlationOf(doc);
    const type = text(val(c, 'type'));
    if (c?.kind !== 'map' || !COUNTING.has(type ?? '')) return;
    const cond = val(c, 'condition');
    if (cond?.kind !== 'map') return emit(at(c, 'condition') ?? c, `a ${type} correlation needs a 'condition' map (gte: 10)`);
    const ops = cond.pairs.filter((p) => OPS.has(text(p.key) ?? ''));
    if (ops.length === 0) emit(cond, `the condition compares nothing: give one of ${[...OPS].join(', ')}`);
    for (const p of ops)
      if (p.value.kind !== 'scalar' || typeof p.value.value !== 'number') emit(p.value, `'${text(p.key)}' needs a number`);
    if (type !== 'event_count' && !present(val(cond, 'field')))
      emit(cond, `a ${type} correlation names the 'field' it reads in its condition`);
  },
};

export const correlationAlias: DocCheck = {
  id: 'correlation-alias-invalid',
  severity: 'error',
  group: 'correlation',
  description: "an alias that maps a rule the correlation does not name, or is not used in 'group-by'",
  run(doc, emit) {
    const c = correlationOf(doc);
    const aliases = val(c, 'aliases');
    if (aliases?.kind !== 'map') return;
    const rules = new Set(items(val(c, 'rules')).map(text));
    const groupBy = new Set(items(val(c, 'group-by')).map(text));
    for (const pair of aliases.pairs) {
      const name = text(pair.key) ?? '';
      if (!groupBy.has(name)) emit(pair.key, `alias '${name}' is not used in 'group-by'`);
      if (pair.value.kind !== 'map') continue;
      for (const m of pair.value.pairs)
        if (!rules.has(text(m.key))) emit(m.key, `alias '${name}' maps '${text(m.key)}', which the correlation does not name in 'rules'`);
    }
  },
};

export const correlationRuleUnknown: SetCheck = {
  id: 'correlation-rule-unknown',
  severity: 'error',
  group: 'correlation',
  description: 'a correlation names a rule id or name that no linted document has',
  runAll(docs, emit) {
    const known = new Set<string>();
    for (const d of docs)
      for (const k of ['id', 'name']) {
        const v = text(val(d.root, k));
        if (v !== undefined) known.add(v);
      }
    for (const d of docs) {
      const c = correlationOf(d);
      for (const r of items(val(c, 'rules'))) {
        const ref = text(r);
        if (ref !== undefined && !known.has(ref)) emit(d, r, `the correlation names '${ref}', which no linted rule has as id or name`);
      }
      const gen = val(c, 'generate');
      if (gen?.kind === 'seq')
        for (const r of gen.items) {
          const ref = text(r);
          if (ref !== undefined && !known.has(ref)) emit(d, r, `'generate' names '${ref}', which no linted rule has as id or name`);
        }
    }
  },
};
