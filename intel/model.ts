/**
 * Indicators of compromise as every feed parser returns them, whatever the feed's format.
 * `value` is normalized (`normalize.ts`) so that a lookup is one hash probe.
 */

/** What an indicator is; `cidr` covers IPv4 and IPv6 networks, `ip` single addresses. */
export const INDICATOR_TYPES = ['ip', 'cidr', 'domain', 'url', 'md5', 'sha1', 'sha256', 'email'] as const;
export type IndicatorType = (typeof INDICATOR_TYPES)[number];

/** The lists rules and enrichment look values up in: one per kind of event field. */
export const INTEL_LISTS = ['ip', 'domain', 'url', 'hash', 'email'] as const;
export type IntelList = (typeof INTEL_LISTS)[number];

export const LIST_OF: Readonly<Record<IndicatorType, IntelList>> = {
  ip: 'ip',
  cidr: 'ip',
  domain: 'domain',
  url: 'url',
  md5: 'hash',
  sha1: 'hash',
  sha256: 'hash',
  email: 'email',
};

export interface Indicator {
  readonly type: IndicatorType;
  /** Normalized: lower-case domains, hashes and emails; canonical IP and CIDR text. */
  readonly value: string;
  /** The feed's id for it (a STIX indicator id, a MISP attribute uuid), when it has one. */
  readonly id?: string;
  /** Epoch ms after which it no longer matches (STIX `valid_until`). */
  readonly validUntil?: number;
  readonly description?: string;
}

/** Something in a feed that gave no indicator, with the feed's id for it and why. */
export interface Skipped {
  readonly id?: string;
  readonly reason: string;
}

export interface ParsedFeed {
  readonly indicators: Indicator[];
  readonly skipped: Skipped[];
}

/** Indicators of one feed as the store keeps them. */
export interface FeedList {
  readonly feed: string;
  readonly indicators: readonly Indicator[];
}
