import { isIP } from 'node:net';

/** An IP address or network as a firewall takes it: the address, its version and, for a network, the prefix length. */
export interface IpTarget {
  /** Canonical text: `203.0.113.9`, `2001:db8::1`, or `198.51.100.0/24`. */
  text: string;
  version: 4 | 6;
}

/**
 * Parses an IPv4/IPv6 address with an optional `/prefix`, or undefined for anything else. The
 * result holds only hex digits, dots, colons and a slash, so it is safe to place in a command line.
 * A network whose host bits are set (`10.0.0.5/24`) is refused: a firewall would widen it silently.
 */
export function parseIpTarget(value: unknown): IpTarget | undefined {
  if (typeof value !== 'string' || value.length > 64) return undefined;
  const m = /^([0-9A-Fa-f:.]+)(?:\/(\d{1,3}))?$/.exec(value.trim());
  if (!m) return undefined;
  const address = (m[1] as string).toLowerCase();
  const version = isIP(address);
  if (version !== 4 && version !== 6) return undefined;
  if (m[2] === undefined) return { text: address, version };
  const bits = Number(m[2]);
  if (bits > (version === 4 ? 32 : 128)) return undefined;
  if (!hostBitsClear(address, version, bits)) return undefined;
  return { text: `${address}/${bits}`, version };
}

function hostBitsClear(address: string, version: 4 | 6, bits: number): boolean {
  const bytes = version === 4 ? address.split('.').map(Number) : ipv6Bytes(address);
  for (let i = 0; i < bytes.length; i++) {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    if (((bytes[i] as number) & (0xff >> keep)) !== 0) return false;
  }
  return true;
}

function ipv6Bytes(address: string): number[] {
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two hex groups first.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  let text = address;
  if (v4) {
    const [a, b, c, d] = (v4[1] as string).split('.').map(Number) as [number, number, number, number];
    text = `${address.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups.flatMap((g) => {
    const n = parseInt(g, 16);
    return [n >> 8, n & 0xff];
  });
}
