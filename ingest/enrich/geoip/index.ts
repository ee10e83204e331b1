/**
 * GeoIP and ASN enrichment at ingest (`enrich.geoip`): opens the databases when the stage starts
 * and gives what adds `geo` and `as` to events: the frame path's lookup (syslog and RELP events,
 * enriched as they are built) and the enrichment publisher's step (every other input's events).
 */
import { logger } from '../../../core/telemetry/index.js';
import type { GeoipConfig } from './config.js';
import { openDatabases } from './databases.js';
import type { FrameGeoip } from './frame.js';
import { GeoipLookup } from './lookup.js';
import type { EnrichmentStep } from '../publisher.js';
import { geoipStep } from './step.js';

export { geoipSchema, type GeoipConfig } from './config.js';
export { GeoipLookup, type GeoipResult } from './lookup.js';
export { openDatabases, shippedPaths } from './databases.js';
export type { FrameGeoip } from './frame.js';

/** Opens the databases (throws `GEOIP_DATABASE` naming the file); undefined when disabled. */
export function startGeoip(config: GeoipConfig): { frames: FrameGeoip; step: EnrichmentStep } | undefined {
  if (!config.enabled) return undefined;
  const started = Date.now();
  const { geo, asn } = openDatabases(config);
  const lookup = new GeoipLookup(geo, asn, config.cacheSize);
  logger('geoip').info({ geo: geo.path, asn: asn.map((a) => a.path), ms: Date.now() - started }, 'GeoIP databases open');
  return {
    frames: { lookup, databases: { geo: geo.shared, asn: asn.map((a) => a.shared), cacheSize: config.cacheSize } },
    step: geoipStep(lookup),
  };
}
