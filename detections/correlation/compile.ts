/**
 * Correlation models + the base rules they may name → compiled correlations: references
 * resolved (by id or name, rules or other correlations), aliases mapped per rule, chains
 * checked for cycles, and each type's configuration prepared for the engine. A correlation
 * with a problem is left out and reported, and so is every correlation that uses it; the
 * others are unaffected.
 */
import { VigilError } from '../../core/errors/index.js';
import { firedRule, type FiredRule, type Where } from '../model/index.js';
import type { Rule } from '../sigma/model.js';
import { toVigilError, type Problem } from '../sigma/problems.js';
import { compileExpression, expressionRefs } from './expression.js';
import { escapePart, fieldGetter, type FieldGetter } from './key.js';
import type { CorrelationRule, RuleRef } from './model.js';
import { boundsTest } from './types/checks.js';
import type { KeyState, TypeConfig, TypeHandler } from './types/contract.js';
import { handlerOf, type CorrelationType } from './types/index.js';

/** How the events of one input rule are read by a correlation. */
export interface CorrelationInputSpec {
  /** The rule's index in the correlation's (deduplicated) rule list. */
  readonly index: number;
  /** The group-by fields in this rule's events (aliases resolved). */
  readonly groupBy: readonly string[];
  /** The value field(s) in this rule's events, for types that read one. */
  readonly value?: readonly string[];
  /** Readers of the same fields. */
  readonly groupGetters: readonly FieldGetter[];
  readonly valueGetters: readonly FieldGetter[];
}

export interface CompiledCorrelation {
  readonly rule: CorrelationRule;
  readonly id: string;
  readonly type: CorrelationType;
  readonly handler: TypeHandler<KeyState, unknown>;
  readonly cfg: TypeConfig;
  /** Every state key of this correlation starts with this (the escaped id and `|`). */
  readonly keyPrefix: string;
  /** Input rule or correlation id → how to read its events. */
  readonly inputs: ReadonlyMap<string, CorrelationInputSpec>;
  /** Input ids in rule-index order. */
  readonly ruleIds: readonly string[];
  /** The same rules as the correlation names them (id or name), for messages. */
  readonly ruleRefs: readonly string[];
  /** Correlations that take this one's alerts as input. */
  readonly feeds: readonly string[];
  /** Whether its alerts go to vigil.alerts (false when a correlation using it does not `generate`). */
  readonly emit: boolean;
  readonly suppressMs: number;
  /** What an alert of this correlation reports about its rule. */
  readonly fired: FiredRule;
}

type Target = { kind: 'rule'; id: string } | { kind: 'correlation'; id: string };

export interface CompileResult {
  correlations: CompiledCorrelation[];
  errors: VigilError[];
  /** Rule and correlation ids whose own alerts must not be emitted (a correlation uses them without `generate`). */
  silenced: Set<string>;
}

export function compileCorrelations(models: readonly CorrelationRule[], baseRules: readonly Rule[]): CompileResult {
  const errors: VigilError[] = [];
  const problemsOf = new Map<CorrelationRule, Problem[]>();
  const problem = (m: CorrelationRule, at: Where, message: string): void => {
    const list = problemsOf.get(m) ?? [];
    list.push({ message, at });
    problemsOf.set(m, list);
  };

  // Correlations by id: the first of a duplicate wins, as loadRules does for rules.
  const byId = new Map<string, CorrelationRule>();
  const kept: CorrelationRule[] = [];
  for (const m of models) {
    const first = byId.get(m.id);
    if (first) {
      problem(
        m,
        { path: 'id', line: m.location.line, column: m.location.column },
        `duplicate correlation id '${m.id}' (first defined in ${first.location.file})`,
      );
      continue;
    }
    if (baseRules.some((r) => r.id === m.id)) {
      problem(m, { path: 'id', line: m.location.line, column: m.location.column }, `the correlation id '${m.id}' is also a rule's id`);
      continue;
    }
    byId.set(m.id, m);
    kept.push(m);
  }

  // References: ids first, then names; a name two things share is ambiguous.
  const refs = new Map<string, Target | 'ambiguous'>();
  const add = (ref: string | undefined, t: Target): void => {
    if (ref === undefined) return;
    const prev = refs.get(ref);
    refs.set(ref, prev && (prev === 'ambiguous' || prev.id !== t.id || prev.kind !== t.kind) ? 'ambiguous' : t);
  };
  for (const r of baseRules) add(r.id, { kind: 'rule', id: r.id });
  for (const m of kept) add(m.id, { kind: 'correlation', id: m.id });
  for (const r of baseRules) if (r.name !== undefined && !refs.has(r.name)) add(r.name, { kind: 'rule', id: r.id });
  for (const m of kept) if (m.name !== undefined && m.name !== m.id && !refs.has(m.name)) add(m.name, { kind: 'correlation', id: m.id });

  const resolve = (m: CorrelationRule, ref: string, at: Where): Target | undefined => {
    const t = refs.get(ref);
    if (t === undefined) problem(m, at, `unknown rule '${ref}': no Sigma rule or correlation loaded has this id or name`);
    else if (t === 'ambiguous') problem(m, at, `the reference '${ref}' is ambiguous: several rules or correlations have this id or name`);
    else if (t.kind === 'correlation' && t.id === m.id) problem(m, at, 'a correlation cannot use its own alerts');
    else return t;
    return undefined;
  };

  // Aligned with each correlation's `rules`; undefined where a reference did not resolve.
  const targets = new Map<CorrelationRule, Array<Target | undefined>>();
  for (const m of kept) {
    const list: Array<Target | undefined> = [];
    for (const r of m.rules) {
      const t = resolve(m, r.ref, r.at);
      if (t && list.some((x) => x?.id === t.id) && m.type !== 'temporal_ordered') problem(m, r.at, `'${r.ref}' is listed twice`);
      list.push(t);
    }
    targets.set(m, list);
  }

  // Chains: a correlation loads only when every correlation it uses loads, and no cycle.
  const state = new Map<string, 'visiting' | 'ok' | 'bad'>();
  const visit = (m: CorrelationRule): boolean => {
    const s = state.get(m.id);
    if (s === 'ok') return true;
    if (s === 'bad') return false;
    if (s === 'visiting') return false;
    state.set(m.id, 'visiting');
    let ok = true;
    for (const [k, t] of (targets.get(m) ?? []).entries()) {
      if (t?.kind !== 'correlation') continue;
      const inner = byId.get(t.id) as CorrelationRule;
      if (state.get(inner.id) === 'visiting') {
        problem(m, m.rules[k]?.at ?? m.typeAt, `the correlation chain loops back to '${inner.id}'`);
        ok = false;
      } else if (!visit(inner)) {
        problem(m, m.rules[k]?.at ?? m.typeAt, `uses correlation '${inner.id}', which did not load`);
        ok = false;
      }
    }
    const compiledOk = ok && checkOwn(m, targets.get(m) ?? [], resolve, problem) && !problemsOf.has(m);
    state.set(m.id, compiledOk ? 'ok' : 'bad');
    return compiledOk;
  };
  for (const m of kept) visit(m);

  const good = kept.filter((m) => state.get(m.id) === 'ok');
  const silenced = new Set<string>();
  const feeds = new Map<string, string[]>();
  for (const m of good) {
    const generated = generatedIds(m, refs);
    for (const t of defined(targets.get(m))) {
      if (!generated.has(t.id)) silenced.add(t.id);
      if (t.kind === 'correlation') feeds.set(t.id, [...(feeds.get(t.id) ?? []), m.id]);
    }
  }
  const correlations = good.map((m) => build(m, defined(targets.get(m)), refs, feeds.get(m.id) ?? [], !silenced.has(m.id)));
  for (const m of models) for (const p of problemsOf.get(m) ?? []) errors.push(toVigilError(p, m.location.file));
  return { correlations, errors, silenced };
}

/** Checks that need the resolved references: aliases, expression references. */
/** The ids a correlation lets raise their own alerts (all when `generate: true`). */
function generatedIds(m: CorrelationRule, refs: ReadonlyMap<string, Target | 'ambiguous'>): Set<string> {
  const out = new Set<string>();
  const list = m.generate === true ? m.rules : m.generate === false ? [] : m.generate;
  for (const r of list) {
    const t = refs.get(r.ref);
    if (t && t !== 'ambiguous') out.add(t.id);
  }
  return out;
}

function defined(list: ReadonlyArray<Target | undefined> | undefined): Target[] {
  return (list ?? []).filter((t): t is Target => t !== undefined);
}

function checkOwn(
  m: CorrelationRule,
  list: ReadonlyArray<Target | undefined>,
  resolve: (m: CorrelationRule, ref: string, at: Where) => Target | undefined,
  problem: (m: CorrelationRule, at: Where, message: string) => void,
): boolean {
  let ok = true;
  const ids = new Set(defined(list).map((t) => t.id));
  for (const [alias, mapping] of m.aliases) {
    const at = m.aliasesAt.get(alias) ?? m.groupByAt;
    const mapped = new Set<string>();
    for (const ref of mapping.keys()) {
      const t = resolve(m, ref, at);
      if (!t) ok = false;
      else if (!ids.has(t.id)) {
        problem(m, at, `alias '${alias}' maps '${ref}', which the correlation does not list in 'rules'`);
        ok = false;
      } else mapped.add(t.id);
    }
    const used = m.groupBy.includes(alias) || (m.condition.field ?? []).includes(alias);
    if (used) {
      m.rules.forEach((r, k) => {
        const t = list[k];
        if (t && !mapped.has(t.id)) {
          problem(m, at, `alias '${alias}' gives no field for rule '${r.ref}'`);
          ok = false;
        }
      });
    }
  }
  if (Array.isArray(m.generate)) {
    const listed = new Set(m.rules.map((r) => r.ref));
    for (const g of m.generate as readonly RuleRef[]) {
      if (!listed.has(g.ref)) {
        problem(m, g.at, `'generate' names '${g.ref}', which the correlation does not list in 'rules'`);
        ok = false;
      }
    }
  }
  if (m.condition.expression) {
    const listed = new Set(m.rules.map((r) => r.ref));
    for (const ref of expressionRefs(m.condition.expression)) {
      if (!listed.has(ref)) {
        problem(m, m.condition.at, `the condition names '${ref}', which the correlation does not list in 'rules'`);
        ok = false;
      }
    }
  }
  return ok;
}

function minMetric(m: CorrelationRule): number {
  let min = 1;
  for (const b of m.condition.bounds) {
    if (b.op === 'gt') min = Math.max(min, Math.floor(b.value) + 1);
    if (b.op === 'gte') min = Math.max(min, Math.ceil(b.value));
  }
  return min;
}

function build(
  m: CorrelationRule,
  list: readonly Target[],
  refs: ReadonlyMap<string, Target | 'ambiguous'>,
  feeds: readonly string[],
  emit: boolean,
): CompiledCorrelation {
  const handler = handlerOf(m.type);
  const ruleIds: string[] = [];
  const ruleRefs: string[] = [];
  list.forEach((t, k) => {
    if (ruleIds.includes(t.id)) return;
    ruleIds.push(t.id);
    ruleRefs.push(m.rules[k]?.ref ?? t.id);
  });
  const indexOf = (id: string): number => ruleIds.indexOf(id);
  const refIndex = (ref: string): number => {
    const t = refs.get(ref);
    return t && t !== 'ambiguous' ? indexOf(t.id) : -1;
  };
  // Alias mapping by resolved rule id.
  const aliasFor = new Map<string, Map<string, string>>();
  for (const [alias, mapping] of m.aliases) {
    const byRule = new Map<string, string>();
    for (const [ref, field] of mapping) {
      const t = refs.get(ref);
      if (t && t !== 'ambiguous') byRule.set(t.id, field);
    }
    aliasFor.set(alias, byRule);
  }
  const fieldFor = (name: string, ruleId: string): string => aliasFor.get(name)?.get(ruleId) ?? name;
  const inputs = new Map<string, CorrelationInputSpec>();
  for (const id of ruleIds) {
    const groupBy = m.groupBy.map((g) => fieldFor(g, id));
    const value = m.condition.field?.map((f) => fieldFor(f, id));
    inputs.set(id, {
      index: indexOf(id),
      groupBy,
      ...(value && { value }),
      groupGetters: groupBy.map(fieldGetter),
      valueGetters: (value ?? []).map(fieldGetter),
    });
  }
  const expression = m.condition.expression ? compileExpression(m.condition.expression, refIndex) : undefined;
  const cfg: TypeConfig = {
    spanMs: m.timespan.ms,
    eager: handler.eager(m.condition),
    test: expression ? (v) => v >= 1 : boundsTest(m.condition),
    minMetric: expression ? 1 : minMetric(m),
    condition: m.condition,
    sequence: list.map((t) => indexOf(t.id)),
    ruleCount: ruleIds.length,
    ...(expression && { expression }),
    learningMs: m.learning?.ms ?? 0,
  };
  return {
    rule: m,
    id: m.id,
    type: m.type,
    handler,
    cfg,
    keyPrefix: `${escapePart(m.id)}|`,
    inputs,
    ruleIds,
    ruleRefs,
    feeds,
    emit,
    suppressMs: m.suppress?.ms ?? 0,
    fired: firedRule(m),
  };
}
