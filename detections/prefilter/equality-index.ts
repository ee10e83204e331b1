/**
 * The equality atoms of one field (literals.ts: numbers and booleans, which match by value),
 * looked up from the event's value as `fieldKeys` (pipelines/logsource.ts) would key it, but
 * without building a key string per value: strings by their lower-cased text, numbers by value,
 * booleans by themselves.
 */
import { DECIMAL } from '../sigma/values.js';
import type { IdSink } from './id-list.js';

export class EqualityIndex {
  /** By the text after `s:`. */
  private readonly strings = new Map<string, number>();
  /** By the number after `n:` (Map keys compare as SameValueZero: 0 and -0 alike, as their text is). */
  private readonly numbers = new Map<number, number>();
  /** `b:false`, `b:true`; -1: none. */
  private readonly booleans = [-1, -1];

  /** `keys`: the `fieldKeys` key of each atom (`s:…`, `n:…`, `b:…`) → its pattern id. */
  constructor(keys: ReadonlyMap<string, number>) {
    for (const [key, id] of keys) {
      const rest = key.slice(2);
      if (key.startsWith('s:')) this.strings.set(rest, id);
      else if (key.startsWith('n:')) this.numbers.set(Number(rest), id);
      else if (key === 'b:true' || key === 'b:false') this.booleans[key === 'b:true' ? 1 : 0] = id;
      else throw new Error(`not a value key: ${key}`);
    }
  }

  /**
   * Reports the id of every atom the value (a scalar, or an array of them) satisfies: an id not
   * yet stamped with `stamp` in `seen` is stamped and pushed to `hits`.
   */
  collect(v: unknown, seen: Uint32Array, stamp: number, hits: IdSink): void {
    if (Array.isArray(v)) {
      for (let k = 0; k < v.length; k++) this.collectScalar(v[k], seen, stamp, hits);
    } else this.collectScalar(v, seen, stamp, hits);
  }

  private collectScalar(x: unknown, seen: Uint32Array, stamp: number, hits: IdSink): void {
    switch (typeof x) {
      case 'string':
        if (this.strings.size > 0) report(this.strings.get(x.toLowerCase()), seen, stamp, hits);
        if (this.numbers.size > 0 && DECIMAL.test(x)) report(this.numbers.get(Number(x)), seen, stamp, hits);
        return;
      case 'number':
        report(this.numbers.get(x), seen, stamp, hits);
        if (this.strings.size > 0) report(this.strings.get(String(x)), seen, stamp, hits);
        return;
      case 'boolean':
        report(this.booleans[x ? 1 : 0] as number, seen, stamp, hits);
        if (this.strings.size > 0) report(this.strings.get(String(x)), seen, stamp, hits);
        return;
      case 'bigint':
        if (this.strings.size > 0) report(this.strings.get(String(x)), seen, stamp, hits);
        return;
    }
  }
}

function report(id: number | undefined, seen: Uint32Array, stamp: number, hits: IdSink): void {
  if (id !== undefined && id >= 0 && seen[id] !== stamp) {
    seen[id] = stamp;
    hits.push(id);
  }
}
