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
import { fieldKeys, type LogsourceRead } from '../pipelines/logsource.js';
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
/** Stands for every present value that equals none of the values the predicates compare a field with. */
const OTHER = Symbol('other');
/** Values remembered per field as relevant or not. */
const MAX_KNOWN = 8192;

export class LogsourceCache<V> {
  private readonly gets: Getter[] = [];
  /** Per getter: only presence matters (every read of it is `|exists`). */
  private readonly presence: boolean[] = [];
  /**
   * Per getter, when every read of it compares with plain values or tests presence: the keys of
   * those values. Any other value is keyed as OTHER: a field like `process.name`, compared with
   * `sudo` by one logsource, would otherwise add an entry per process name of the estate.
   */
  private readonly relevant: (Set<string> | undefined)[] = [];
  /** Per getter: scalar value → whether it is relevant (a bounded memo: keying it costs a lower-casing). */
  private readonly known: Map<unknown, boolean>[] = [];
  private readonly scratch: string[] = [];
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
      let i = index.get(r.get);
      if (i === undefined) {
        i = this.gets.length;
        index.set(r.get, i);
        this.gets.push(r.get);
        this.presence.push(r.presence);
        this.relevant.push(new Set());
        this.known.push(new Map());
      } else if (!r.presence) this.presence[i] = false;
      const set = this.relevant[i];
      if (r.values) for (const v of r.values) set?.add(v);
      else if (!r.presence) this.relevant[i] = undefined;
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

  /** Whether one of the value's keys (of an element, for an array) is among the getter's relevant keys. */
  private isRelevant(k: number, v: unknown): boolean {
    const scalar = Array.isArray(v) && v.length === 1 ? (v[0] as unknown) : v;
    if (typeof scalar === 'object' || typeof scalar === 'function' || typeof scalar === 'symbol') return this.keysRelevant(k, v);
    const known = this.known[k] as Map<unknown, boolean>;
    let hit = known.get(scalar);
    if (hit === undefined) {
      hit = this.keysRelevant(k, scalar);
      if (known.size >= MAX_KNOWN) known.clear();
      known.set(scalar, hit);
    }
    return hit;
  }

  private keysRelevant(k: number, v: unknown): boolean {
    const keys = this.relevant[k] as Set<string>;
    const out = this.scratch;
    out.length = 0;
    fieldKeys(v, out);
    for (let i = 0; i < out.length; i++) if (keys.has(out[i] as string)) return true;
    return false;
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
      else if (v !== undefined && v !== null && this.relevant[k] !== undefined && !this.isRelevant(k, v)) key = OTHER;
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
      if (key === undefined ? kind !== VALUE : (typeof key === 'symbol' && key !== OTHER) || typeof key === 'function') {
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
