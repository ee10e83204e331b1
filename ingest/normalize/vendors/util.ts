import { isIP } from 'node:net';

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
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined || v === '') continue;
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const inner = compact(v as Record<string, unknown>);
      if (Object.keys(inner).length > 0) out[k] = inner;
    } else {
      out[k] = v;
    }
  }
  return out as T;
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

/** `key=value key2="quoted value"` pairs (FortiGate, many appliances). Later keys win. */
export function parseKv(message: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([A-Za-z_][\w.-]*)=(?:"((?:[^"\\]|\\.)*)"|(\S*))/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(message)) !== null) {
    out[m[1] as string] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] as string);
  }
  return out;
}

const isPlain = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Object-by-object merge; arrays and scalars from `b` replace. Returns a new object. */
export function deepMerge<T extends Record<string, unknown>>(a: T, b: Record<string, unknown>): T {
  const out: Record<string, unknown> = { ...a };
  for (const k in b) {
    const v = b[k];
    if (v === undefined) continue;
    const cur = out[k];
    out[k] = isPlain(cur) && isPlain(v) ? deepMerge(cur, v) : v;
  }
  return out as T;
}

/**
 * `deepMerge` that writes into `target` (and adopts `patch`'s sub-objects where `target` has
 * none): for the hot path, where both are freshly built for one event and nothing else holds them.
 */
export function mergeInto(target: Record<string, unknown>, patch: Record<string, unknown>): void {
  for (const k in patch) {
    const v = patch[k];
    if (v === undefined) continue;
    const cur = target[k];
    if (isPlain(cur) && isPlain(v)) mergeInto(cur, v);
    else target[k] = v;
  }
}
