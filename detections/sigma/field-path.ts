/**
 * Getters for ECS dotted paths. At each level a literal dotted key (`"a.b"`) is tried first,
 * then the first segment is descended into, as `getField` reads events. Own properties only (a
 * field named `constructor` is not the object's), and no string is cut per event.
 *
 * The objects reached by descending (`winlog`, then `winlog.event_data`) are shared by every
 * path under them and remembered per event scope (event-scope.ts): the many fields read under
 * `winlog.event_data.` descend once per event, and each only tests its own keys.
 */
import { memoized } from './event-scope.js';

type Read = (event: unknown) => unknown;

const isObject = (o: unknown): o is Record<string, unknown> => o !== null && typeof o === 'object';

/**
 * The key as V8 stores property names (internalized). A key no event has (most literal dotted
 * keys) would otherwise be looked up in the engine's string table on every test.
 */
const internalized = (key: string): string => Object.keys({ [key]: 0 })[0] as string;

/** The object reached by descending the segments (`["winlog", "event_data"]`), or undefined. */
const descents = new Map<string, Read>();
const identity: Read = (o) => o;

function descent(segments: readonly string[]): Read {
  if (segments.length === 0) return identity;
  const key = JSON.stringify(segments);
  let read = descents.get(key);
  if (read) return read;
  const parent = descent(segments.slice(0, -1));
  const last = internalized(segments[segments.length - 1] as string);
  read = memoized((event) => {
    const o = parent(event);
    return isObject(o) && Object.hasOwn(o, last) ? o[last] : undefined;
  }) as Read;
  descents.set(key, read);
  return read;
}

/** A getter for a dotted path (not shared: callers cache it). */
export function pathGetter(path: string): (event: unknown) => unknown {
  const segments = path.split('.');
  // At level i: the object reached by descending segments[0..i), and the rest of the path there.
  const levels = segments.map((_, i) => ({ at: descent(segments.slice(0, i)), rest: internalized(segments.slice(i).join('.')) }));
  const key = internalized(path);
  if (levels.length === 1) return (o) => (isObject(o) && Object.hasOwn(o, key) ? o[key] : undefined);
  // Most paths have two or three segments: unrolled, without the loop over `levels`.
  if (levels.length === 2) {
    const d1 = (levels[1] as { at: Read }).at;
    const r1 = (levels[1] as { rest: string }).rest;
    return (event) => {
      if (!isObject(event)) return undefined;
      if (Object.hasOwn(event, key)) return event[key];
      const o1 = d1(event);
      return isObject(o1) && Object.hasOwn(o1, r1) ? o1[r1] : undefined;
    };
  }
  if (levels.length === 3) {
    const [, l1, l2] = levels as [unknown, { at: Read; rest: string }, { at: Read; rest: string }];
    const d1 = l1.at;
    const r1 = l1.rest;
    const d2 = l2.at;
    const r2 = l2.rest;
    return (event) => {
      if (!isObject(event)) return undefined;
      if (Object.hasOwn(event, key)) return event[key];
      const o1 = d1(event);
      if (!isObject(o1)) return undefined;
      if (Object.hasOwn(o1, r1)) return o1[r1];
      const o2 = d2(event);
      return isObject(o2) && Object.hasOwn(o2, r2) ? o2[r2] : undefined;
    };
  }
  return (event) => {
    for (let i = 0; i < levels.length; i++) {
      const { at, rest } = levels[i] as { at: Read; rest: string };
      const o = at(event);
      if (!isObject(o)) return undefined;
      if (Object.hasOwn(o, rest)) return o[rest];
    }
    return undefined;
  };
}
