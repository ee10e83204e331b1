/**
 * A cache keyed by the values an event holds in the fields the logsource predicates read. The
 * predicates are functions of those values alone (see `LogsourceMatcher.reads`), so two events
 * with the same values activate the same logsources: the index caches its logsource stage (the
 * predicates, the plan lookup) here, and reads a dozen fields per event instead of testing the
 * predicates.
 *
 * The key is not built as a string: each field is one level of nested Maps, keyed by the value
 * itself (strings, numbers, booleans, null, undefined; Maps compare them with SameValueZero,
 * which no predicate tells apart), or by its presence alone; an array of one scalar by that
 * scalar, and a longer array of scalars by an unambiguous text of it, each in a Map of its own.
 */
import type { LogsourceRead } from '../pipelines/logsource.js';
import type { Getter } from '../pipelines/resolver.js';

/** An unambiguous text for an array of scalars, or undefined (an element is an object or a symbol). */
function arrayKey(v: readonly unknown[]): string | undefined {
  let key = '';
  for (let k = 0; k < v.length; k++) {
    const x: unknown = v[k];
    switch (typeof x) {
      case 'string':
        // Length-prefixed: no separator can be forged by the text.
        key += `s${x.length}:${x}`;
        break;
      case 'number':
        key += `n${String(x)};`;
        break;
      case 'boolean':
        key += x ? 'T' : 'F';
        break;
      case 'bigint':
        key += `g${String(x)};`;
        break;
      case 'undefined':
        key += 'u';
        break;
      default:
        if (x !== null) return undefined;
        key += 'z';
    }
  }
  return key;
}

interface Level<V> {
  /** By the value itself (or by presence, true/false). */
  readonly values: Map<unknown, Level<V> | V>;
  /** By the element of an array of one scalar (the common ECS multi-value field). */
  readonly singles: Map<unknown, Level<V> | V>;
  /** By `arrayKey` of another array. */
  readonly arrays: Map<unknown, Level<V> | V>;
}

const newLevel = <V>(): Level<V> => ({ values: new Map(), singles: new Map(), arrays: new Map() });

/** Which Map of a level a key is in. */
const VALUE = 0;
const SINGLE = 1;
const ARRAY = 2;
type Kind = typeof VALUE | typeof SINGLE | typeof ARRAY;
const mapOf = <V>(level: Level<V>, kind: Kind): Map<unknown, Level<V> | V> =>
  kind === VALUE ? level.values : kind === SINGLE ? level.singles : level.arrays;

/** Marks a value that cannot be keyed (an object): the event is not cached. */
const UNKEYED = Symbol('unkeyed');

export class LogsourceCache<V> {
  private readonly gets: Getter[] = [];
  /** Per getter: only presence matters (every read of it is `|exists`). */
  private readonly presence: boolean[] = [];
  private root: Level<V> = newLevel();
  private entries = 0;
  /**
   * The keys of the last lookup, per level: `keys[0 .. depth)` (the last `UNKEYED` when it could
   * not be keyed). Written in place, never emptied: no allocation per lookup.
   */
  private readonly keys: unknown[] = [];
  private readonly kinds: Kind[] = [];
  private depth = 0;

  constructor(
    reads: readonly LogsourceRead[],
    private readonly maxEntries = 4096,
  ) {
    const index = new Map<Getter, number>();
    for (const r of reads) {
      const i = index.get(r.get);
      if (i === undefined) {
        index.set(r.get, this.gets.length);
        this.gets.push(r.get);
        this.presence.push(r.presence);
      } else if (!r.presence) this.presence[i] = false;
    }
    // No field read: every event has the same key.
    if (this.gets.length === 0) {
      this.gets.push(() => undefined);
      this.presence.push(true);
    }
  }

  get size(): number {
    return this.entries;
  }

  /** The value cached for the event's key, or undefined (then `store` caches one for it). */
  lookup(event: object): V | undefined {
    const keys = this.keys;
    const kinds = this.kinds;
    this.depth = 0;
    let level: Level<V> | V | undefined = this.root;
    for (let k = 0; k < this.gets.length; k++) {
      const v = (this.gets[k] as Getter)(event);
      let key: unknown = v;
      let kind: Kind = VALUE;
      if (this.presence[k]) key = v !== undefined;
      else if (v !== null && typeof v === 'object') {
        const single = Array.isArray(v) && v.length === 1 ? (v[0] as unknown) : undefined;
        if (single !== undefined && (single === null || typeof single !== 'object')) {
          key = single;
          kind = SINGLE;
        } else {
          key = Array.isArray(v) ? arrayKey(v) : undefined;
          kind = ARRAY;
        }
      }
      if (key === undefined ? kind !== VALUE : typeof key === 'symbol' || typeof key === 'function') {
        keys[k] = UNKEYED;
        this.depth = k + 1;
        return undefined;
      }
      keys[k] = key;
      kinds[k] = kind;
      this.depth = k + 1;
      if (level !== undefined) level = mapOf(level as Level<V>, kind).get(key);
    }
    return level as V | undefined;
  }

  /** Caches `value` for the key of the event last looked up (a miss). */
  store(value: V): void {
    const keys = this.keys;
    const depth = this.depth;
    if (depth !== this.gets.length || keys[depth - 1] === UNKEYED) return;
    if (this.entries >= this.maxEntries) this.clear();
    let level = this.root;
    for (let k = 0; k < depth; k++) {
      const map = mapOf(level, this.kinds[k] as Kind);
      if (k === depth - 1) {
        map.set(keys[k], value);
        break;
      }
      let next = map.get(keys[k]) as Level<V> | undefined;
      if (next === undefined) {
        next = newLevel();
        map.set(keys[k], next);
      }
      level = next;
    }
    this.entries++;
  }

  clear(): void {
    this.root = newLevel();
    this.entries = 0;
  }
}
