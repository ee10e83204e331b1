/**
 * Checks a parsed YAML document against a schema (`dsl.ts`), working on the YAML nodes rather
 * than plain values so that every problem carries a line, a column and a field path. It never
 * stops at the first problem: it records them all and returns the value with defaults applied
 * (or INVALID when something below was wrong).
 */
import { isAlias, isMap, isNode, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair, type YAMLMap } from 'yaml';
import type { ErrorCode } from '../errors/index.js';
import { VigilError, type Location } from '../errors/index.js';
import { DISCRIMINATOR, type DefaultsOf, type Fields, type ObjectSchema, type Schema, type UnionSchema } from './dsl.js';
import { substitute, type Env } from './env.js';
import { FORMATS } from './formats.js';
import { RULES } from './rules.js';

export const INVALID: unique symbol = Symbol('invalid');

export interface CheckContext {
  file: string;
  lineCounter: LineCounter;
  env: Env;
  doc: Document;
}

/** The value a schema gives when its field is absent: its default, or for objects, their fields' defaults. */
export function defaultOf(schema: Schema): unknown {
  if (schema.kind === 'object') {
    const out: Record<string, unknown> = {};
    for (const [name, field] of Object.entries(schema.fields)) {
      const d = defaultOf(field);
      if (d !== undefined) out[name] = d;
      else if (!field.optional) return undefined;
    }
    return out;
  }
  if (schema.kind === 'union' || schema.kind === 'free' || schema.default === undefined) return undefined;
  return structuredClone(schema.default);
}

/**
 * The declared defaults of an object schema's fields, for code that builds a config without the
 * loader (`withSyslogDefaults`, tests): read from the schema so that the two cannot disagree.
 */
export function defaultsOf<S extends ObjectSchema>(schema: S): DefaultsOf<S> {
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(schema.fields)) {
    if ('default' in field && field.default !== undefined) out[name] = structuredClone(field.default);
  }
  return out as DefaultsOf<S>;
}

export class Checker {
  readonly problems: VigilError[] = [];
  /** uniqueIn namespace → value → where it was first seen. */
  private readonly seen = new Map<string, Map<string, { path: string; line: number | undefined }>>();

  constructor(private readonly ctx: CheckContext) {}

  /** Checks the whole document; an empty document is an empty mapping. */
  root(schema: Schema, node: unknown): unknown {
    return isNullish(node) ? defaultOf(schema) : this.check(schema, node, '');
  }

  report(code: ErrorCode, message: string, at: unknown, path: string): void {
    this.problems.push(new VigilError(code, message, { location: this.locate(at, path) }));
  }

  private locate(at: unknown, path: string): Location {
    const offset = (at as Node | undefined)?.range?.[0];
    const loc: Location = { file: this.ctx.file };
    if (offset !== undefined) {
      const { line, col } = this.ctx.lineCounter.linePos(offset);
      loc.line = line;
      loc.column = col;
    }
    if (path) loc.path = path;
    return loc;
  }

  private deref(node: unknown): unknown {
    return isAlias(node) ? (node.resolve(this.ctx.doc) ?? null) : node;
  }

  check(schema: Schema, raw: unknown, path: string, optional = false): unknown {
    const node = this.deref(raw);
    const at = raw; // report where the value is written, alias or not
    switch (schema.kind) {
      case 'object':
        return isMap(node)
          ? this.ruled(schema, this.object(schema.fields, node, path), node, path)
          : this.wrongType('a mapping', node, at, path, undefined, schema.sensitive);
      case 'union':
        return isMap(node) ? this.union(schema, node, path) : this.wrongType('a mapping', node, at, path, undefined, schema.sensitive);
      case 'array': {
        if (!isSeq(node)) return this.wrongType('a list', node, at, path, undefined, schema.sensitive);
        const items = node.items.map((item, i) => this.check(schema.items, item, `${path}[${i}]`));
        if (schema.minItems !== undefined && items.length < schema.minItems) {
          this.report('CONFIG_RANGE', `needs at least ${plural(schema.minItems, 'item')}, has ${items.length}`, at, path);
          return INVALID;
        }
        return items.includes(INVALID) ? INVALID : items;
      }
      case 'map': {
        if (!isMap(node)) return this.wrongType('a mapping', node, at, path, undefined, schema.sensitive);
        const out: Record<string, unknown> = {};
        let ok = true;
        for (const pair of node.items) {
          const key = keyName(pair.key);
          if (key === undefined) {
            this.report('CONFIG_TYPE', 'keys here must be strings', pair.key, path);
            ok = false;
            continue;
          }
          const value = this.check(schema.values, pair.value, joinKey(path, key));
          if (value === INVALID) ok = false;
          else out[key] = value;
        }
        return ok ? out : INVALID;
      }
      case 'free':
        return isNode(node) ? node.toJS(this.ctx.doc) : node;
      default:
        return this.leaf(schema, node, at, path, optional);
    }
  }

  private object(fields: Fields, node: YAMLMap, path: string): unknown {
    const present = new Map<string, Pair>();
    for (const pair of node.items) {
      const key = keyName(pair.key);
      if (key === undefined) {
        this.report('CONFIG_TYPE', 'field names must be strings', pair.key, path);
      } else if (!Object.hasOwn(fields, key)) {
        const near = closest(key, Object.keys(fields));
        const hint = near ? `did you mean "${near}"?` : `expected one of: ${Object.keys(fields).join(', ')}`;
        this.report('CONFIG_UNKNOWN_FIELD', `unknown field "${key}" (${hint})`, pair.key, joinKey(path, key));
      } else {
        present.set(key, pair);
      }
    }
    const out: Record<string, unknown> = {};
    let ok = true;
    for (const [name, field] of Object.entries(fields)) {
      const pair = present.get(name);
      const fieldPath = joinKey(path, name);
      if (pair && !isNullish(this.deref(pair.value))) {
        const value = this.check(field, pair.value, fieldPath, field.optional === true);
        if (value === INVALID) ok = false;
        // `${VAR:-}` on an optional field means "unset unless the environment says otherwise".
        else if (!(field.optional && value === '')) out[name] = value;
        continue;
      }
      const d = defaultOf(field);
      if (d !== undefined) out[name] = d;
      else if (!field.optional) {
        const oneOf = field.kind === 'enum' ? ` (one of: ${field.values.join(', ')})` : '';
        this.report('CONFIG_REQUIRED', `missing required field "${name}"${oneOf}`, pair?.key ?? node, fieldPath);
        ok = false;
      }
    }
    return ok ? out : INVALID;
  }

  private union(schema: UnionSchema, node: YAMLMap, path: string): unknown {
    const types = Object.keys(schema.variants);
    const typeField = { kind: 'enum', values: types, description: schema.typeDescription } as const;
    const pair = node.items.find((p) => keyName(p.key) === DISCRIMINATOR);
    const typePath = joinKey(path, DISCRIMINATOR);
    if (!pair || isNullish(this.deref(pair.value))) {
      this.report(
        'CONFIG_REQUIRED',
        `missing required field "${DISCRIMINATOR}" (one of: ${types.join(', ')})`,
        pair?.key ?? node,
        typePath,
      );
      return INVALID;
    }
    const type = this.check(typeField, pair.value, typePath);
    if (type === INVALID) return INVALID;
    const variant: ObjectSchema = schema.variants[type as string];
    return this.ruled(variant, this.object({ [DISCRIMINATOR]: typeField, ...variant.fields }, node, path), node, path);
  }

  /** Runs an object's rule and check on its checked value; each problem is reported at its field, or at the object when that field is absent. */
  private ruled(schema: ObjectSchema, value: unknown, node: YAMLMap, path: string): unknown {
    if (value === INVALID || (schema.rule === undefined && schema.check === undefined)) return value;
    const problems = [...(schema.rule ? RULES[schema.rule](value) : []), ...(schema.check?.(value) ?? [])];
    for (const p of problems) {
      const segments = p.field.split('.');
      this.report(p.code, p.message, fieldNode(node, segments), segments.reduce(joinKey, path));
    }
    return problems.length > 0 ? INVALID : value;
  }

  private leaf(schema: Schema, node: unknown, at: unknown, path: string, optional = false): unknown {
    const expected =
      schema.kind === 'enum'
        ? `one of ${schema.values.join(', ')}`
        : schema.kind === 'number' && schema.int
          ? 'an integer'
          : `a ${schema.kind}`;
    if (!isScalar(node)) return this.wrongType(expected, node, at, path, undefined, schema.sensitive);
    let value: unknown = node.value;
    let substituted = false;
    if (typeof value === 'string') {
      const s = substitute(value, this.ctx.env);
      if (!s.ok) {
        for (const p of s.problems) this.report('CONFIG_ENV', p, at, path);
        return INVALID;
      }
      value = s.value;
      substituted = s.substituted;
    }
    const shown = () => (schema.sensitive ? '' : ` ${show(value)}`);
    switch (schema.kind) {
      case 'string': {
        if (typeof value !== 'string') return this.wrongType('a string (quote it)', node, at, path, value, schema.sensitive);
        // `${VAR:-}` left empty on an optional field means unset: no format to check.
        if (optional && substituted && value === '') return value;
        if (schema.minLength !== undefined && value.length < schema.minLength) {
          const msg = schema.minLength === 1 ? 'must not be empty' : `must be at least ${schema.minLength} characters`;
          return this.fail('CONFIG_FORMAT', msg, at, path);
        }
        const bad = schema.format && FORMATS[schema.format].check(value);
        if (bad) return this.fail('CONFIG_FORMAT', `${schema.sensitive ? 'value' : show(value)} ${bad}`, at, path);
        if (schema.uniqueIn) this.unique(schema.uniqueIn, value, at, path);
        return value;
      }
      case 'number': {
        // A substituted scalar is text; `port: ${PORT:-5514}` should still be a number.
        if (substituted && typeof value === 'string' && /^[-+]?\d+(\.\d+)?$/.test(value.trim())) value = Number(value);
        if (typeof value !== 'number' || !Number.isFinite(value)) return this.wrongType(expected, node, at, path, value, schema.sensitive);
        if (schema.int && !Number.isInteger(value)) return this.fail('CONFIG_TYPE', `expected an integer, got${shown()}`, at, path);
        const { min, max } = schema;
        if ((min !== undefined && value < min) || (max !== undefined && value > max)) {
          const range =
            min !== undefined && max !== undefined ? `between ${min} and ${max}` : min !== undefined ? `at least ${min}` : `at most ${max}`;
          return this.fail('CONFIG_RANGE', `must be ${range}, got${shown()}`, at, path);
        }
        return value;
      }
      case 'boolean': {
        if (substituted && (value === 'true' || value === 'false')) value = value === 'true';
        if (typeof value !== 'boolean') return this.wrongType('true or false', node, at, path, value, schema.sensitive);
        return value;
      }
      case 'enum': {
        if (typeof value === 'string' && schema.values.includes(value)) return value;
        const near = typeof value === 'string' ? closest(value, schema.values) : undefined;
        const hint = near ? ` (did you mean "${near}"?)` : '';
        return this.fail('CONFIG_ENUM', `must be one of ${schema.values.join(', ')}, got${shown()}${hint}`, at, path);
      }
      default:
        throw new Error(`unreachable: ${schema.kind}`);
    }
  }

  private unique(namespace: string, value: string, at: unknown, path: string): void {
    let seen = this.seen.get(namespace);
    if (!seen) this.seen.set(namespace, (seen = new Map()));
    const first = seen.get(value);
    if (!first) {
      seen.set(value, { path, line: this.locate(at, path).line });
      return;
    }
    const where = first.line === undefined ? first.path : `${first.path} (line ${first.line})`;
    this.report('CONFIG_DUPLICATE_ID', `id "${value}" is already used by ${where}`, at, path);
  }

  private fail(code: ErrorCode, message: string, at: unknown, path: string): typeof INVALID {
    this.report(code, message, at, path);
    return INVALID;
  }

  private wrongType(expected: string, node: unknown, at: unknown, path: string, value?: unknown, sensitive?: boolean): typeof INVALID {
    const got = value !== undefined ? describeValue(value, sensitive === true) : describeNode(node, sensitive === true);
    return this.fail('CONFIG_TYPE', `expected ${expected}, got ${got}`, at, path);
  }
}

function isNullish(node: unknown): boolean {
  return node == null || (isScalar(node) && node.value === null);
}

/** The key node of the deepest field of `segments` written in `node`; `node` itself when the first is absent. */
function fieldNode(node: YAMLMap, segments: string[]): unknown {
  let at: unknown = node;
  let map: unknown = node;
  for (const segment of segments) {
    if (!isMap(map)) break;
    const pair = map.items.find((p) => keyName(p.key) === segment);
    if (!pair) break;
    at = pair.key;
    map = pair.value;
  }
  return at;
}

function keyName(key: unknown): string | undefined {
  if (!isScalar(key)) return undefined;
  const v = key.value;
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

function joinKey(path: string, key: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path ? `${path}.${key}` : key;
}

function describeNode(node: unknown, sensitive: boolean): string {
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) return describeValue(node.value, sensitive);
  return 'nothing';
}

/** `a string "x"`, `a number 5`; only the kind for a sensitive field. */
function describeValue(value: unknown, sensitive: boolean): string {
  if (value === null) return 'null';
  const kind = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? `a ${typeof value}` : typeof value;
  return sensitive ? kind : `${kind} ${show(value)}`;
}

function show(value: unknown): string {
  const s = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The candidate a typo most likely meant: same letters ignoring case, or at most two edits away. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  // Allow one edit for short words, two for longer ones, so `x` does not suggest `id`.
  let bestDistance = word.length > 4 ? 3 : 2;
  for (const c of candidates) {
    const d = c.toLowerCase() === word.toLowerCase() ? 0 : distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best;
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}
