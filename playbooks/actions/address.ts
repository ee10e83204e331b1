import { networkOf, parseLiteral, sameAddress } from '../../core/net/ip.js';

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
  // As written: the firewall gets `::ffff:192.0.2.1` as the IPv6 address it is.
  const parsed = parseLiteral(address);
  if (!parsed) return undefined;
  const version = parsed.v6 ? 6 : 4;
  if (m[2] === undefined) return { text: address, version };
  const bits = Number(m[2]);
  if (bits > (version === 4 ? 32 : 128)) return undefined;
  if (!sameAddress(networkOf(parsed, bits), parsed)) return undefined;
  return { text: `${address}/${bits}`, version };
}
