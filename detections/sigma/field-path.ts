/**
 * Getters for ECS dotted paths. At each level a literal dotted key (`"a.b"`) is tried first,
 * then the first segment is descended into, as `getField` reads events. Own properties only (a
 * field named `constructor` is not the object's), and no string is cut per event.
 *
 * Each getter is compiled to its own function (`new Function`), with the path's keys written in
 * as property names: V8 then gives every read its own inline cache, which events of one shape
 * keep monomorphic (a read is a map check and a load). One closure shared by all paths would
 * look keys up by a variable name at call sites that see every field of every event. Keys are
 * embedded as JSON string literals, so no key can break out of them. Where code generation from
 * strings is disallowed (`node --disallow-code-generation-from-strings`), the same reads are
 * interpreted from a table of keys instead (slower, same results).
 */
import { scope, type EventScope } from './event-scope.js';

type Read = (event: unknown) => unknown;

/** Keys an object inherits from Object.prototype: read through `hasOwn` (a plain load would find the inherited one). */
const inherited = (key: string): boolean => key in Object.prototype;

/** The expression of `o`'s own property `key`, or undefined. */
function ownRead(o: string, key: string): string {
  const k = JSON.stringify(key);
  return inherited(key) ? `(hasOwn(${o}, ${k}) ? ${o}[${k}] : undefined)` : `${o}[${k}]`;
}

/** Statements that `return done(value)` when `path` is present in `event`, and fall through when it is not. */
function pathCode(path: string, label: string): string {
  const segments = path.split('.');
  const lines: string[] = [`${label}: {`, 'o = event;'];
  for (let i = 0; i < segments.length; i++) {
    lines.push(`if (o === null || typeof o !== 'object') break ${label};`);
    // The rest of the path as one literal key (the whole path at the top), then one level down.
    lines.push(`v = ${ownRead('o', segments.slice(i).join('.'))};`);
    lines.push('if (v !== undefined) return done(v);');
    if (i < segments.length - 1) lines.push(`o = ${ownRead('o', segments[i] as string)};`);
  }
  lines.push('}');
  return lines.join('\n');
}

type Make = (hasOwn: typeof Object.hasOwn, done: (v: unknown) => unknown, scope: EventScope) => Read;

const identity = (v: unknown): unknown => v;

/** A getter for a dotted path (not shared: callers cache it). */
export function pathGetter(path: string): Read {
  return firstOfPaths([path]);
}

export interface FirstOfPathsOptions {
  /** Passes the value found through this (e.g. an XML text node → its text). */
  readonly map?: (v: unknown) => unknown;
  /** Remember the value for the event of the open scope (event-scope.ts): read again only for another event or scope. */
  readonly memo?: boolean;
}

/**
 * A getter for the first of `paths` present in the event (not shared: callers cache it). With
 * `memo`, the scope test is written into the getter rather than wrapped around it.
 */
export function firstOfPaths(paths: readonly string[], opts: FirstOfPathsOptions = {}): Read {
  const read = `function read(event) {\nlet v;\nlet o;\n${paths.map((p, i) => pathCode(p, `p${i}`)).join('\n')}\nreturn undefined;\n}`;
  const body = opts.memo
    ? `let at = 0;
let value;
${read}
return function get(event) {
  if (event !== scope.current) return read(event);
  if (at !== scope.epoch) {
    value = read(event);
    at = scope.epoch;
  }
  return value;
};`
    : `return ${read};`;
  let make: Make;
  try {
    make = new Function('hasOwn', 'done', 'scope', body) as Make;
  } catch (err) {
    if (!(err instanceof EvalError)) throw err;
    return interpretedFirstOf(paths, opts);
  }
  return make(Object.hasOwn, opts.map ?? identity, scope);
}

/** `o[key]` as a compiled getter reads it (see `ownRead`), decided once per key. */
type Load = (o: object) => unknown;
function loader(key: string): Load {
  return inherited(key)
    ? (o) => (Object.hasOwn(o, key) ? (o as Record<string, unknown>)[key] : undefined)
    : (o) => (o as Record<string, unknown>)[key];
}

/** What a compiled getter reads at each level of a path: the rest of the path as one key, then the next segment. */
interface Level {
  readonly rest: Load;
  readonly next: Load | undefined;
}

/** `firstOfPaths` without code generation: the same reads, in the same order, from a table. */
export function interpretedFirstOf(paths: readonly string[], opts: FirstOfPathsOptions = {}): Read {
  const done = opts.map ?? identity;
  const table: Level[][] = paths.map((path) => {
    const segments = path.split('.');
    return segments.map((segment, i) => ({
      rest: loader(segments.slice(i).join('.')),
      next: i < segments.length - 1 ? loader(segment) : undefined,
    }));
  });
  const read = (event: unknown): unknown => {
    for (const levels of table) {
      let o = event;
      for (const { rest, next } of levels) {
        if (o === null || typeof o !== 'object') break;
        const v = rest(o);
        if (v !== undefined) return done(v);
        if (next !== undefined) o = next(o);
      }
    }
    return undefined;
  };
  if (!opts.memo) return read;
  let at = 0;
  let value: unknown;
  return (event) => {
    if (event !== scope.current) return read(event);
    if (at !== scope.epoch) {
      value = read(event);
      at = scope.epoch;
    }
    return value;
  };
}
