import {
  classifyAddress as coreClass,
  contains,
  embeddedV4,
  ipv4,
  networkOf,
  parseAddress,
  parseLiteral,
  sameAddress,
  type IpAddress,
  type IpNetwork,
} from '../../../core/net/ip.js';

/** Why an address is not reached without an allow: the class it belongs to. */
export type AddressClass = 'loopback' | 'private' | 'link-local' | 'cgnat' | 'unspecified' | 'multicast' | 'reserved' | 'metadata';

/**
 * Cloud instance metadata endpoints (AWS/GCP/Azure/OpenStack, AWS IPv6, Alibaba, Azure's
 * wireserver) and the names GCP serves them under. Their answers are credentials, so a CIDR or
 * another host's name in an allow list does not open them: only the exact address or name does.
 */
const METADATA_ADDRESSES: readonly IpAddress[] = ['169.254.169.254', 'fd00:ec2::254', '100.100.100.200', '168.63.129.16'].map(
  (a) => toAddress(a) as IpAddress,
);
const METADATA_HOSTS = new Set(['metadata.google.internal', 'metadata.goog', 'metadata']);

/** The special-purpose classes refused without an allow; documentation, 6to4 relay and IETF-assigned addresses are hosts like any other. */
const REFUSED: ReadonlySet<string> = new Set<AddressClass>([
  'loopback',
  'private',
  'link-local',
  'cgnat',
  'unspecified',
  'multicast',
  'reserved',
]);

/** One entry of an allow list: a host name (`*.corp.example` covers its subdomains), an address or a network. */
type AllowEntry = { kind: 'host'; name: string } | { kind: 'suffix'; suffix: string } | { kind: 'net'; net: IpNetwork };

/** A compiled allow list (`allow_hosts` of a step, `playbooks.network.allow`). */
export interface AllowList {
  readonly entries: readonly AllowEntry[];
}

/** The verdict on one resolved address of one host. */
export type AddressVerdict = { allowed: true } | { allowed: false; class: AddressClass };

/** The URL host as it is compared: lower case, no IPv6 brackets, no trailing dot. */
export function normalizeHost(host: string): string {
  return host
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
}

/** True for the names cloud metadata services answer under (`metadata.google.internal`). */
export function isMetadataHost(host: string): boolean {
  return METADATA_HOSTS.has(normalizeHost(host));
}

/** Why an allow entry cannot be read, or undefined when it can. */
export function allowEntryProblem(entry: unknown): string | undefined {
  return typeof entry === 'string' && parseEntry(entry) ? undefined : 'is a host name, an IP address or a network such as 10.0.0.0/8';
}

/** Compiles allow entries; an entry that cannot be read (see {@link allowEntryProblem}) is left out. */
export function compileAllowList(entries: readonly string[]): AllowList {
  return { entries: entries.flatMap((e) => parseEntry(e) ?? []) };
}

/** The class of an address that is not public, or undefined for a public one. */
export function classifyAddress(address: string): AddressClass | undefined {
  const a = toAddress(address);
  if (!a) return 'reserved';
  if (METADATA_ADDRESSES.some((m) => sameAddress(m, a))) return 'metadata';
  const cls = coreClass(a);
  return cls !== undefined && REFUSED.has(cls) ? (cls as AddressClass) : undefined;
}

/**
 * Whether `host` may be reached at `address` (one of what it resolved to; the address itself
 * for an IP literal). A public address is always allowed; another one only when the allow list
 * names the host or holds the address, and a metadata endpoint only when it names it exactly.
 */
export function decide(hostName: string, address: string, allow: AllowList): AddressVerdict {
  const host = normalizeHost(hostName);
  const a = toAddress(address);
  const named = allow.entries.some((e) => (e.kind === 'host' ? e.name === host : e.kind === 'suffix' && host.endsWith(e.suffix)));
  const exact =
    a !== undefined && allow.entries.some((e) => e.kind === 'net' && e.net.prefix === (e.net.v6 ? 128 : 32) && sameAddress(e.net, a));
  const exactHost = allow.entries.some((e) => e.kind === 'host' && e.name === host);
  if (METADATA_HOSTS.has(host)) return exactHost ? { allowed: true } : { allowed: false, class: 'metadata' };
  const cls = classifyAddress(address);
  if (cls === undefined) return { allowed: true };
  if (cls === 'metadata') return exact ? { allowed: true } : { allowed: false, class: cls };
  const covered = a !== undefined && allow.entries.some((e) => e.kind === 'net' && contains(e.net, a));
  return named || covered ? { allowed: true } : { allowed: false, class: cls };
}

function parseEntry(raw: string): AllowEntry | undefined {
  const text = raw.trim();
  const slash = text.indexOf('/');
  const a = toAddress(slash === -1 ? text : text.slice(0, slash));
  if (a) {
    const bits = slash === -1 ? (a.v6 ? 128 : 32) : text.slice(slash + 1);
    if (typeof bits === 'string' && !/^\d{1,3}$/.test(bits)) return undefined;
    // An IPv6 network carrying IPv4 (::ffff:10.0.0.0/104) is kept as its IPv4 network.
    const carried = slash !== -1 && !a.v6 && literalIsV6(text.slice(0, slash)) ? Number(bits) - 96 : Number(bits);
    if (carried < 0 || carried > (a.v6 ? 128 : 32)) return undefined;
    return { kind: 'net', net: networkOf(a, carried) };
  }
  if (slash !== -1) return undefined;
  const name = normalizeHost(text);
  if (name.startsWith('*.')) return HOST_NAME.test(name.slice(2)) ? { kind: 'suffix', suffix: name.slice(1) } : undefined;
  return HOST_NAME.test(name) ? { kind: 'host', name } : undefined;
}

/** RFC 1123 host names: dot-separated labels of letters, digits and inner hyphens (and `_`, which DNS allows). */
const HOST_NAME = /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

/**
 * The address as it is compared; an IPv6 address that carries an IPv4 one to the IPv4 host
 * (mapped, compatible, NAT64) is its IPv4 address, so that `::ffff:127.0.0.1` is loopback like 127.0.0.1.
 */
function toAddress(text: string): IpAddress | undefined {
  const a = parseAddress(normalizeHost(text));
  const carried = a?.v6 ? embeddedV4(a.words) : -1;
  return carried >= 0 ? ipv4(carried) : a;
}

function literalIsV6(text: string): boolean {
  return parseLiteral(normalizeHost(text))?.v6 === true;
}
