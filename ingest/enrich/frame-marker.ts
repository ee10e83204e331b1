/**
 * The header by which the frame path tells the publisher wrappers which enrichments it already
 * applied to a record's event (`geoip`, `intel`, or both), so that they pass it by unparsed.
 * Each wrapper takes its own name off, so the header never reaches Kafka whatever order the
 * wrappers stand in; it is between the frame path and the wrappers, not for Kafka's consumers.
 */
import type { OutRecord } from '../../core/bus/types.js';

export const ENRICHED_HEADER = 'vigil-enriched';

export type FrameEnrichment = 'geoip' | 'intel';

type Headers = Readonly<Record<string, string>>;

// One frozen object per combination: the frame path's records share them, and a wrapper
// recognises them without reading a string.
const GEOIP: Headers = Object.freeze({ [ENRICHED_HEADER]: 'geoip' });
const INTEL: Headers = Object.freeze({ [ENRICHED_HEADER]: 'intel' });
const BOTH: Headers = Object.freeze({ [ENRICHED_HEADER]: 'geoip intel' });

/** The headers of a record whose event went through these enrichments when it was built; undefined for none. */
export function frameMarker(geoip: boolean, intel: boolean): Headers | undefined {
  return geoip ? (intel ? BOTH : GEOIP) : intel ? INTEL : undefined;
}

export function enrichedAtFrame(r: OutRecord, what: FrameEnrichment): boolean {
  const h = r.headers;
  if (h === undefined) return false;
  if (h === BOTH) return true;
  if (h === GEOIP || h === INTEL) return h[ENRICHED_HEADER] === what;
  const v = h[ENRICHED_HEADER];
  return typeof v === 'string' && v.split(' ').includes(what);
}

/** The record with `what` taken off its marker (and the header gone when nothing is left). */
export function withoutMarker(r: OutRecord, what: FrameEnrichment): OutRecord {
  const h = r.headers;
  if (h === GEOIP || h === INTEL || h === BOTH) {
    const rest = h === BOTH ? (what === 'geoip' ? INTEL : GEOIP) : undefined;
    const out: OutRecord = { key: r.key, value: r.value, timestamp: r.timestamp };
    if (r.partition !== undefined) out.partition = r.partition;
    if (rest) out.headers = rest;
    return out;
  }
  const out = { ...r };
  const headers = { ...r.headers };
  const left = (headers[ENRICHED_HEADER] ?? '').split(' ').filter((w) => w !== '' && w !== what);
  if (left.length > 0) headers[ENRICHED_HEADER] = left.join(' ');
  else delete headers[ENRICHED_HEADER];
  if (Object.keys(headers).length > 0) out.headers = headers;
  else delete out.headers;
  return out;
}
