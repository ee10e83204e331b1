/**
 * IPv4 and IPv6 addresses and networks for the indicator store: an IPv4 address is one
 * unsigned 32-bit number, an IPv6 address eight 16-bit words. Parsed by hand so that looking an
 * event's address up allocates nothing on the IPv4 path.
 */

export interface Address {
  readonly v6: boolean;
  /** IPv4: the address as an unsigned 32-bit number. */
  readonly v4: number;
  /** IPv6: eight words (empty for IPv4). */
  readonly words: Uint16Array;
}

export interface Network extends Address {
  readonly prefix: number;
}

const NO_WORDS = new Uint16Array(0);

/** Dotted quad → unsigned 32-bit number, or -1 (no leading zeros: "010" is octal to some parsers). */
export function parseV4(s: string, start = 0, end = s.length): number {
  let value = 0;
  let octet = -1;
  let digits = 0;
  let dots = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits > 0 && octet === 0) return -1;
      octet = (octet < 0 ? 0 : octet) * 10 + (c - 48);
      if (octet > 255 || ++digits > 3) return -1;
    } else if (c === 46) {
      if (octet < 0 || ++dots > 3) return -1;
      value = value * 256 + octet;
      octet = -1;
      digits = 0;
    } else {
      return -1;
    }
  }
  if (dots !== 3 || octet < 0) return -1;
  return (value * 256 + octet) >>> 0;
}

const isHex = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);

/** IPv6 text (`::` compression, an IPv4 tail, a `%zone` ignored) into `out`; false when it is not one. */
export function parseV6(s: string, out: Uint16Array): boolean {
  let end = s.indexOf('%');
  if (end < 0) end = s.length;
  const words: number[] = [];
  let gap = -1;
  let i = 0;
  if (s.startsWith('::')) {
    gap = 0;
    i = 2;
  } else if (s.charCodeAt(0) === 58) return false;
  while (i < end) {
    if (words.length >= 8) return false;
    let j = i;
    while (j < end && j - i < 5 && isHex(s.charCodeAt(j))) j++;
    if (j < end && s.charCodeAt(j) === 46) {
      const v4 = parseV4(s, i, end);
      if (v4 < 0) return false;
      words.push(v4 >>> 16, v4 & 0xffff);
      i = end;
      break;
    }
    if (j === i || j - i > 4) return false;
    words.push(parseInt(s.slice(i, j), 16));
    i = j;
    if (i === end) break;
    if (s.charCodeAt(i) !== 58) return false;
    i++;
    if (s.charCodeAt(i) === 58) {
      if (gap >= 0) return false;
      gap = words.length;
      i++;
    } else if (i === end) return false;
  }
  if (words.length > 8 || (gap < 0 && words.length !== 8) || (gap >= 0 && words.length > 7)) return false;
  out.fill(0);
  if (gap < 0) words.forEach((w, k) => (out[k] = w));
  else {
    for (let k = 0; k < gap; k++) out[k] = words[k] as number;
    const tail = words.length - gap;
    for (let k = 0; k < tail; k++) out[8 - tail + k] = words[gap + k] as number;
  }
  return true;
}

/** An IPv4-mapped IPv6 address (`::ffff:1.2.3.4`) is its IPv4 address. */
export function mappedV4(w: Uint16Array): number {
  for (let k = 0; k < 5; k++) if (w[k] !== 0) return -1;
  return w[5] === 0xffff ? (((w[6] as number) << 16) | (w[7] as number)) >>> 0 : -1;
}

export function parseAddress(text: string): Address | undefined {
  const s = text.trim();
  const v4 = parseV4(s);
  if (v4 >= 0) return { v6: false, v4, words: NO_WORDS };
  const words = new Uint16Array(8);
  if (!parseV6(s, words)) return undefined;
  const m = mappedV4(words);
  return m >= 0 ? { v6: false, v4: m, words: NO_WORDS } : { v6: true, v4: 0, words };
}

/** `a.b.c.d/n` or `x::/n` (host bits cleared), or a bare address as a host network. */
export function parseNetwork(text: string): Network | undefined {
  const s = text.trim();
  const slash = s.indexOf('/');
  const addr = parseAddress(slash < 0 ? s : s.slice(0, slash));
  if (!addr) return undefined;
  const max = addr.v6 ? 128 : 32;
  let prefix = max;
  if (slash >= 0) {
    const p = s.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p)) return undefined;
    prefix = Number(p);
    if (prefix > max) return undefined;
  }
  if (!addr.v6) {
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    return { v6: false, v4: (addr.v4 & mask) >>> 0, words: NO_WORDS, prefix };
  }
  const words = new Uint16Array(addr.words);
  for (let bit = prefix; bit < 128; bit++) words[bit >> 4] = (words[bit >> 4] as number) & ~(0x8000 >> (bit & 15));
  return { ...addr, words, prefix };
}

export function formatNetwork(n: Network): string {
  if (!n.v6) return `${n.v4 >>> 24}.${(n.v4 >>> 16) & 255}.${(n.v4 >>> 8) & 255}.${n.v4 & 255}/${n.prefix}`;
  // RFC 5952 §4: lower case, the longest run of two or more zero words as `::`.
  let best = -1;
  let bestLen = 1;
  for (let k = 0; k < 8;) {
    if (n.words[k] !== 0) {
      k++;
      continue;
    }
    let j = k;
    while (j < 8 && n.words[j] === 0) j++;
    if (j - k > bestLen) {
      best = k;
      bestLen = j - k;
    }
    k = j;
  }
  const hex = [...n.words].map((w) => w.toString(16));
  const text = best < 0 ? hex.join(':') : `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
  return `${text}/${n.prefix}`;
}

/** The bit at `index` (0 = most significant) of an address. */
export function bitOf(a: Address, index: number): number {
  if (!a.v6) return (a.v4 >>> (31 - index)) & 1;
  return ((a.words[index >> 4] as number) >>> (15 - (index & 15))) & 1;
}
