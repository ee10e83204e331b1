import { VigilError } from '../errors/index.js';

/** Changelog keys starting with this character are the runtime's own (partition metadata). */
export const RESERVED_KEY_PREFIX = '\u0000';

/**
 * The state of one input partition as `process` sees it: a map from key to value. Every `set`
 * and `delete` is remembered and written to the changelog with the batch's outputs, in one
 * transaction. A value changed in place must be `set` again, or the change is not persisted.
 */
export interface StateStore<S> {
  get(key: string): S | undefined;
  has(key: string): boolean;
  /** Sets the key's state; written (serialized once) to the changelog when the batch commits. */
  set(key: string, value: S): void;
  /** Deletes the key; a tombstone goes to the changelog. Returns whether it existed. */
  delete(key: string): boolean;
  readonly size: number;
  keys(): IterableIterator<string>;
  entries(): IterableIterator<[string, S]>;
}

/** A Map with change tracking: what the runtime hands to `process`, one per partition. */
export class KeyValueStore<S> implements StateStore<S> {
  private readonly map = new Map<string, S>();
  private readonly dirty = new Set<string>();

  get(key: string): S | undefined {
    return this.map.get(key);
  }

  has(key: string): boolean {
    return this.map.has(key);
  }

  set(key: string, value: S): void {
    if (key.startsWith(RESERVED_KEY_PREFIX)) {
      throw new VigilError('STATE_STORE', `state key ${JSON.stringify(key)} starts with U+0000, which the runtime reserves`);
    }
    this.map.set(key, value);
    this.dirty.add(key);
  }

  delete(key: string): boolean {
    const existed = this.map.delete(key);
    if (existed) this.dirty.add(key);
    return existed;
  }

  get size(): number {
    return this.map.size;
  }

  keys(): IterableIterator<string> {
    return this.map.keys();
  }

  entries(): IterableIterator<[string, S]> {
    return this.map.entries();
  }

  /** The keys changed since the last drain with their current value (undefined: deleted); clears the record. */
  drainChanges(): Array<[string, S | undefined]> {
    const changes: Array<[string, S | undefined]> = [];
    for (const key of this.dirty) changes.push([key, this.map.get(key)]);
    this.dirty.clear();
    return changes;
  }

  /** Applies a changelog record while restoring (not tracked as a change). */
  restore(key: string, value: S | undefined): void {
    if (value === undefined) this.map.delete(key);
    else this.map.set(key, value);
  }
}
