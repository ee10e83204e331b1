import { parseIpTarget } from '../address.js';

/** What a list holds: PAN-OS, FortiGate and Check Point each take one kind per list. */
export type EdlKind = 'ip' | 'domain';

export interface EdlEntry {
  kind: EdlKind;
  /** As served: `203.0.113.9`, `198.51.100.0/24`, `2001:db8::/32`, `evil.example`, `*.evil.example`. */
  value: string;
}

/** List names: they are a URL path segment and a Redis key part. */
export const EDL_LIST_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;
/** A host name label (RFC 1123), lower case; IDNs in their punycode (xn--) form. */
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * An address, a network, or a domain (optionally `*.` for its subdomains), or undefined. The
 * value is served one per line, so nothing with a space, a newline or a URL part gets in.
 */
export function parseEdlEntry(value: unknown): EdlEntry | undefined {
  if (typeof value !== 'string') return undefined;
  const ip = parseIpTarget(value);
  if (ip) return { kind: 'ip', value: ip.text };
  const name = value.trim().toLowerCase().replace(/\.$/, '');
  if (name.length === 0 || name.length > 253) return undefined;
  const labels = (name.startsWith('*.') ? name.slice(2) : name).split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l))) return undefined;
  // A top-level label of digits only would make `1.2.3.999` a domain.
  if (/^\d+$/.test(labels.at(-1) as string)) return undefined;
  return { kind: 'domain', value: name };
}
