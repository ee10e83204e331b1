/** GeoIP as a step of the enrichment publisher (`../publisher.ts`): `geo` and `as` for every other input's events. */
import type { EnrichmentStep } from '../publisher.js';
import { enrichEvent } from './enrich.js';
import type { GeoipLookup } from './lookup.js';

export function geoipStep(lookup: GeoipLookup): EnrichmentStep {
  const enrich = (event: Record<string, unknown>) => enrichEvent(event, lookup) > 0;
  return { name: 'geoip', counted: { kind: 'enrich', id: 'geoip' }, forBatch: () => enrich };
}
