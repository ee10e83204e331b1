/**
 * A binary prefix trie of IPv4 and IPv6 networks (one root each): longest-prefix match in at most
 * 32 or 128 steps, whatever the number of networks. Nodes live in growable typed arrays, not
 * objects, so that a million networks stay a few tens of megabytes; the arrays are in shared
 * memory, so that worker threads read the trie a build made without a copy.
 */
import { bitOf, type IpAddress, type IpNetwork } from '../core/net/ip.js';

const sharedInt32 = (n: number) => new Int32Array(new SharedArrayBuffer(n * 4));

class BitTrie {
  private zero: Int32Array = sharedInt32(64);
  private one: Int32Array = sharedInt32(64);
  /** The value index stored at a node, or -1. */
  private value: Int32Array = sharedInt32(64).fill(-1);
  private nodes = 1;

  private grow(): void {
    const size = this.zero.length * 2;
    const z = sharedInt32(size);
    z.set(this.zero);
    const o = sharedInt32(size);
    o.set(this.one);
    const v = sharedInt32(size).fill(-1);
    v.set(this.value);
    this.zero = z;
    this.one = o;
    this.value = v;
  }

  insert(n: IpNetwork, index: number): void {
    let node = 0;
    for (let i = 0; i < n.prefix; i++) {
      const next = bitOf(n, i) ? this.one : this.zero;
      let child = next[node] as number;
      if (child === 0) {
        if (this.nodes === this.zero.length) this.grow();
        child = this.nodes++;
        (bitOf(n, i) ? this.one : this.zero)[node] = child;
      }
      node = child;
    }
    this.value[node] = index;
  }

  /** The value index stored at exactly this network, or -1. */
  exact(n: IpNetwork): number {
    let node = 0;
    for (let i = 0; i < n.prefix && node >= 0; i++) node = ((bitOf(n, i) ? this.one[node] : this.zero[node]) as number) || -1;
    return node < 0 ? -1 : (this.value[node] as number);
  }

  /** The value index of the longest IPv4 network holding the address, or -1. */
  longestV4(v4: number): number {
    let node = 0;
    let found = this.value[0] as number;
    for (let i = 31; i >= 0; i--) {
      node = (((v4 >>> i) & 1) === 1 ? this.one[node] : this.zero[node]) as number;
      if (node === 0) break;
      const v = this.value[node] as number;
      if (v >= 0) found = v;
    }
    return found;
  }

  /** The value index of the longest IPv6 network holding the address (eight words), or -1. */
  longestV6(words: Uint16Array): number {
    let node = 0;
    let found = this.value[0] as number;
    for (let i = 0; i < 128; i++) {
      node = ((((words[i >> 4] as number) >>> (15 - (i & 15))) & 1) === 1 ? this.one[node] : this.zero[node]) as number;
      if (node === 0) break;
      const v = this.value[node] as number;
      if (v >= 0) found = v;
    }
    return found;
  }

  get size(): number {
    return this.nodes;
  }

  /** The node arrays in use (views, not copies). */
  data(): BitTrieData {
    const n = this.nodes;
    return { zero: this.zero.subarray(0, n), one: this.one.subarray(0, n), value: this.value.subarray(0, n), nodes: n };
  }

  static over(data: BitTrieData): BitTrie {
    const t = new BitTrie();
    t.zero = data.zero;
    t.one = data.one;
    t.value = data.value;
    t.nodes = data.nodes;
    return t;
  }
}

/** A trie's node arrays, as `PrefixTrie.data` gives them and `PrefixTrie.over` reads them. */
export interface BitTrieData {
  zero: Int32Array;
  one: Int32Array;
  value: Int32Array;
  nodes: number;
}

export interface PrefixTrieData {
  v4: BitTrieData;
  v6: BitTrieData;
  count: number;
}

/** IPv4 and IPv6 networks, each with a value index given at insert. */
export class PrefixTrie {
  private v4 = new BitTrie();
  private v6 = new BitTrie();
  private count = 0;

  /** A read-only trie over arrays `data` gave (in shared memory, for another thread). */
  static over(data: PrefixTrieData): PrefixTrie {
    const t = new PrefixTrie();
    t.v4 = BitTrie.over(data.v4);
    t.v6 = BitTrie.over(data.v6);
    t.count = data.count;
    return t;
  }

  /** The trie's arrays (not copies). */
  data(): PrefixTrieData {
    return { v4: this.v4.data(), v6: this.v6.data(), count: this.count };
  }

  insert(n: IpNetwork, index: number): void {
    (n.v6 ? this.v6 : this.v4).insert(n, index);
    this.count++;
  }

  /** The index given with exactly this network, or -1. */
  exact(n: IpNetwork): number {
    return (n.v6 ? this.v6 : this.v4).exact(n);
  }

  /** The index given with the longest network that holds the address, or -1. */
  longest(a: IpAddress): number {
    if (this.count === 0) return -1;
    return a.v6 ? this.v6.longestV6(a.words) : this.v4.longestV4(a.v4);
  }

  longestV4(v4: number): number {
    return this.count === 0 ? -1 : this.v4.longestV4(v4);
  }

  longestV6(words: Uint16Array): number {
    return this.count === 0 ? -1 : this.v6.longestV6(words);
  }

  get networks(): number {
    return this.count;
  }
}
