/**
 * The header by which the frame path tells the enrichment publisher (`publisher.ts`) which
 * enrichments it already applied to a record's event (`geoip`, `intel`, or both), so that it
 * skips them, and passes the record by unparsed when none is left. The publisher takes the
 * header off: it is between the frame path and the publisher, not for Kafka's consumers.
 */
import type { OutRecord } from '../../core/bus/types.js';

export const ENRICHED_HEADER = 'vigil-enriched';

export type FrameEnrichment = 'geoip' | 'intel';

type Headers = Readonly<Record<string, string>>;

// One frozen object per combination: the frame path's records share them, and the publisher
// recognises them without reading a string.
const GEOIP: Headers = Object.freeze({ [ENRICHED_HEADER]: 'geoip' });
const INTEL: Headers = Object.freeze({ [ENRICHED_HEADER]: 'intel' });
const BOTH: Headers = Object.freeze({ [ENRICHED_HEADER]: 'geoip intel' });

/** The headers of a record whose event went through these enrichments when it was built; undefined for none. */
export function frameMarker(geoip: boolean, intel: boolean): Headers | undefined {
  return geoip ? (intel ? BOTH : GEOIP) : intel ? INTEL : undefined;
}

export function isMarked(r: OutRecord): boolean {
  const h = r.headers;
  return h !== undefined && (h === GEOIP || h === INTEL || h === BOTH || h[ENRICHED_HEADER] !== undefined);
}

export function enrichedAtFrame(r: OutRecord, what: FrameEnrichment): boolean {
  const h = r.headers;
  if (h === undefined) return false;
  if (h === BOTH) return true;
  if (h === GEOIP || h === INTEL) return h[ENRICHED_HEADER] === what;
  const v = h[ENRICHED_HEADER];
  return typeof v === 'string' && v.split(' ').includes(what);
}

/** The record without its marker (and without headers when no other is left). */
export function withoutMarker(r: OutRecord): OutRecord {
  const h = r.headers;
  if (h === GEOIP || h === INTEL || h === BOTH) {
    const out: OutRecord = { key: r.key, value: r.value, timestamp: r.timestamp };
    if (r.partition !== undefined) out.partition = r.partition;
    return out;
  }
  const out = { ...r };
  const headers = { ...r.headers };
  delete headers[ENRICHED_HEADER];
  if (Object.keys(headers).length > 0) out.headers = headers;
  else delete out.headers;
  return out;
}
