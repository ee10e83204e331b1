/** Reads a dotted path (`source.ip`) from a nested event; also accepts a literal dotted key at any level. */
export function getField(obj: unknown, path: string): unknown {
  if (obj === null || typeof obj !== 'object') return undefined;
  const rec = obj as Record<string, unknown>;
  if (path in rec) return rec[path];
  const dot = path.indexOf('.');
  if (dot < 0) return undefined;
  // Try the longest literal prefix first is unnecessary for ECS; walk one segment at a time.
  return getField(rec[path.slice(0, dot)], path.slice(dot + 1));
}

/** Sets a dotted path on a nested object, creating objects on the way. */
export function setField(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur = obj;
  for (let i = 0; i < parts.length - 1; i++) {
    const p = parts[i] as string;
    const next = cur[p];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) {
      const created: Record<string, unknown> = {};
      cur[p] = created;
      cur = created;
    } else {
      cur = next as Record<string, unknown>;
    }
  }
  cur[parts[parts.length - 1] as string] = value;
}
