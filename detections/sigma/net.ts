/**
 * IP addresses and CIDR networks for the `cidr` modifier (IPv4 and IPv6), parsed by hand so
 * that testing an event value allocates nothing: an IPv4 address is one 32-bit number, an
 * IPv6 address eight 16-bit words written into a scratch array.
 */

export interface Network {
  readonly v6: boolean;
  /** IPv4: the network address. */
  readonly v4net: number;
  readonly v4mask: number;
  /** IPv6: the network's words and the prefix length. */
  readonly words: Uint16Array;
  readonly prefix: number;
}

/** An IPv4 address as an unsigned 32-bit number, or -1 (dotted quad, no leading zeros beyond one digit). */
export function parseIPv4(s: string, start = 0, end = s.length): number {
  let value = 0;
  let octet = -1;
  let digits = 0;
  let dots = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits > 0 && octet === 0) return -1; // "01" is ambiguous (octal in some parsers)
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
 * Parses an IPv6 address into `out` (8 words): `::` compression, an embedded IPv4 tail
 * (`::ffff:1.2.3.4`) and a zone (`%eth0`, ignored). Returns false when it is not one.
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
      // IPv4 tail: takes the last two words.
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

/** A CIDR network (`10.0.0.0/8`, `fe80::/10`; a bare address is a single host). Host bits are ignored. Undefined when invalid. */
export function parseCidr(text: string): Network | undefined {
  const slash = text.indexOf('/');
  const addr = slash < 0 ? text : text.slice(0, slash);
  const bits = slash < 0 ? undefined : text.slice(slash + 1);
  if (bits !== undefined && !/^\d{1,3}$/.test(bits)) return undefined;
  const v4 = parseIPv4(addr);
  if (v4 >= 0) {
    const prefix = bits === undefined ? 32 : Number(bits);
    if (prefix > 32) return undefined;
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    return { v6: false, v4net: (v4 & mask) >>> 0, v4mask: mask, words: new Uint16Array(8), prefix };
  }
  const words = new Uint16Array(8);
  if (!parseIPv6(addr, words)) return undefined;
  const prefix = bits === undefined ? 128 : Number(bits);
  if (prefix > 128) return undefined;
  for (let w = 0; w < 8; w++) {
    const keep = Math.max(0, Math.min(16, prefix - w * 16));
    words[w] = (words[w] as number) & (keep === 0 ? 0 : (0xffff << (16 - keep)) & 0xffff);
  }
  return { v6: true, v4net: 0, v4mask: 0, words, prefix };
}

export function formatCidr(n: Network): string {
  if (!n.v6) return `${[24, 16, 8, 0].map((s) => (n.v4net >>> s) & 255).join('.')}/${n.prefix}`;
  return `${[...n.words].map((w) => w.toString(16)).join(':')}/${n.prefix}`;
}

const scratch = new Uint16Array(8);

/** A test of an event value (text) against any of the networks. IPv4-mapped IPv6 addresses count as IPv4. */
export function compileCidrTest(networks: readonly Network[]): (text: string) => boolean {
  const v4 = networks.filter((n) => !n.v6);
  const v6 = networks.filter((n) => n.v6);
  const in4 = (ip: number): boolean => {
    for (let k = 0; k < v4.length; k++) {
      const n = v4[k] as Network;
      if ((ip & n.v4mask) >>> 0 === n.v4net) return true;
    }
    return false;
  };
  return (text) => {
    const ip = v4.length > 0 ? parseIPv4(text) : -1;
    if (ip >= 0) return in4(ip);
    if (text.indexOf(':') < 0 || !parseIPv6(text, scratch)) return false;
    if (
      v4.length > 0 &&
      scratch[0] === 0 &&
      scratch[1] === 0 &&
      scratch[2] === 0 &&
      scratch[3] === 0 &&
      scratch[4] === 0 &&
      scratch[5] === 0xffff
    ) {
      if (in4(((((scratch[6] as number) << 16) >>> 0) + (scratch[7] as number)) >>> 0)) return true;
    }
    for (let k = 0; k < v6.length; k++) {
      const n = v6[k] as Network;
      let ok = true;
      for (let w = 0; w < 8 && ok; w++) {
        const keep = n.prefix - w * 16;
        if (keep <= 0) break;
        const mask = keep >= 16 ? 0xffff : (0xffff << (16 - keep)) & 0xffff;
        ok = ((scratch[w] as number) & mask) === n.words[w];
      }
      if (ok) return true;
    }
    return false;
  };
}
