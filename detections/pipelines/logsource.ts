/**
 * A rule's logsource → the predicate saying whether an event belongs to it, compiled from the
 * pipeline's logsource mapping with the rule's field resolver. Also derives the exact values
 * that index it (`anchors`): the engine reads those few fields once per event and looks the
 * logsources up, instead of testing every logsource's predicate.
 */
import { compileDetection } from '../sigma/detection.js';
import { DECIMAL } from '../sigma/values.js';
import { containsLogsource, logsourceId, specificity, type LogsourceEntry, type LogsourceKey, type Pipeline } from './model.js';
import { resolverFor, resolverKey, type Getter } from './resolver.js';

/**
 * The event must hold one of `keys` (see `valueKeys`) in the field `get` reads, for the
 * logsource's predicate to hold. One anchor per alternative of the anchoring entry.
 */
export interface Anchor {
  readonly get: Getter;
  readonly keys: readonly string[];
}

export interface LogsourceMatcher {
  /** `product/category/service` of the rules that share this matcher. */
  readonly id: string;
  readonly logsource: LogsourceKey;
  /** The mapping entries that apply (all must hold); empty when none covers the logsource. */
  readonly entries: readonly LogsourceEntry[];
  /** `all`: every event (no entry and `default: allow`); `none`: no event (`default: deny`); `test`: the predicate decides. */
  readonly kind: 'all' | 'none' | 'test';
  readonly test: (event: object) => boolean;
  /** When set, the predicate can only hold if one of these anchors does; absent: no exact-value field to index on. */
  readonly anchors?: readonly Anchor[];
  /**
   * Every field the predicate reads, when it reads nothing else (no keyword or `fieldref` item):
   * the predicate is then a function of these values (of their presence alone for `presence`
   * reads), so its result may be cached by them. Absent: not cacheable.
   */
  readonly reads?: readonly LogsourceRead[];
}

/** A field a logsource predicate reads: its value, or only whether it is present (`|exists`). */
export interface LogsourceRead {
  readonly get: Getter;
  readonly presence: boolean;
  /**
   * When the predicate compares the field with plain values only (no modifier, no wildcard):
   * their keys (`sigmaKey`). A value with none of them among its `fieldKeys` cannot equal any,
   * so for the predicate it is the same as any other such value.
   */
  readonly values?: readonly string[];
}

/** The fields the condition maps read, or undefined when they read more than named fields. */
function readsOf(
  conditions: readonly Readonly<Record<string, unknown>>[],
  resolve: (field: string) => Getter,
): LogsourceRead[] | undefined {
  const reads: LogsourceRead[] = [];
  for (const map of conditions) {
    for (const key of Object.keys(map)) {
      // As parse-detection splits an item's key.
      const [field = '', ...modifiers] = key.split('|');
      if (field === '' || modifiers.includes('fieldref')) return undefined;
      const presence = modifiers.length === 1 && modifiers[0] === 'exists';
      const values = modifiers.length === 0 ? plainKeys(map[key]) : undefined;
      reads.push({ get: resolve(field), presence, ...(values && { values }) });
    }
  }
  return reads;
}

/** The entries of the mapping that apply to a logsource: those containing it, less those a more specific applicable one covers. */
export function entriesFor(entries: readonly LogsourceEntry[], logsource: LogsourceKey): LogsourceEntry[] {
  const applicable = entries.filter((e) => containsLogsource(e.logsource, logsource));
  return applicable
    .filter(
      (e) =>
        !applicable.some(
          (f) => f !== e && specificity(f.logsource) > specificity(e.logsource) && containsLogsource(e.logsource, f.logsource),
        ),
    )
    .sort((a, b) => specificity(b.logsource) - specificity(a.logsource));
}

/**
 * The lookup keys of one scalar of an event, such that a plain Sigma equality value (string,
 * number or boolean, no wildcard) can only match the scalar if its own key (`sigmaKey`) is
 * among them: strings compare lower-cased, numbers by value (a string may hold one), booleans
 * as themselves or as their text.
 */
export function valueKeys(x: unknown, out: string[]): void {
  switch (typeof x) {
    case 'string':
      out.push(`s:${x.toLowerCase()}`);
      if (DECIMAL.test(x)) out.push(`n:${String(Number(x))}`);
      return;
    case 'number':
      out.push(`n:${String(x)}`, `s:${String(x)}`);
      return;
    case 'boolean':
      out.push(`b:${String(x)}`, `s:${String(x)}`);
      return;
    case 'bigint':
      out.push(`s:${String(x)}`);
      return;
  }
}

/** The keys of a field's value: of each element of an array (an ECS multi-value field), or of the scalar. */
export function fieldKeys(v: unknown, out: string[]): void {
  if (Array.isArray(v)) {
    for (let k = 0; k < v.length; k++) valueKeys(v[k], out);
  } else valueKeys(v, out);
}

/** The key of a plain Sigma equality value, or undefined when it is not one (wildcards, escapes, null, objects). */
export function sigmaKey(v: unknown): string | undefined {
  if (typeof v === 'string') return /[*?\\]/.test(v) ? undefined : `s:${v.toLowerCase()}`;
  if (typeof v === 'number' && Number.isFinite(v)) return `n:${String(v)}`;
  if (typeof v === 'boolean') return `b:${String(v)}`;
  return undefined;
}

/** The key an anchor uses for `field|exists: true`: the field is present (null included, as `exists` reads it). */
export const EXISTS_KEY = '?exists';

/** The keys of an item's plain values (a boolean also matches its text), or undefined when one is not plain. */
function plainKeys(value: unknown): string[] | undefined {
  const values = Array.isArray(value) ? value : [value];
  const keys: string[] = [];
  for (const v of values) {
    const k = sigmaKey(v);
    if (k === undefined) return undefined;
    keys.push(k);
    if (typeof v === 'boolean') keys.push(`s:${String(v)}`);
  }
  return keys.length > 0 ? keys : undefined;
}

/** An exact-value item of one condition map (a key with no modifier, every value plain; or `|exists: true`), or undefined. */
function anchorOf(map: Readonly<Record<string, unknown>>, resolve: (field: string) => Getter): Anchor | undefined {
  let exists: Anchor | undefined;
  for (const [key, value] of Object.entries(map)) {
    if (key.endsWith('|exists') && key.indexOf('|') === key.length - 7 && value === true) {
      exists ??= { get: resolve(key.slice(0, -7)), keys: [EXISTS_KEY] };
      continue;
    }
    if (key.includes('|') || key === '') continue;
    const keys = plainKeys(value);
    if (keys) return { get: resolve(key), keys };
  }
  // An exact value indexes better than presence; presence still beats testing every event.
  return exists;
}

const compiled = new Map<string, (event: object) => boolean>();
const matchers = new Map<string, LogsourceMatcher>();

/** The logsource matcher for rules of this logsource under this pipeline (shared by every rule of the logsource). */
export function logsourceMatcher(pipeline: Pipeline, logsource: LogsourceKey): LogsourceMatcher {
  const id = logsourceId(logsource);
  const cacheKey = `${pipeline.file}\u0000${id}`;
  const hit = matchers.get(cacheKey);
  if (hit) return hit;
  const resolve = resolverFor(pipeline, logsource);
  const rkey = resolverKey(pipeline, logsource);
  const entries = entriesFor(pipeline.logsources.entries, logsource);
  let m: LogsourceMatcher;
  if (entries.length === 0) {
    // A rule that names no logsource at all is not restricted; one the mapping does not know follows the default.
    const all = Object.keys(logsource).length === 0 || (pipeline.logsourceDefault ?? pipeline.logsources.default) === 'allow';
    m = {
      id,
      logsource,
      entries,
      kind: all ? 'all' : 'none',
      test: all ? () => true : () => false,
      anchors: all ? undefined : [],
      reads: [],
    };
  } else {
    const tests = entries.map((e) => {
      const k = `${rkey}\u0000${pipeline.logsources.entries.indexOf(e)}`;
      let t = compiled.get(k);
      if (!t) {
        t = compileDetection(
          { selection: e.conditions, condition: 'selection' },
          { file: e.at.file, path: e.at.path },
          { resolveField: resolve },
        );
        compiled.set(k, t);
      }
      return t;
    });
    const test =
      tests.length === 1
        ? (tests[0] as (event: object) => boolean)
        : (event: object) => {
            for (let k = 0; k < tests.length; k++) if (!(tests[k] as (event: object) => boolean)(event)) return false;
            return true;
          };
    let anchors: Anchor[] | undefined;
    for (const e of entries) {
      const list = e.conditions.map((c) => anchorOf(c, resolve));
      if (list.every((a): a is Anchor => a !== undefined)) {
        anchors = list;
        break;
      }
    }
    const readLists = entries.map((e) => readsOf(e.conditions, resolve));
    const reads = readLists.every((r) => r !== undefined) ? readLists.flat() : undefined;
    m = { id, logsource, entries, kind: 'test', test, ...(anchors && { anchors }), ...(reads && { reads }) };
  }
  matchers.set(cacheKey, m);
  return m;
}
