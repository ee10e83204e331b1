/**
 * A key for the values an event holds in the fields the logsource predicates read. The
 * predicates are functions of those values alone (see `LogsourceMatcher.reads`), so two events
 * with the same key activate the same logsources: the index caches its logsource stage (the
 * predicates, the plan lookup) by this key, and reads a dozen fields per event instead of
 * testing the predicates.
 */
import type { LogsourceRead } from '../pipelines/logsource.js';
import type { Getter } from '../pipelines/resolver.js';

/** An unambiguous text for a field's value, or undefined for a value not worth keying (an object). */
function valueKey(v: unknown): string | undefined {
  switch (typeof v) {
    case 'undefined':
      return 'u';
    case 'string':
      // Length-prefixed: no separator can be forged by the text.
      return `s${v.length}:${v}`;
    case 'number':
      return Object.is(v, -0) ? 'n-0;' : `n${String(v)};`;
    case 'boolean':
      return v ? 'T' : 'F';
    case 'bigint':
      return `g${String(v)};`;
    case 'object': {
      if (v === null) return 'z';
      if (!Array.isArray(v)) return undefined;
      let key = `a${v.length}[`;
      for (let k = 0; k < v.length; k++) {
        const x: unknown = v[k];
        if (x !== null && typeof x === 'object') return undefined;
        const part = valueKey(x);
        if (part === undefined) return undefined;
        key += part;
      }
      return `${key}]`;
    }
    default:
      return undefined;
  }
}

export class LogsourceKeyer {
  private readonly gets: Getter[] = [];
  /** Per getter: only presence matters (every read of it is `|exists`). */
  private readonly presence: boolean[] = [];

  constructor(reads: readonly LogsourceRead[]) {
    const index = new Map<Getter, number>();
    for (const r of reads) {
      const i = index.get(r.get);
      if (i === undefined) {
        index.set(r.get, this.gets.length);
        this.gets.push(r.get);
        this.presence.push(r.presence);
      } else if (!r.presence) this.presence[i] = false;
    }
  }

  /** The event's key, or undefined when one of the values cannot be keyed. */
  key(event: object): string | undefined {
    let key = '';
    for (let k = 0; k < this.gets.length; k++) {
      const v = (this.gets[k] as Getter)(event);
      if (this.presence[k]) {
        key += v === undefined ? '0' : '1';
        continue;
      }
      const part = valueKey(v);
      if (part === undefined) return undefined;
      key += part;
    }
    return key;
  }
}
