/**
 * A correlation document (YAML tree with positions) → the immutable `CorrelationRule` model,
 * with every problem located by line and column. References to other rules are checked later,
 * when the whole set is known (`compile.ts`).
 */
import { deepFreeze, type Where } from '../model/index.js';
import { metaReader, parseRuleMeta } from '../sigma/parse-meta.js';
import type { Problem } from '../sigma/problems.js';
import { getKey, isNull, report, scalarText, whereOf, type ParseContext, type SNode } from '../sigma/source.js';
import { parseExpression } from './expression.js';
import {
  CONDITION_OPS,
  type Bound,
  type Condition,
  type ConditionOp,
  type CorrelationRule,
  type RuleRef,
  type SpikeSpec,
  type Timespan,
} from './model.js';
import { parseTimespan } from './timespan.js';
import { CORRELATION_TYPES, isCorrelationType, type CorrelationType } from './types/index.js';

type MapNode = Extract<SNode, { kind: 'map' }>;

const KEYS = ['type', 'rules', 'group-by', 'timespan', 'condition', 'aliases', 'generate', 'suppress', 'learning'];
const SPIKE_KEYS = ['ratio', 'direction', 'min_current', 'min_reference'];
const CONDITION_KEYS = [...CONDITION_OPS, 'field', 'percentile', ...SPIKE_KEYS];

/** Whether a document's root is a correlation (has a `correlation` key). */
export function isCorrelationNode(root: SNode): boolean {
  return root.kind === 'map' && getKey(root, 'correlation') !== undefined;
}

/** Parses one correlation document; the model is usable only when `problems` is empty. */
export function parseCorrelation(root: SNode, file: string): { rule: CorrelationRule | undefined; problems: Problem[] } {
  const ctx: ParseContext = { problems: [] };
  const rootAt = whereOf(root, '');
  if (root.kind !== 'map') {
    report(ctx, rootAt, 'a correlation rule must be a YAML map');
    return { rule: undefined, problems: ctx.problems };
  }
  const rule = parseRoot(ctx, root, rootAt, file);
  return { rule: rule && ctx.problems.length === 0 ? deepFreeze(rule) : undefined, problems: ctx.problems };
}

function parseRoot(ctx: ParseContext, root: MapNode, rootAt: Where, file: string): CorrelationRule | undefined {
  const meta = metaReader(ctx, root, rootAt);
  const common = parseRuleMeta(ctx, meta, {
    missingIdOrName: "a correlation rule needs an 'id' (or at least a 'name') so that alerts and other correlations can refer to it",
  });

  const corrNode = meta.get('correlation') as SNode;
  const corrAt = meta.keyAt('correlation');
  if (corrNode.kind !== 'map') {
    report(
      ctx,
      whereOf(corrNode, 'correlation').line === undefined ? corrAt : whereOf(corrNode, 'correlation'),
      "'correlation' must be a map (type, rules, group-by, timespan, condition…)",
    );
    return undefined;
  }
  for (const pair of corrNode.pairs) {
    const key = scalarText(pair.key) ?? '?';
    if (!KEYS.includes(key))
      report(ctx, whereOf(pair.key, `correlation.${key}`), `unknown key 'correlation.${key}' (known: ${KEYS.join(', ')})`);
  }
  const field = (key: string): SNode | undefined => {
    const v = getKey(corrNode, key)?.value;
    return v === undefined || isNull(v) ? undefined : v;
  };
  const keyAt = (key: string): Where => {
    const pair = getKey(corrNode, key);
    return pair ? whereOf(pair.key, `correlation.${key}`) : { ...whereOf(corrNode, 'correlation'), path: `correlation.${key}` };
  };

  const type = parseType(ctx, field('type'), keyAt('type'));
  const rules = parseRules(ctx, field('rules'), keyAt('rules'));
  const groupBy = parseStrings(ctx, field('group-by'), 'correlation.group-by') ?? [];
  const timespan = parseSpan(ctx, field('timespan'), keyAt('timespan'), 'timespan', true);
  const suppress = parseSpan(ctx, field('suppress'), keyAt('suppress'), 'suppress', false);
  const learning = parseSpan(ctx, field('learning'), keyAt('learning'), 'learning', false);
  const aliases = parseAliases(ctx, field('aliases'));
  const generate = parseGenerate(ctx, field('generate') ?? meta.get('generate'), keyAt('generate'));
  if (learning && type !== 'new_term') report(ctx, learning.at, "'learning' applies to new_term correlations only");
  let condition: Condition | undefined;
  if (type) {
    condition = parseCondition(ctx, field('condition'), keyAt('condition'), type, rules ?? []);
    if (condition) {
      const at = condition.at;
      CORRELATION_TYPES[type].check(condition, rules?.length ?? 0, (message) => report(ctx, at, message));
    }
  }
  for (const g of groupBy) if (g.trim() === '') report(ctx, keyAt('group-by'), "'group-by' names an empty field");

  if (!type || !rules || !timespan || !condition || !common) return undefined;
  return {
    ...common,
    type,
    typeAt: keyAt('type'),
    rules,
    groupBy,
    groupByAt: keyAt('group-by'),
    timespan,
    condition,
    aliases: aliases.map,
    aliasesAt: aliases.at,
    generate,
    ...(suppress && { suppress }),
    ...(learning && { learning }),
    location: { file, line: rootAt.line, column: rootAt.column },
  };
}

function parseType(ctx: ParseContext, node: SNode | undefined, at: Where): CorrelationType | undefined {
  if (!node) {
    report(ctx, at, `the correlation has no 'type' (one of ${Object.keys(CORRELATION_TYPES).join(', ')})`);
    return undefined;
  }
  const s = scalarText(node);
  if (s !== undefined && isCorrelationType(s)) return s;
  report(
    ctx,
    whereOf(node, 'correlation.type'),
    `unknown correlation type '${s ?? '?'}' (one of ${Object.keys(CORRELATION_TYPES).join(', ')})`,
  );
  return undefined;
}

function parseStrings(ctx: ParseContext, node: SNode | undefined, path: string): string[] | undefined {
  if (!node) return undefined;
  if (node.kind === 'scalar') {
    const s = scalarText(node);
    if (s !== undefined) return [s];
  }
  if (node.kind !== 'seq') {
    report(ctx, whereOf(node, path), `'${path}' must be a string or a list of strings`);
    return undefined;
  }
  const out: string[] = [];
  node.items.forEach((item, i) => {
    const s = scalarText(item);
    if (s === undefined) report(ctx, whereOf(item, `${path}[${i}]`), `'${path}' must be a list of strings`);
    else out.push(s);
  });
  return out;
}

function parseRules(ctx: ParseContext, node: SNode | undefined, at: Where): RuleRef[] | undefined {
  if (!node) {
    report(ctx, at, "the correlation has no 'rules': the ids or names of the rules it correlates");
    return undefined;
  }
  const items = node.kind === 'seq' ? node.items : [node];
  const refs: RuleRef[] = [];
  items.forEach((item, i) => {
    const s = scalarText(item);
    const where = whereOf(item, node.kind === 'seq' ? `correlation.rules[${i}]` : 'correlation.rules');
    if (s === undefined || s.trim() === '') report(ctx, where, "'correlation.rules' must list rule ids or names");
    else refs.push({ ref: s, at: where });
  });
  if (items.length === 0) report(ctx, whereOf(node, 'correlation.rules'), "'correlation.rules' is empty");
  return refs.length === items.length && refs.length > 0 ? refs : undefined;
}

function parseSpan(ctx: ParseContext, node: SNode | undefined, at: Where, key: string, required: boolean): Timespan | undefined {
  if (!node) {
    if (required) report(ctx, at, `the correlation has no '${key}' (a number and a unit: 30s, 5m, 1h, 7d)`);
    return undefined;
  }
  const text = scalarText(node);
  const where = whereOf(node, `correlation.${key}`);
  const ms = text === undefined ? undefined : parseTimespan(text);
  if (text === undefined || ms === undefined) {
    report(ctx, where, `invalid ${key} '${text ?? '?'}': write a positive number and a unit (s, m, h, d, w), e.g. 5m`);
    return undefined;
  }
  return { text, ms, at: where };
}

function parseGenerate(ctx: ParseContext, node: SNode | undefined, at: Where): boolean | RuleRef[] {
  if (!node) return false;
  if (node.kind === 'scalar' && typeof node.value === 'boolean') return node.value;
  if (node.kind === 'seq') {
    const refs: RuleRef[] = [];
    node.items.forEach((item, i) => {
      const s = scalarText(item);
      if (s === undefined) report(ctx, whereOf(item, `correlation.generate[${i}]`), "'generate' lists rule ids or names");
      else refs.push({ ref: s, at: whereOf(item, `correlation.generate[${i}]`) });
    });
    return refs;
  }
  report(
    ctx,
    node.pos.line === undefined ? at : whereOf(node, 'correlation.generate'),
    "'generate' must be true, false, or a list of the rules to generate",
  );
  return false;
}

function parseAliases(ctx: ParseContext, node: SNode | undefined): { map: Map<string, Map<string, string>>; at: Map<string, Where> } {
  const map = new Map<string, Map<string, string>>();
  const at = new Map<string, Where>();
  if (!node) return { map, at };
  if (node.kind !== 'map') {
    report(ctx, whereOf(node, 'correlation.aliases'), "'correlation.aliases' must map each alias to a map of rule name → field");
    return { map, at };
  }
  for (const pair of node.pairs) {
    const alias = scalarText(pair.key) ?? '?';
    const path = `correlation.aliases.${alias}`;
    if (pair.value.kind !== 'map') {
      report(ctx, whereOf(pair.value, path), `alias '${alias}' must map rule names to field names`);
      continue;
    }
    const fields = new Map<string, string>();
    for (const p of pair.value.pairs) {
      const rule = scalarText(p.key);
      const field = scalarText(p.value);
      if (rule === undefined || field === undefined || field.trim() === '') {
        report(ctx, whereOf(p.value, `${path}.${rule ?? '?'}`), `alias '${alias}' must map rule names to field names`);
        continue;
      }
      fields.set(rule, field);
    }
    map.set(alias, fields);
    at.set(alias, whereOf(pair.key, path));
  }
  return { map, at };
}

function numberOf(node: SNode): number | undefined {
  if (node.kind !== 'scalar') return undefined;
  const v = node.value;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

function parseCondition(
  ctx: ParseContext,
  node: SNode | undefined,
  at: Where,
  type: CorrelationType,
  rules: readonly RuleRef[],
): Condition | undefined {
  const temporal = type === 'temporal' || type === 'temporal_ordered';
  if (!node) {
    // Sigma: a temporal correlation without a condition asks for every rule (pySigma: gte the number of rules).
    if (temporal) {
      const n = type === 'temporal' ? new Set(rules.map((r) => r.ref)).size : rules.length;
      return { bounds: [{ op: 'gte', value: n }], implicit: true, at };
    }
    return { bounds: [], implicit: true, at };
  }
  const where = whereOf(node, 'correlation.condition');
  if (node.kind === 'scalar' && typeof node.value === 'string') {
    if (!temporal) {
      report(ctx, where, `a ${type} condition must be a map such as { gte: 10 }; expressions are for temporal correlations`);
      return undefined;
    }
    const expr = parseExpression(node.value);
    if (typeof expr === 'string') {
      report(ctx, where, expr);
      return undefined;
    }
    return { bounds: [], expression: expr, implicit: false, at: where };
  }
  if (node.kind !== 'map') {
    report(ctx, where, 'the condition must be a map such as { gte: 10 } (gt, gte, lt, lte, eq, neq; field; percentile)');
    return undefined;
  }
  const bounds: Bound[] = [];
  let field: string[] | undefined;
  let percentile: number | undefined;
  const spike: Record<string, SNode> = {};
  let ok = true;
  for (const pair of node.pairs) {
    const key = scalarText(pair.key) ?? '?';
    const path = `correlation.condition.${key}`;
    const valueAt = whereOf(pair.value, path);
    if ((CONDITION_OPS as readonly string[]).includes(key)) {
      const n = numberOf(pair.value);
      if (n === undefined) {
        report(ctx, valueAt, `'${key}' needs a number, not '${scalarText(pair.value) ?? pair.value.kind}'`);
        ok = false;
      } else bounds.push({ op: key as ConditionOp, value: n });
    } else if (key === 'field') {
      field = parseStrings(ctx, pair.value, path);
      if (!field) ok = false;
    } else if (key === 'percentile') {
      const n = numberOf(pair.value);
      if (n === undefined || n < 0 || n > 100) {
        report(ctx, valueAt, "'percentile' must be a number from 0 to 100");
        ok = false;
      } else percentile = n;
    } else if (SPIKE_KEYS.includes(key)) spike[key] = pair.value;
    else {
      report(ctx, whereOf(pair.key, path), `unknown condition key '${key}' (known: ${CONDITION_KEYS.join(', ')})`);
      ok = false;
    }
  }
  const spec = Object.keys(spike).length > 0 ? parseSpike(ctx, spike) : undefined;
  if (spec === null) ok = false;
  if (!ok) return undefined;
  return {
    bounds,
    ...(field && { field }),
    ...(percentile !== undefined && { percentile }),
    ...(spec && { spike: spec }),
    implicit: false,
    at: where,
  };
}

function parseSpike(ctx: ParseContext, nodes: Record<string, SNode>): SpikeSpec | null {
  let ok = true;
  const num = (key: string, min: number, fallback: number | undefined): number => {
    const node = nodes[key];
    if (!node) {
      if (fallback === undefined) {
        ok = false;
        return 0;
      }
      return fallback;
    }
    const n = numberOf(node);
    if (n === undefined || n < min) {
      report(ctx, whereOf(node, `correlation.condition.${key}`), `'${key}' must be a number of at least ${min}`);
      ok = false;
      return 0;
    }
    return n;
  };
  const ratio = num('ratio', 1, undefined);
  if (!nodes.ratio) {
    const anyNode = Object.values(nodes)[0] as SNode;
    report(
      ctx,
      whereOf(anyNode, 'correlation.condition'),
      "a spike condition needs 'ratio': how many times the previous window's count makes a spike",
    );
  } else if (ok && ratio <= 1) {
    report(ctx, whereOf(nodes.ratio, 'correlation.condition.ratio'), "'ratio' must be greater than 1");
    ok = false;
  }
  let direction: SpikeSpec['direction'] = 'up';
  if (nodes.direction) {
    const d = scalarText(nodes.direction);
    if (d === 'up' || d === 'down' || d === 'both') direction = d;
    else {
      report(ctx, whereOf(nodes.direction, 'correlation.condition.direction'), "'direction' must be up, down or both");
      ok = false;
    }
  }
  const minCurrent = num('min_current', 1, 1);
  const minReference = num('min_reference', 1, 1);
  return ok ? { ratio, direction, minCurrent, minReference } : null;
}
