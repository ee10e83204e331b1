/**
 * Adds `geo` and `as` beside the `ip` of `source`, `destination`, `client` and `server`, as
 * Elastic's integrations do. A `geo` or `as` already on the event (a vendor's own, such as Okta's
 * client geography) is kept: it knows more than an IP database.
 */
import type { GeoipLookup } from './lookup.js';

export const GEOIP_FIELDS = ['source', 'destination', 'client', 'server'] as const;

/** Enriches the event in place; returns how many of its endpoints gained a field. */
export function enrichEvent(event: Record<string, unknown>, lookup: GeoipLookup): number {
  let added = 0;
  for (const name of GEOIP_FIELDS) {
    const endpoint = event[name];
    if (typeof endpoint !== 'object' || endpoint === null || Array.isArray(endpoint)) continue;
    const e = endpoint as Record<string, unknown>;
    if (typeof e.ip !== 'string' || (e.geo !== undefined && e.as !== undefined)) continue;
    const result = lookup.lookup(e.ip);
    let changed = false;
    if (result.geo && e.geo === undefined) {
      e.geo = { ...result.geo, ...(result.geo.location && { location: { ...result.geo.location } }) };
      changed = true;
    }
    if (result.as && e.as === undefined) {
      e.as = { ...result.as, ...(result.as.organization && { organization: { ...result.as.organization } }) };
      changed = true;
    }
    if (changed) added++;
  }
  return added;
}
