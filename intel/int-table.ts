/**
 * An open-addressing hash table from unsigned 32-bit keys (IPv4 addresses) to non-negative
 * ints, in two typed arrays: 8 bytes a slot at half load, where a `Map` of numbers above 2^31
 * would box every key. Lookups allocate nothing. The arrays are in shared memory, so that worker
 * threads read the table a build made without a copy.
 */
const shared32 = <A extends Uint32Array | Int32Array>(Ctor: new (b: SharedArrayBuffer) => A, n: number): A =>
  new Ctor(new SharedArrayBuffer(n * 4));

export class IntTable {
  private keys: Uint32Array;
  private values: Int32Array;
  private mask: number;
  private count = 0;

  constructor(expected = 8) {
    let size = 16;
    while (size < expected * 2) size *= 2;
    this.keys = shared32(Uint32Array, size);
    this.values = shared32(Int32Array, size).fill(-1);
    this.mask = size - 1;
  }

  /** A read-only table over arrays `data` gave (in shared memory, for another thread). */
  static over(data: IntTableData): IntTable {
    const t = new IntTable(0);
    t.keys = data.keys;
    t.values = data.values;
    t.mask = data.keys.length - 1;
    t.count = data.count;
    return t;
  }

  /** The table's arrays (not copies). */
  data(): IntTableData {
    return { keys: this.keys, values: this.values, count: this.count };
  }

  /** Knuth's multiplicative hash: addresses of one network differ in their low bits only. */
  private slot(key: number): number {
    return Math.imul(key, 0x9e3779b1) >>> 0;
  }

  get(key: number): number {
    let i = this.slot(key) & this.mask;
    for (;;) {
      const v = this.values[i] as number;
      if (v < 0) return -1;
      if (this.keys[i] === key) return v;
      i = (i + 1) & this.mask;
    }
  }

  set(key: number, value: number): void {
    if ((this.count + 1) * 2 > this.keys.length) this.grow();
    let i = this.slot(key) & this.mask;
    for (;;) {
      if ((this.values[i] as number) < 0) {
        this.keys[i] = key;
        this.values[i] = value;
        this.count++;
        return;
      }
      if (this.keys[i] === key) {
        this.values[i] = value;
        return;
      }
      i = (i + 1) & this.mask;
    }
  }

  private grow(): void {
    const keys = this.keys;
    const values = this.values;
    this.keys = shared32(Uint32Array, keys.length * 2);
    this.values = shared32(Int32Array, keys.length * 2).fill(-1);
    this.mask = this.keys.length - 1;
    this.count = 0;
    for (let i = 0; i < keys.length; i++) if ((values[i] as number) >= 0) this.set(keys[i] as number, values[i] as number);
  }

  get size(): number {
    return this.count;
  }
}

export interface IntTableData {
  keys: Uint32Array;
  values: Int32Array;
  count: number;
}
