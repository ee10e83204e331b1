/**
 * One address to its `geo` and `as`, through an LRU cache. Never throws: an address that is not
 * an IP, or is private or reserved, has no result; a database that fails on one address is
 * counted (by `onFailure`: a frame worker thread has no metrics of its own and reports its count
 * to the main thread) and gives no result for it.
 */
import { formatAddress, isPublicAddress, parseAddress, type IpAddress } from '../../../core/net/ip.js';
import { metrics } from '../../../core/telemetry/index.js';
import type { AsnDatabase, GeoDatabase } from './databases.js';
import type { EcsAs, EcsGeo } from './ecs.js';
import { Lru } from '../../../core/cache/lru.js';

export interface GeoipResult {
  geo?: EcsGeo;
  as?: EcsAs;
}

const NONE: GeoipResult = Object.freeze({});

/** Counts lookups a database failed (`vigil_errors_total{kind="enrich",id="geoip"}`). */
export function countFailure(n = 1): void {
  metrics.errors.inc({ kind: 'enrich', id: 'geoip', code: 'GEOIP_DATABASE' }, n);
}

export class GeoipLookup {
  private readonly cache: Lru<string, GeoipResult>;

  constructor(
    private readonly geo: GeoDatabase | undefined,
    private readonly asn: readonly AsnDatabase[],
    cacheSize: number,
    private readonly onFailure: () => void = countFailure,
  ) {
    this.cache = new Lru(cacheSize);
  }

  /** The result for one address text; an empty object when there is none. */
  lookup(ip: string): GeoipResult {
    const cached = this.cache.get(ip);
    if (cached !== undefined) return cached;
    const result = this.uncached(ip);
    this.cache.set(ip, result);
    return result;
  }

  get cacheStats(): { hits: number; misses: number; size: number } {
    return { hits: this.cache.hits, misses: this.cache.misses, size: this.cache.size };
  }

  private uncached(ip: string): GeoipResult {
    // Core takes a zone of any length; no real address text is longer than this.
    const address = ip.length > 64 ? undefined : parseAddress(ip);
    if (address === undefined || !isPublicAddress(address)) return NONE;
    const text = lookupText(address, ip);
    const result: GeoipResult = {};
    try {
      const geo = this.geo?.lookup(text);
      if (geo) result.geo = geo;
      for (const db of this.asn) {
        const as = db.lookup(text, address);
        if (as) {
          result.as = as;
          break;
        }
      }
    } catch {
      this.onFailure();
      return NONE;
    }
    return result.geo || result.as ? result : NONE;
  }
}

/** The address in the form databases are keyed by: dotted IPv4 (also for IPv4-mapped IPv6), else the IPv6 text without its zone. */
export function lookupText(a: IpAddress, original: string): string {
  if (!a.v6) return formatAddress(a);
  const zone = original.indexOf('%');
  return zone >= 0 ? original.slice(0, zone) : original;
}
