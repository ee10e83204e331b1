/**
 * The YAML tree the model builders read: maps, sequences and scalars, each with its position
 * when known. Two sources produce it:
 *
 * - `fromYamlNode`: a `yaml` document node, with lines and columns (rules with problems, and
 *   detection blocks embedded in other files such as playbooks);
 * - `fromPlain`: a plain value (js-yaml's output, or an object built in code), without
 *   positions. The loader parses rule files this way first because js-yaml is several times
 *   faster on the SigmaHQ corpus; a rule with any problem is parsed again from `yaml` so that
 *   every problem it reports is located.
 */
import { isAlias, isMap, isScalar, isSeq, Scalar, type Document, type LineCounter } from 'yaml';
import type { Where } from './model.js';
import type { Problem } from './problems.js';

export interface Pos {
  readonly line?: number;
  readonly column?: number;
}

export type Value = string | number | boolean | null;

export type SNode =
  | { readonly kind: 'map'; readonly pairs: readonly SPair[]; readonly pos: Pos }
  | { readonly kind: 'seq'; readonly items: readonly SNode[]; readonly pos: Pos }
  | {
      readonly kind: 'scalar';
      readonly value: Value;
      readonly pos: Pos;
      /** Where the scalar's text starts, when that maps one-to-one onto the source (a one-line plain or quoted scalar). */
      readonly content?: Pos;
    };

export interface SPair {
  readonly key: SNode;
  readonly value: SNode;
}

export interface ParseContext {
  readonly problems: Problem[];
}

const NOWHERE: Pos = Object.freeze({});

export function whereOf(node: SNode | undefined, path: string): Where {
  const pos = node?.pos ?? NOWHERE;
  return pos.line === undefined ? { path } : { path, line: pos.line, column: pos.column };
}

/** Where a scalar's text starts (for offsets into a condition); the line alone when not exact. */
export function contentWhere(node: SNode, path: string): Where {
  if (node.kind === 'scalar' && node.content) return { path, line: node.content.line, column: node.content.column };
  return node.pos.line === undefined ? { path } : { path, line: node.pos.line };
}

export function report(ctx: ParseContext, at: Where, message: string, unsupported = false): void {
  ctx.problems.push(unsupported ? { message, at, unsupported } : { message, at });
}

export function joinPath(base: string, key: string): string {
  return base ? `${base}.${key}` : key;
}

/** A scalar's value as text, for places that want text (titles, tags, keys); numbers and booleans are converted. */
export function scalarText(node: SNode | undefined): string | undefined {
  if (node?.kind !== 'scalar') return undefined;
  const v = node.value;
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

export const isNull = (node: SNode | undefined): boolean => node?.kind === 'scalar' && node.value === null;

/** The value of a map's key, when present. */
export function getKey(map: Extract<SNode, { kind: 'map' }>, key: string): SPair | undefined {
  return map.pairs.find((p) => p.key.kind === 'scalar' && scalarText(p.key) === key);
}

/** Numbers that do not survive as a JavaScript number (18-digit ids, .inf) keep their text: logs carry them as text. */
function numberValue(v: number, source: string | undefined): Value {
  return Number.isFinite(v) && (!Number.isInteger(v) || Number.isSafeInteger(v)) ? v : (source ?? String(v));
}

/** Thrown by `fromPlain` in strict mode when a value cannot be read faithfully without its source text. */
export class NeedsSource extends Error {}

/**
 * A plain value as a tree, without positions. `strict`: refuse numbers that lost their text
 * (the caller then parses the source with positions instead).
 */
export function fromPlain(value: unknown, strict = false): SNode {
  if (value === null || value === undefined) return { kind: 'scalar', value: null, pos: NOWHERE };
  if (typeof value === 'string' || typeof value === 'boolean') return { kind: 'scalar', value, pos: NOWHERE };
  if (typeof value === 'number') {
    const v = numberValue(value, undefined);
    if (strict && typeof v !== 'number') throw new NeedsSource();
    return { kind: 'scalar', value: v, pos: NOWHERE };
  }
  if (typeof value === 'bigint') return { kind: 'scalar', value: String(value), pos: NOWHERE };
  if (Array.isArray(value)) return { kind: 'seq', items: value.map((v) => fromPlain(v, strict)), pos: NOWHERE };
  if (typeof value === 'object') {
    if (strict && Object.getPrototypeOf(value) !== Object.prototype) throw new NeedsSource();
    return {
      kind: 'map',
      pairs: Object.entries(value).map(([k, v]) => ({ key: { kind: 'scalar', value: k, pos: NOWHERE }, value: fromPlain(v, strict) })),
      pos: NOWHERE,
    };
  }
  return { kind: 'scalar', value: String(value), pos: NOWHERE };
}

/**
 * A `yaml` node as a tree, with positions from `lineCounter` when given. Aliases are resolved
 * against `doc`; one that cannot be is reported into `problems` (and read as null).
 */
export function fromYamlNode(node: unknown, doc: Document | undefined, lineCounter: LineCounter | undefined, problems: Problem[]): SNode {
  const posOf = (n: unknown): Pos => {
    const range = (n as { range?: [number, number, number] | null } | null)?.range;
    if (!lineCounter || !range) return NOWHERE;
    const { line, col } = lineCounter.linePos(range[0]);
    return { line, column: col };
  };
  const seen = new Set<unknown>();
  const walk = (n: unknown, path: string): SNode => {
    if (isAlias(n)) {
      const target = doc ? n.resolve(doc) : undefined;
      if (target === undefined || seen.has(target)) {
        const at = posOf(n);
        problems.push({ message: `the alias '*${n.source}' cannot be resolved`, at: { path, ...at } });
        return { kind: 'scalar', value: null, pos: at };
      }
      seen.add(target);
      const out = walk(target, path);
      seen.delete(target);
      return out;
    }
    if (isMap(n)) {
      return {
        kind: 'map',
        pos: posOf(n),
        pairs: n.items.map((p) => {
          const key = walk(p.key, path);
          return { key, value: walk(p.value, joinPath(path, scalarText(key) ?? '?')) };
        }),
      };
    }
    if (isSeq(n)) return { kind: 'seq', pos: posOf(n), items: n.items.map((item, i) => walk(item, `${path}[${i}]`)) };
    if (isScalar(n)) {
      const v: unknown = n.value;
      const pos = posOf(n);
      const value: Value =
        v === null || v === undefined
          ? null
          : typeof v === 'string' || typeof v === 'boolean'
            ? v
            : typeof v === 'number'
              ? numberValue(v, n.source as string | undefined)
              : String(v);
      return { kind: 'scalar', value, pos, ...(lineCounter && { content: contentPos(n, pos, lineCounter) }) };
    }
    // An absent value (`key:` with nothing after it) is null.
    return { kind: 'scalar', value: null, pos: posOf(n) };
  };
  return walk(node, '');
}

function contentPos(n: Scalar, pos: Pos, lineCounter: LineCounter): Pos | undefined {
  if (!n.range || pos.column === undefined) return undefined;
  if (lineCounter.linePos(n.range[1]).line !== pos.line) return undefined;
  if (n.type === Scalar.PLAIN) return pos;
  if (n.type === Scalar.QUOTE_SINGLE || n.type === Scalar.QUOTE_DOUBLE) return { line: pos.line, column: pos.column + 1 };
  return undefined;
}
