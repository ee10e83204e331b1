/**
 * Reading the top-level attributes of a rule, correlation or filter document: strings, lists,
 * enums, the metadata block every rule shares, and the logsource.
 */
import { RULE_LEVELS, RULE_STATUSES, type RuleMeta } from '../model/index.js';
import type { LogSource, Where } from './model.js';
import { getKey, isNull, report, scalarText, whereOf, type ParseContext, type SNode } from './source.js';

type MapNode = Extract<SNode, { kind: 'map' }>;

export interface MetaReader {
  readonly rootAt: Where;
  get(key: string): SNode | undefined;
  has(key: string): boolean;
  keyAt(key: string): Where;
  text(key: string, required: boolean): string | undefined;
  strings(key: string, allowScalar: boolean): string[];
  oneOf<T extends string>(key: string, allowed: readonly T[]): T | undefined;
}

export function metaReader(ctx: ParseContext, root: MapNode, rootAt: Where): MetaReader {
  const get = (key: string): SNode | undefined => getKey(root, key)?.value;
  const keyAt = (key: string): Where => {
    const pair = getKey(root, key);
    return pair && pair.key.pos.line !== undefined ? whereOf(pair.key, key) : { ...rootAt, path: key };
  };
  const at = (node: SNode, key: string): Where => (node.pos.line === undefined ? keyAt(key) : whereOf(node, key));
  const text = (key: string, required: boolean): string | undefined => {
    const node = get(key);
    if (node === undefined || isNull(node)) {
      if (required) report(ctx, { ...rootAt, path: key }, `the rule has no '${key}'`);
      return undefined;
    }
    const s = scalarText(node);
    if (s === undefined || (required && s.trim() === '')) report(ctx, at(node, key), `'${key}' must be a non-empty string`);
    return s;
  };
  return {
    rootAt,
    get,
    has: (key) => getKey(root, key) !== undefined,
    keyAt,
    text,
    strings(key, allowScalar) {
      const node = get(key);
      if (node === undefined || isNull(node)) return [];
      if (allowScalar && node.kind === 'scalar') {
        const s = scalarText(node);
        if (s !== undefined) return [s];
      }
      if (node.kind !== 'seq') {
        report(ctx, at(node, key), `'${key}' must be a list of strings`);
        return [];
      }
      const out: string[] = [];
      node.items.forEach((item, i) => {
        const s = scalarText(item);
        if (s === undefined)
          report(ctx, item.pos.line === undefined ? keyAt(key) : whereOf(item, `${key}[${i}]`), `'${key}' must be a list of strings`);
        else out.push(s);
      });
      return out;
    },
    oneOf<T extends string>(key: string, allowed: readonly T[]): T | undefined {
      const s = text(key, false);
      if (s === undefined) return undefined;
      if (!(allowed as readonly string[]).includes(s)) {
        report(ctx, at(get(key) as SNode, key), `'${key}' must be one of ${allowed.join(', ')}, not '${s}'`);
        return undefined;
      }
      return s as T;
    },
  };
}

/** How a document must identify itself. */
export interface IdPolicy {
  /**
   * When set, `id` is optional and `name` may stand for it (Sigma correlation ids are optional);
   * this is the problem reported, at `id`, when the document has neither. When unset, `id` is required.
   */
  readonly missingIdOrName?: string;
}

/**
 * The metadata block of a Sigma rule or correlation rule (title, id, name, status, level,
 * description, author, dates, tags, references, false positives), every problem reported into
 * `ctx` at the key or value it is about. Undefined when the document has no usable id or title;
 * the problems then say why.
 */
export function parseRuleMeta(ctx: ParseContext, meta: MetaReader, policy: IdPolicy = {}): RuleMeta | undefined {
  const { missingIdOrName } = policy;
  const id = meta.text('id', missingIdOrName === undefined);
  const name = meta.text('name', false);
  const title = meta.text('title', true);
  const status = meta.oneOf('status', RULE_STATUSES);
  const level = meta.oneOf('level', RULE_LEVELS);
  const description = meta.text('description', false);
  const author = meta.text('author', false);
  const date = meta.text('date', false);
  const modified = meta.text('modified', false);
  const tags = meta.strings('tags', false);
  const references = meta.strings('references', false);
  const falsepositives = meta.strings('falsepositives', true);
  if (missingIdOrName !== undefined && id === undefined && name === undefined) report(ctx, { ...meta.rootAt, path: 'id' }, missingIdOrName);

  const ruleId = id ?? (missingIdOrName !== undefined ? name : undefined);
  if (ruleId === undefined || title === undefined) return undefined;
  return {
    id: ruleId,
    ...(name !== undefined && { name }),
    title,
    ...(status && { status }),
    ...(level && { level }),
    ...(description !== undefined && { description }),
    ...(author !== undefined && { author }),
    ...(date !== undefined && { date }),
    ...(modified !== undefined && { modified }),
    tags,
    references,
    falsepositives,
  };
}

export function parseLogSource(ctx: ParseContext, meta: MetaReader): LogSource {
  const node = meta.get('logsource');
  if (node === undefined) {
    report(ctx, { ...meta.rootAt, path: 'logsource' }, "the rule has no 'logsource'");
    return {};
  }
  if (node.kind !== 'map') {
    report(
      ctx,
      node.pos.line === undefined ? meta.keyAt('logsource') : whereOf(node, 'logsource'),
      "'logsource' must be a map (category, product, service, definition)",
    );
    return {};
  }
  const out: Record<string, string> = {};
  for (const key of ['category', 'product', 'service', 'definition'] as const) {
    const v = getKey(node, key)?.value;
    if (v === undefined || isNull(v)) continue;
    const s = scalarText(v);
    if (s === undefined) report(ctx, whereOf(v, `logsource.${key}`), `'logsource.${key}' must be a string`);
    else out[key] = s;
  }
  return out;
}
