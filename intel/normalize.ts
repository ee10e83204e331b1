/**
 * Indicator values in the one form the store keys on, so that a value from an event and one
 * from a feed meet in one hash probe: lower-case domains (no trailing dot), hashes and emails;
 * IP addresses and networks in canonical text.
 */
import { formatAddress, formatNetwork, parseAddress, parseNetwork } from '../core/net/ip.js';
import type { IndicatorType } from './model.js';

const HEX = /^[0-9a-f]+$/;
const HASH_LENGTH = { md5: 32, sha1: 40, sha256: 64 } as const;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?$/;

export function normalizeDomain(text: string): string {
  const t = text.length > 0 && (text.charCodeAt(0) <= 32 || text.charCodeAt(text.length - 1) <= 32) ? text.trim() : text;
  const d = t.toLowerCase();
  return d.charCodeAt(d.length - 1) === 46 ? d.slice(0, -1) : d;
}

/**
 * Scheme and host lower-cased (RFC 3986 §6.2.2.1: they are case-insensitive), the rest kept as
 * written; a URL without a scheme is taken as written, lower-cased host part included.
 */
export function normalizeUrl(text: string): string {
  const u = text.length > 0 && (text.charCodeAt(0) <= 32 || text.charCodeAt(text.length - 1) <= 32) ? text.trim() : text;
  const scheme = u.indexOf('://');
  if (scheme <= 0) return u;
  let end = scheme + 3;
  while (end < u.length) {
    const c = u.charCodeAt(end);
    if (c === 47 || c === 63 || c === 35) break; // '/', '?', '#'
    end++;
  }
  const head = u.slice(0, end);
  const lower = head.toLowerCase();
  // A lone '/' path is the same resource as none (RFC 3986 §6.2.3).
  const rest = end === u.length - 1 && u.charCodeAt(end) === 47 ? '' : u.slice(end);
  return lower === head && rest.length === u.length - end ? u : lower + rest;
}

/** The normalized value, or undefined when `text` is not a value of that type. */
export function normalizeIndicator(type: IndicatorType, text: string): string | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  switch (type) {
    case 'ip': {
      if (t.includes('/')) return undefined;
      const a = parseAddress(t);
      return a ? formatAddress(a) : undefined;
    }
    case 'cidr': {
      const n = parseNetwork(t);
      return n ? formatNetwork(n) : undefined;
    }
    case 'domain': {
      const d = normalizeDomain(t);
      return DOMAIN.test(d) ? d : undefined;
    }
    case 'url':
      return /\s/.test(t) ? undefined : normalizeUrl(t);
    case 'md5':
    case 'sha1':
    case 'sha256': {
      const h = t.toLowerCase();
      return h.length === HASH_LENGTH[type] && HEX.test(h) ? h : undefined;
    }
    case 'email': {
      const e = t.toLowerCase();
      return /^[^\s@]+@[^\s@]+$/.test(e) ? e : undefined;
    }
  }
}

/** The hash type of a hex digest by its length. */
export function hashType(text: string): 'md5' | 'sha1' | 'sha256' | undefined {
  const h = text.trim().toLowerCase();
  if (!HEX.test(h)) return undefined;
  return h.length === 32 ? 'md5' : h.length === 40 ? 'sha1' : h.length === 64 ? 'sha256' : undefined;
}

/** What a bare value in a plain or CSV feed is: an address, a network, a hash, an email, a URL or a domain. */
export function guessType(text: string): IndicatorType | undefined {
  const t = text.trim();
  if (t.includes('/') && !t.includes('://') && normalizeIndicator('cidr', t)) return 'cidr';
  if (normalizeIndicator('ip', t)) return 'ip';
  const h = hashType(t);
  if (h) return h;
  if (t.includes('@') && !t.includes('/')) return 'email';
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(t)) return 'url';
  if (normalizeIndicator('domain', t)) return 'domain';
  return undefined;
}
