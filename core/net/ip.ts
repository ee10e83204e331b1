/**
 * IP addresses and networks, and which special-purpose range an address is in. An IPv4 address
 * is one unsigned 32-bit number, an IPv6 address eight 16-bit words; an IPv4-mapped IPv6
 * address (`::ffff:a.b.c.d`) compares as its IPv4 address. Parsed by hand so that testing an
 * event's value allocates nothing (the Sigma `cidr` modifier, indicator lookups).
 */

export interface IpAddress {
  readonly v6: boolean;
  /** IPv4: the address as an unsigned 32-bit number (0 for IPv6). */
  readonly v4: number;
  /** IPv6: eight words (empty for IPv4). */
  readonly words: Uint16Array;
}

/** A network: its address with the host bits cleared, and the prefix length. */
export interface IpNetwork extends IpAddress {
  readonly prefix: number;
}

const NO_WORDS = new Uint16Array(0);

/** Dotted quad → unsigned 32-bit number, or -1 (no leading zeros: "010" is octal to some parsers). */
export function parseIPv4(s: string, start = 0, end = s.length): number {
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

/**
 * IPv6 text into `out` (8 words): `::` compression, an IPv4 tail (`::ffff:1.2.3.4`) and a zone
 * (`%eth0`, ignored). False when it is not one (`out` then holds nothing meaningful).
 */
export function parseIPv6(s: string, out: Uint16Array): boolean {
  let end = s.indexOf('%');
  if (end < 0) end = s.length;
  let n = 0;
  let gap = -1;
  let i = 0;
  if (end >= 2 && s.charCodeAt(0) === 58 && s.charCodeAt(1) === 58) {
    gap = 0;
    i = 2;
    if (i === end) {
      out.fill(0);
      return true;
    }
  } else if (s.charCodeAt(0) === 58) {
    return false;
  }
  while (i < end) {
    if (n >= 8) return false;
    let j = i;
    let word = 0;
    while (j < end && j - i < 5) {
      const c = s.charCodeAt(j);
      const h = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
      if (h < 0) break;
      word = word * 16 + h;
      j++;
    }
    if (j < end && s.charCodeAt(j) === 46) {
      // An IPv4 tail ends the text and takes the last two words.
      const v4 = parseIPv4(s, i, end);
      if (v4 < 0 || n > 6) return false;
      out[n++] = v4 >>> 16;
      out[n++] = v4 & 0xffff;
      i = end;
      break;
    }
    if (j === i || j - i > 4) return false;
    out[n++] = word;
    i = j;
    if (i === end) break;
    if (s.charCodeAt(i) !== 58) return false;
    i++;
    if (i < end && s.charCodeAt(i) === 58) {
      if (gap >= 0) return false;
      gap = n;
      i++;
    } else if (i === end) {
      return false; // a trailing single ':'
    }
  }
  if (gap < 0) return n === 8;
  if (n === 8) return false;
  const tail = n - gap;
  for (let k = 0; k < tail; k++) out[7 - k] = out[n - 1 - k] as number;
  for (let k = gap; k < 8 - tail; k++) out[k] = 0;
  return true;
}

/** The IPv4 address of an IPv4-mapped IPv6 address (`::ffff:1.2.3.4`), or -1. */
export function mappedV4(w: Uint16Array): number {
  for (let k = 0; k < 5; k++) if (w[k] !== 0) return -1;
  return w[5] === 0xffff ? (((w[6] as number) << 16) | (w[7] as number)) >>> 0 : -1;
}

/**
 * The IPv4 host an IPv6 address reaches, or -1: mapped (`::ffff:a.b.c.d`), the deprecated
 * IPv4-compatible form (`::a.b.c.d`, but not `::` or `::1`) and NAT64's well-known prefix
 * (`64:ff9b::/96`, RFC 6052) all carry one.
 */
export function embeddedV4(w: Uint16Array): number {
  const m = mappedV4(w);
  if (m >= 0) return m;
  const tail = (((w[6] as number) << 16) | (w[7] as number)) >>> 0;
  for (let k = 2; k < 6; k++) if (w[k] !== 0) return -1;
  if (w[0] === 0x64 && w[1] === 0xff9b) return tail;
  return w[0] === 0 && w[1] === 0 && tail > 1 ? tail : -1;
}

/** An IPv4 address (an unsigned 32-bit number) as an address. */
export function ipv4(v4: number): IpAddress {
  return { v6: false, v4: v4 >>> 0, words: NO_WORDS };
}

/** The address as written: an IPv4-mapped IPv6 address stays IPv6. Undefined when it is not one. */
export function parseLiteral(text: string): IpAddress | undefined {
  const v4 = parseIPv4(text);
  if (v4 >= 0) return ipv4(v4);
  const words = new Uint16Array(8);
  return parseIPv6(text, words) ? { v6: true, v4: 0, words } : undefined;
}

/** The address in its comparable form: an IPv4-mapped IPv6 address is its IPv4 address. */
export function parseAddress(text: string): IpAddress | undefined {
  const a = parseLiteral(text);
  if (!a?.v6) return a;
  const m = mappedV4(a.words);
  return m >= 0 ? ipv4(m) : a;
}

/** The network of `prefix` bits that holds the address (its host bits cleared). */
export function networkOf(a: IpAddress, prefix: number): IpNetwork {
  if (!a.v6) return { v6: false, v4: (a.v4 & v4Mask(prefix)) >>> 0, words: NO_WORDS, prefix };
  const words = new Uint16Array(8);
  for (let w = 0; w < 8; w++) words[w] = (a.words[w] as number) & v6WordMask(prefix, w);
  return { v6: true, v4: 0, words, prefix };
}

/**
 * `a.b.c.d/n` or `x::/n` (host bits cleared), or a bare address as a host network; undefined when
 * it is not one. A network inside `::ffff:0:0/96` is its IPv4 network (`::ffff:10.0.0.0/104` is
 * `10.0.0.0/8`), so that it holds the IPv4 addresses it names.
 */
export function parseNetwork(text: string): IpNetwork | undefined {
  const slash = text.indexOf('/');
  const a = parseLiteral(slash < 0 ? text : text.slice(0, slash));
  if (!a) return undefined;
  const max = a.v6 ? 128 : 32;
  let prefix = max;
  if (slash >= 0) {
    const bits = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(bits)) return undefined;
    prefix = Number(bits);
    if (prefix > max) return undefined;
  }
  const n = networkOf(a, prefix);
  const m = n.v6 && prefix >= 96 ? mappedV4(n.words) : -1;
  return m >= 0 ? { ...ipv4(m), prefix: prefix - 96 } : n;
}

export function sameAddress(a: IpAddress, b: IpAddress): boolean {
  if (a.v6 !== b.v6) return false;
  if (!a.v6) return a.v4 === b.v4;
  for (let k = 0; k < 8; k++) if (a.words[k] !== b.words[k]) return false;
  return true;
}

/** Whether the network holds the address (an IPv6 network no IPv4 address, and the other way round). */
export function contains(n: IpNetwork, a: IpAddress): boolean {
  if (n.v6 !== a.v6) return false;
  if (!a.v6) return (a.v4 & v4Mask(n.prefix)) >>> 0 === n.v4;
  return wordsIn(a.words, n);
}

/**
 * A test of an address written as text against any of the networks, allocating nothing. An
 * IPv4-mapped IPv6 address is tested as its IPv4 address and as the IPv6 address it is.
 */
export function compileNetworkTest(networks: readonly IpNetwork[]): (text: string) => boolean {
  const v4 = networks.filter((n) => !n.v6);
  const v4nets = Uint32Array.from(v4, (n) => n.v4);
  const v4masks = Uint32Array.from(v4, (n) => v4Mask(n.prefix));
  const v6 = networks.filter((n) => n.v6);
  const scratch = new Uint16Array(8);
  const in4 = (ip: number): boolean => {
    for (let k = 0; k < v4nets.length; k++) if ((ip & (v4masks[k] as number)) >>> 0 === v4nets[k]) return true;
    return false;
  };
  return (text) => {
    const ip = v4.length > 0 ? parseIPv4(text) : -1;
    if (ip >= 0) return in4(ip);
    if (text.indexOf(':') < 0 || !parseIPv6(text, scratch)) return false;
    if (v4.length > 0) {
      const m = mappedV4(scratch);
      if (m >= 0 && in4(m)) return true;
    }
    for (let k = 0; k < v6.length; k++) if (wordsIn(scratch, v6[k] as IpNetwork)) return true;
    return false;
  };
}

/** The bit at `index` (0 = most significant) of an address. */
export function bitOf(a: IpAddress, index: number): number {
  if (!a.v6) return (a.v4 >>> (31 - index)) & 1;
  return ((a.words[index >> 4] as number) >>> (15 - (index & 15))) & 1;
}

/** Dotted quad, or IPv6 as RFC 5952 writes it: lower case, the longest run of two or more zero words as `::` (§4), an IPv4-mapped address with its IPv4 part dotted (§5). */
export function formatAddress(a: IpAddress): string {
  if (!a.v6) return dotted(a.v4);
  const w = a.words;
  if (w[0] === 0 && w[1] === 0 && w[2] === 0 && w[3] === 0 && w[4] === 0 && w[5] === 0xffff) {
    return `::ffff:${dotted((((w[6] as number) << 16) | (w[7] as number)) >>> 0)}`;
  }
  let best = -1;
  let bestLen = 1;
  for (let k = 0; k < 8;) {
    if (a.words[k] !== 0) {
      k++;
      continue;
    }
    let j = k;
    while (j < 8 && a.words[j] === 0) j++;
    if (j - k > bestLen) {
      best = k;
      bestLen = j - k;
    }
    k = j;
  }
  const hex = [...a.words].map((w) => w.toString(16));
  return best < 0 ? hex.join(':') : `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

function dotted(v4: number): string {
  return `${v4 >>> 24}.${(v4 >>> 16) & 255}.${(v4 >>> 8) & 255}.${v4 & 255}`;
}

export function formatNetwork(n: IpNetwork): string {
  return `${formatAddress(n)}/${n.prefix}`;
}

/**
 * The special-purpose ranges an address can be in (IANA's IPv4 and IPv6 Special-Purpose Address
 * Registries, RFC 6890). `documentation`, `relay` (6to4) and `protocol` (IPv6 IETF assignments:
 * Teredo, ORCHID, anycast services) are reachable hosts for a connection but mean nothing to a
 * GeoIP database; the others are not on the public Internet.
 */
export type AddressClass =
  'unspecified' | 'loopback' | 'private' | 'link-local' | 'cgnat' | 'multicast' | 'reserved' | 'documentation' | 'relay' | 'protocol';

type Range = readonly [string, number, AddressClass];

/** Checked in order; the first range that holds the address names its class. */
const V4_RANGES: readonly Range[] = [
  ['0.0.0.0', 8, 'unspecified'], // RFC 1122 §3.2.1.3 "this network"
  ['10.0.0.0', 8, 'private'], // RFC 1918
  ['100.64.0.0', 10, 'cgnat'], // RFC 6598 shared address space
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'], // RFC 3927
  ['172.16.0.0', 12, 'private'],
  // Unlike IPv6's 2001::/23, most of it reaches no host (RFC 6890 §2.2.2).
  ['192.0.0.0', 24, 'reserved'],
  ['192.0.2.0', 24, 'documentation'], // RFC 5737 TEST-NET-1
  ['192.88.99.0', 24, 'relay'], // RFC 7526 6to4 relay anycast (deprecated)
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved'], // RFC 2544 benchmarking
  ['198.51.100.0', 24, 'documentation'], // TEST-NET-2
  ['203.0.113.0', 24, 'documentation'], // TEST-NET-3
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'], // RFC 1112 class E, with 255.255.255.255
];

const V6_RANGES: readonly Range[] = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['100::', 64, 'reserved'], // RFC 6666 discard
  ['2001::', 23, 'protocol'], // RFC 2928 IETF protocol assignments
  ['2001:db8::', 32, 'documentation'], // RFC 3849
  ['2002::', 16, 'relay'], // RFC 3056 6to4: the IPv4 address inside says where, not the prefix
  ['3fff::', 20, 'documentation'], // RFC 9637
  ['fc00::', 7, 'private'], // RFC 4193 unique local
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'private'], // RFC 3879 deprecated site-local
  ['ff00::', 8, 'multicast'],
];

const compile = (ranges: readonly Range[]) => ranges.map(([net, bits, cls]) => ({ net: parseNetwork(`${net}/${bits}`) as IpNetwork, cls }));
const V4_CLASSES = compile(V4_RANGES);
const V6_CLASSES = compile(V6_RANGES);

/** The special-purpose class of an address, or undefined when it is in none. */
export function classifyAddress(a: IpAddress): AddressClass | undefined {
  const ranges = a.v6 ? V6_CLASSES : V4_CLASSES;
  for (let k = 0; k < ranges.length; k++) {
    const r = ranges[k] as (typeof ranges)[number];
    if (contains(r.net, a)) return r.cls;
  }
  return undefined;
}

/** Whether the address is a public unicast one: in no special-purpose range and, for IPv6, global unicast (2000::/3). */
export function isPublicAddress(a: IpAddress): boolean {
  if (a.v6 && ((a.words[0] as number) & 0xe000) !== 0x2000) return false;
  return classifyAddress(a) === undefined;
}

function v4Mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** The mask of word `w` (0–7) of an IPv6 network of `prefix` bits. */
function v6WordMask(prefix: number, w: number): number {
  const keep = prefix - w * 16;
  return keep <= 0 ? 0 : keep >= 16 ? 0xffff : (0xffff << (16 - keep)) & 0xffff;
}

function wordsIn(words: Uint16Array, n: IpNetwork): boolean {
  for (let w = 0; w < 8; w++) {
    const mask = v6WordMask(n.prefix, w);
    if (mask === 0) return true;
    if (((words[w] as number) & mask) !== n.words[w]) return false;
  }
  return true;
}
