/**
 * State keys: `<correlation id>|<group value>|<group value>…`, one per correlation and group.
 * The same string keys the changelog topic and may key the repartition topic, so it must be
 * reversible: a `|` or `\` inside a part is escaped with a backslash.
 */
/** Reads one field of an event: what core's getField does, with the path split once. */
export type FieldGetter = (event: object) => unknown;

/**
 * A getter for a dotted path (`source.ip`), reading nested objects and, as getField does, a
 * literal dotted key at any level (`{ "source.ip": … }`).
 */
export function fieldGetter(path: string): FieldGetter {
  const parts = path.split('.');
  const rests = parts.map((_, i) => parts.slice(i).join('.'));
  const last = parts.length - 1;
  if (last === 0) return (event) => (event as Record<string, unknown>)[path];
  return (event) => {
    let cur: unknown = event;
    for (let i = 0; i < last; i++) {
      if (cur === null || typeof cur !== 'object') return undefined;
      const rec = cur as Record<string, unknown>;
      const rest = rests[i] as string;
      if (rest in rec) return rec[rest];
      cur = rec[parts[i] as string];
    }
    return cur === null || typeof cur !== 'object' ? undefined : (cur as Record<string, unknown>)[parts[last] as string];
  };
}

export function escapePart(s: string): string {
  return s.includes('|') || s.includes('\\') ? s.replace(/[\\|]/g, (c) => `\\${c}`) : s;
}

/** The parts of a key, unescaped: the correlation id first, then the group values. */
export function splitKey(key: string): string[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < key.length; i++) {
    const c = key[i] as string;
    if (c === '\\' && i + 1 < key.length) cur += key[++i];
    else if (c === '|') {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  return parts;
}

/** The correlation id of a key (its first part), without splitting the rest. */
export function correlationIdOf(key: string): string {
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c === 92) return splitKey(key)[0] as string; // an escape: take the slow path
    if (c === 124) return key.slice(0, i);
  }
  return key;
}

/** A group value as key text: scalars as written, arrays and objects as JSON; null and absent are no value. */
export function valueText(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v);
}

/**
 * The key of an event for one correlation, or undefined when a group-by field is missing
 * (such events are counted and skipped, as the specification's grouping implies).
 */
export function groupKey(prefix: string, fields: readonly FieldGetter[], event: object): string | undefined {
  let key = prefix;
  for (let i = 0; i < fields.length; i++) {
    const text = valueText((fields[i] as FieldGetter)(event));
    if (text === undefined) return undefined;
    key += i === 0 ? escapePart(text) : `|${escapePart(text)}`;
  }
  return key;
}

/**
 * The key as one flat string. Concatenation builds a rope (a cons string) that V8 keeps as
 * such in a Map; a key held for as long as its group lives is worth one copy (about 30 bytes
 * less per group). Joining two slices is a way to get a flat copy.
 */
export function flatKey(key: string): string {
  return key.length < 13 ? key : [key.slice(0, 1), key.slice(1)].join('');
}

/** Reserved keys (changelog records that are not a group's window) start with this. */
export const WATERMARK_PREFIX = '@@watermark|';
