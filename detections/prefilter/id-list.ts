/** Where a scan reports pattern ids (an `IdList`, or an array). */
export interface IdSink {
  push(id: number): unknown;
}

/**
 * A list of non-negative integers (pattern ids, rule numbers) reused from one event to the next.
 *
 * A `number[]` emptied with `length = 0` hands its backing store back (V8 trims it), so the next
 * event's pushes allocate it again; and `sort` with a comparator allocates a work array and the
 * comparator. This list keeps its storage and sorts the few ids of an event in place.
 */
export class IdList {
  private items: Int32Array;
  /** Number of ids held: `items[0 .. length)`. */
  length = 0;

  constructor(capacity = 16) {
    this.items = new Int32Array(Math.max(1, capacity));
  }

  push(id: number): void {
    if (this.length === this.items.length) {
      const bigger = new Int32Array(this.items.length * 2);
      bigger.set(this.items);
      this.items = bigger;
    }
    this.items[this.length++] = id;
  }

  /** The id at `i` (`i < length`). */
  at(i: number): number {
    return this.items[i] as number;
  }

  clear(): void {
    this.length = 0;
  }

  /** Sorts the ids ascending. */
  sort(): void {
    const { items, length } = this;
    // An event picks a few rules: insertion sort, no call into the runtime.
    if (length > 32) {
      items.subarray(0, length).sort();
      return;
    }
    for (let i = 1; i < length; i++) {
      const x = items[i] as number;
      let j = i - 1;
      while (j >= 0 && (items[j] as number) > x) {
        items[j + 1] = items[j] as number;
        j--;
      }
      items[j + 1] = x;
    }
  }

  toArray(): number[] {
    return Array.from(this.items.subarray(0, this.length));
  }
}
