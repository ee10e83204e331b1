/**
 * Dotted paths over events whose keys come from input (JSON lines, syslog structured data). Only
 * own properties are read or walked through, and a key named `__proto__` is written as data
 * (as `JSON.parse` and object spread make it): no path can reach or replace a prototype.
 */

/** The own property `key` of `rec`; inherited ones (`constructor`, `__proto__`, `toString`) are not fields. */
function own(rec: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(rec, key) ? rec[key] : undefined;
}

/** `rec[key] = value`, except that `__proto__` becomes an own data property instead of the prototype. */
function setOwnKey(rec: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(rec, key, { value, enumerable: true, writable: true, configurable: true });
  else rec[key] = value;
}

/** Reads a dotted path (`source.ip`) from a nested event; also accepts a literal dotted key at any level. */
export function getField(obj: unknown, path: string): unknown {
  if (obj === null || typeof obj !== 'object') return undefined;
  const rec = obj as Record<string, unknown>;
  if (Object.hasOwn(rec, path)) return rec[path];
  const dot = path.indexOf('.');
  if (dot < 0) return undefined;
  // Try the longest literal prefix first is unnecessary for ECS; walk one segment at a time.
  return getField(own(rec, path.slice(0, dot)), path.slice(dot + 1));
}

/** Sets a dotted path on a nested object, creating objects on the way. */
export function setField(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur = obj;
  for (let i = 0; i < parts.length - 1; i++) {
    const p = parts[i] as string;
    const next = own(cur, p);
    if (next === null || typeof next !== 'object' || Array.isArray(next)) {
      const created: Record<string, unknown> = {};
      setOwnKey(cur, p, created);
      cur = created;
    } else {
      cur = next as Record<string, unknown>;
    }
  }
  setOwnKey(cur, parts[parts.length - 1] as string, value);
}
