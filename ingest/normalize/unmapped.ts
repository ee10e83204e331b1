import { metrics } from '../../core/telemetry/index.js';

/**
 * Distinct ids counted per vendor before the rest go under `other`: ids come from the device or
 * the API, and a sender inventing ids must not grow `/metrics` without bound.
 */
export const MAX_IDS_PER_VENDOR = 256;

const seen = new Map<string, Set<string>>();

/**
 * Counts one event whose message or event id the vendor's normalizer does not map
 * (`vigil_normalize_unmapped_total{vendor,id}`): it was still normalized with the fields common to
 * the format and `event.kind: event`, and operators see what is not yet mapped.
 */
export function countUnmapped(vendor: string, id: string): void {
  let ids = seen.get(vendor);
  if (!ids) {
    ids = new Set();
    seen.set(vendor, ids);
  }
  if (!ids.has(id)) {
    if (ids.size >= MAX_IDS_PER_VENDOR) id = 'other';
    else ids.add(id);
  }
  metrics.unmappedIds.inc({ vendor, id });
}
