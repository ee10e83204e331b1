import { isIP } from 'node:net';
import { setOwn } from '../../parsers/types.js';

/** IANA protocol numbers → ECS `network.transport` names (lowercase, as ECS asks). */
// prettier-ignore
const IANA: Readonly<Record<number, string>> = {
  1: 'icmp', 2: 'igmp', 4: 'ipv4', 6: 'tcp', 17: 'udp', 41: 'ipv6', 47: 'gre', 50: 'esp', 51: 'ah', 58: 'ipv6-icmp', 89: 'ospf', 103: 'pim', 112: 'vrrp', 132: 'sctp',
};

export function transportOf(num: number): string | undefined {
  return IANA[num];
}

const IANA_BY_NAME: ReadonlyMap<string, number> = new Map([
  ...Object.entries(IANA).map(([n, name]) => [name, Number(n)] as const),
  ['icmp6', 58],
  ['icmpv6', 58],
]);

export function ianaNumberOf(transport: string): number | undefined {
  return IANA_BY_NAME.get(transport.toLowerCase());
}

/** A TCP/UDP port, or undefined for anything that is not 0–65535. */
export function port(v: string | undefined): number | undefined {
  if (v === undefined || !/^\d{1,5}$/.test(v)) return undefined;
  const n = Number(v);
  return n <= 65535 ? n : undefined;
}

/** A non-negative integer that fits a JSON number exactly, or undefined. */
export function count(v: string | undefined): number | undefined {
  if (v === undefined || !/^\d{1,15}$/.test(v)) return undefined;
  return Number(v);
}

/** The address when it is an IP (IPv4, IPv6, IPv6 with a zone is refused), else undefined. */
export function ip(v: string | undefined): string | undefined {
  return v !== undefined && v !== '' && isIP(v) !== 0 ? v : undefined;
}

/** `{ ip, port }` for ECS source/destination/nat, leaving out what is missing or invalid. */
export function endpoint(addr: string | undefined, p?: string | number): { ip?: string; port?: number } | undefined {
  const out: { ip?: string; port?: number } = {};
  const a = ip(addr);
  if (a) out.ip = a;
  const n = typeof p === 'number' ? p : port(p);
  if (n !== undefined && a) out.port = n;
  return out.ip ? out : undefined;
}

/** Drops undefined values (and empty objects) so that golden files and merges stay clean. */
export function compact<T extends Record<string, unknown>>(obj: T): T {
  const out: Record<string, unknown> = {};
  // for-in over own keys and a flag, not Object.entries and Object.keys: this runs on every vendor line.
  for (const k in obj) {
    if (!Object.hasOwn(obj, k)) continue;
    const v: unknown = obj[k];
    if (v === undefined || v === '') continue;
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const inner = compact(v as Record<string, unknown>);
      if (hasKeys(inner)) setOwn(out, k, inner);
    } else {
      setOwn(out, k, v);
    }
  }
  return out as T;
}

function hasKeys(o: Record<string, unknown>): boolean {
  for (const k in o) if (Object.hasOwn(o, k)) return true;
  return false;
}

/** Splits one CSV line (RFC 4180 quoting: `"a,b"`, `""` for a quote). */
export function splitCsv(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quoted) {
      if (c === '"') {
        if (line[i + 1] === '"') {
          cur += '"';
          i++;
        } else quoted = false;
      } else cur += c;
    } else if (c === '"' && cur === '') quoted = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/**
 * `key=value key2="quoted value"` pairs (FortiGate, many appliances). Later keys win. Reads what
 * `/([A-Za-z_][\w.-]*)=(?:"((?:[^"\\]|\\.)*)"|(\S*))/g` matched (a key is the `[\w.-]` run before
 * a `=`, from its first letter or `_`; a quoted value is unescaped), by a scan from each `=`: the
 * regex retried every position of a long word without `=` and went quadratic.
 */
export function parseKv(message: string): Record<string, string> {
  const out: Record<string, string> = {};
  let from = 0;
  for (let eq = message.indexOf('=', from); eq >= 0; eq = message.indexOf('=', from)) {
    let r = eq;
    while (r > from && isKvKeyChar(message.charCodeAt(r - 1))) r--;
    while (r < eq && !isKvKeyStart(message.charCodeAt(r))) r++;
    if (r === eq) {
      from = eq + 1;
      continue;
    }
    const key = message.slice(r, eq);
    const quoted = message.charCodeAt(eq + 1) === 0x22 ? closingQuote(message, eq + 2) : -1;
    if (quoted >= 0) {
      const v = message.slice(eq + 2, quoted);
      setOwn(out, key, v.includes('\\') ? v.replace(/\\(.)/g, '$1') : v);
      from = quoted + 1;
    } else {
      let end = eq + 1;
      while (end < message.length && !isJsWhitespace(message.charCodeAt(end))) end++;
      setOwn(out, key, message.slice(eq + 1, end));
      from = end;
    }
  }
  return out;
}

/** `[\w.-]` */
function isKvKeyChar(c: number): boolean {
  return isKvKeyStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x2d;
}

/** `[A-Za-z_]` */
function isKvKeyStart(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
}

/** The index of the `"` closing a quoted value from `start` (`\` escapes any character but a line terminator), or -1. */
export function closingQuote(s: string, start: number): number {
  for (let i = start; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) return i;
    if (c === 0x5c) {
      const n = s.charCodeAt(i + 1);
      if (i + 1 >= s.length || n === 0x0a || n === 0x0d || n === 0x2028 || n === 0x2029) return -1;
      i++;
    }
  }
  return -1;
}

/** What `\s` matches in a JavaScript regex. */
export function isJsWhitespace(c: number): boolean {
  return (
    c === 0x20 ||
    (c >= 0x09 && c <= 0x0d) ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

const isPlain = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Merges read and write own properties only: patches hold keys from input, and `target.__proto__`
 * read plainly is Object.prototype, which a merge would then write into.
 */
const ownValue = (o: Record<string, unknown>, k: string): unknown => (Object.hasOwn(o, k) ? o[k] : undefined);

/**
 * `{ ...src }` for plain data objects. Spread here meets objects of every shape, and a
 * megamorphic spread takes V8's slow path: ~3 µs a copy, most of a Cisco ASA line's cost.
 */
function shallowCopy(src: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k in src) {
    if (!Object.hasOwn(src, k)) continue;
    // An own `__proto__` (JSON.parse makes one) is data, as spread copies it, not a prototype.
    setOwn(out, k, src[k]);
  }
  return out;
}

/** Object-by-object merge; arrays and scalars from `b` replace. Returns a new object. */
export function deepMerge<T extends Record<string, unknown>>(a: T, b: Record<string, unknown>): T {
  const out = shallowCopy(a);
  for (const k in b) {
    if (!Object.hasOwn(b, k)) continue;
    const v = b[k];
    if (v === undefined) continue;
    const cur = ownValue(out, k);
    setOwn(out, k, isPlain(cur) && isPlain(v) ? deepMerge(cur, v) : v);
  }
  return out as T;
}

/**
 * `deepMerge` that writes into `target` (and adopts `patch`'s sub-objects where `target` has
 * none): for the hot path, where both are freshly built for one event and nothing else holds them.
 * `skip` leaves out one top-level key.
 */
export function mergeInto(target: Record<string, unknown>, patch: Record<string, unknown>, skip?: string): void {
  for (const k in patch) {
    if (k === skip || !Object.hasOwn(patch, k)) continue;
    const v = patch[k];
    if (v === undefined) continue;
    const cur = ownValue(target, k);
    if (isPlain(cur) && isPlain(v)) mergeInto(cur, v);
    else setOwn(target, k, v);
  }
}
