/**
 * Dotted paths over nested records (`source.ip` is `{ source: { ip } }`), the way ECS events
 * sit on the bus; a literal dotted key at the top (`"source.ip": …`) is read too. Paths are split
 * once, when a route compiles.
 */
export type Path = readonly string[];

export const splitPath = (p: string): Path => p.split('.');

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

export function getPath(doc: Obj, path: Path): unknown {
  let cur: unknown = doc;
  for (const seg of path) {
    if (!isObj(cur) || !Object.hasOwn(cur, seg)) return path.length > 1 ? doc[path.join('.')] : undefined;
    cur = cur[seg];
  }
  return cur;
}

/** Sets `value` at `path`, creating the objects on the way (a non-object on the way is replaced). */
export function setPath(doc: Obj, path: Path, value: unknown): void {
  let cur = doc;
  for (let i = 0; i < path.length - 1; i++) {
    const seg = path[i] as string;
    const next = cur[seg];
    if (isObj(next)) cur = next;
    else {
      const fresh: Obj = {};
      cur[seg] = fresh;
      cur = fresh;
    }
  }
  cur[path[path.length - 1] as string] = value;
}

/** Removes the field at `path` (nested, or the literal dotted key); returns whether it was there. */
export function deletePath(doc: Obj, path: Path): boolean {
  let cur: unknown = doc;
  for (let i = 0; i < path.length - 1; i++) {
    const seg = path[i] as string;
    if (!isObj(cur) || !isObj(cur[seg])) return deleteLiteral(doc, path);
    cur = cur[seg];
  }
  const last = path[path.length - 1] as string;
  if (isObj(cur) && Object.hasOwn(cur, last)) {
    delete cur[last];
    return true;
  }
  return deleteLiteral(doc, path);
}

function deleteLiteral(doc: Obj, path: Path): boolean {
  if (path.length < 2) return false;
  const key = path.join('.');
  if (!Object.hasOwn(doc, key)) return false;
  delete doc[key];
  return true;
}
