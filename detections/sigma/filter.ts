/**
 * Sigma filters (Sigma filters specification 2.0): a document with `filter: {rules, <selections>,
 * condition}` and a logsource, applied to the rules it names. As pySigma (and rsigma) apply
 * them, each condition of a named rule becomes `(<rule condition>) and (<filter condition>)`,
 * so a filter that suppresses is written `condition: not selection`. A filter applies only to
 * rules whose logsource it contains (each category/product/service it sets must be the rule's).
 */
import type { LogSource, Rule, SigmaFilter } from './model.js';
import { parseDetection } from './parse-detection.js';
import { parseLogSource, type MetaReader } from './parse-meta.js';
import { getKey, report, scalarText, whereOf, type ParseContext } from './source.js';

export function parseFilterMap(ctx: ParseContext, meta: MetaReader, file: string): SigmaFilter | undefined {
  const title = meta.text('title', true);
  const id = meta.text('id', false);
  const description = meta.text('description', false);
  const logsource = parseLogSource(ctx, meta);
  const node = meta.get('filter');
  const keyAt = meta.keyAt('filter');
  if (node?.kind !== 'map') {
    report(ctx, keyAt, "'filter' must be a map of 'rules', search identifiers and a 'condition'");
    return undefined;
  }
  const rulesPair = getKey(node, 'rules');
  let rules: SigmaFilter['rules'] | undefined;
  if (!rulesPair) {
    report(ctx, keyAt, "the filter has no 'filter.rules': list the ids or names of the rules it applies to, or write 'any'");
  } else if (rulesPair.value.kind === 'scalar') {
    const s = scalarText(rulesPair.value);
    if (s === undefined || s.trim() === '')
      report(ctx, whereOf(rulesPair.key, 'filter.rules'), "'filter.rules' must be a rule id or name, a list of them, or 'any'");
    else rules = s.toLowerCase() === 'any' || s.toLowerCase() === 'all' ? 'any' : [s];
  } else if (rulesPair.value.kind === 'seq') {
    const list = rulesPair.value.items.map(scalarText);
    if (list.some((s) => s === undefined))
      report(ctx, whereOf(rulesPair.key, 'filter.rules'), "'filter.rules' must list rule ids or names");
    // pySigma reads an empty list as every rule of the logsource.
    else rules = list.length === 0 ? 'any' : (list as string[]);
  } else {
    report(ctx, whereOf(rulesPair.key, 'filter.rules'), "'filter.rules' must be a rule id or name, a list of them, or 'any'");
  }
  const detection = parseDetection(ctx, node, 'filter', keyAt, { skip: ['rules'], singleCondition: true });
  if (!detection || title === undefined || rules === undefined) return undefined;
  const { rootAt } = meta;
  return {
    ...(id !== undefined && { id }),
    title,
    ...(description !== undefined && { description }),
    logsource,
    rules,
    detection,
    location: { file, line: rootAt.line, column: rootAt.column },
  };
}

function containsLogSource(filter: LogSource, rule: LogSource): boolean {
  const same = (a: string | undefined, b: string | undefined): boolean =>
    a === undefined || (b !== undefined && a.toLowerCase() === b.toLowerCase());
  return same(filter.category, rule.category) && same(filter.product, rule.product) && same(filter.service, rule.service);
}

/** Whether a filter applies to a rule: it names the rule (by id or name) or `any`, and its logsource contains the rule's. */
export function filterApplies(filter: SigmaFilter, rule: Rule): boolean {
  if (!containsLogSource(filter.logsource, rule.logsource)) return false;
  if (filter.rules === 'any') return true;
  return filter.rules.some((ref) => ref === rule.id || (rule.name !== undefined && ref === rule.name));
}
