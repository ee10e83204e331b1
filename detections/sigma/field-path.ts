/**
 * Getters for ECS dotted paths. At each level a literal dotted key (`"a.b"`) is tried first,
 * then the first segment is descended into, as `getField` reads events. Own properties only (a
 * field named `constructor` is not the object's), and no string is cut per event.
 *
 * Each getter is compiled to its own function (`new Function`), with the path's keys written in
 * as property names: V8 then gives every read its own inline cache, which events of one shape
 * keep monomorphic (a read is a map check and a load). One closure shared by all paths would
 * look keys up by a variable name at call sites that see every field of every event. Keys are
 * embedded as JSON string literals, so no key can break out of them.
 */

type Read = (event: unknown) => unknown;

/** Keys an object inherits from Object.prototype: read through `hasOwn` (a plain load would find the inherited one). */
const inherited = (key: string): boolean => key in Object.prototype;

/** The expression of `o`'s own property `key`, or undefined. */
function ownRead(o: string, key: string): string {
  const k = JSON.stringify(key);
  return inherited(key) ? `(hasOwn(${o}, ${k}) ? ${o}[${k}] : undefined)` : `${o}[${k}]`;
}

/** A getter for a dotted path (not shared: callers cache it). */
export function pathGetter(path: string): Read {
  const segments = path.split('.');
  const lines: string[] = ['let v;', 'let o = event;'];
  for (let i = 0; i < segments.length; i++) {
    lines.push("if (o === null || typeof o !== 'object') return undefined;");
    // The rest of the path as one literal key (the whole path at the top), then one level down.
    lines.push(`v = ${ownRead('o', segments.slice(i).join('.'))};`);
    lines.push('if (v !== undefined) return v;');
    if (i < segments.length - 1) lines.push(`o = ${ownRead('o', segments[i] as string)};`);
  }
  lines.push('return undefined;');
  const make = new Function('hasOwn', `return function get(event) {\n${lines.join('\n')}\n};`) as (hasOwn: typeof Object.hasOwn) => Read;
  return make(Object.hasOwn);
}
