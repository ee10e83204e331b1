/**
 * GeoIP enrichment where ingest builds events from frames (syslog, RELP): the event object gains
 * `geo`/`as` before it is serialized, on the main thread and on the frame worker threads alike,
 * so the publisher wrapper need not parse and serialize it again. The record says so in a header
 * that the wrapper reads, and takes off before the record reaches Kafka.
 */
import type { OutRecord } from '../../../core/bus/types.js';
import type { SharedDatabases } from './databases.js';
import type { GeoipLookup } from './lookup.js';

/** What the frame path needs: a lookup for this thread, and the databases for worker threads to open their own lookup on. */
export interface FrameGeoip {
  lookup: GeoipLookup;
  /**
   * Data only, as a worker thread cannot be handed the lookup itself: the open databases in
   * shared memory (not copied, nor read again, per worker) and the size of each worker's cache.
   */
  databases: SharedDatabases & { cacheSize: number };
}

export const ENRICHED_HEADER = 'vigil-enriched';

/** The headers of a record whose event went through GeoIP enrichment when it was built. */
export const GEOIP_ENRICHED: Readonly<Record<string, string>> = Object.freeze({ [ENRICHED_HEADER]: 'geoip' });

export const enrichedAtFrame = (r: OutRecord): boolean => r.headers?.[ENRICHED_HEADER] === 'geoip';

/** The record without the header: it is between the frame path and the wrapper, not for Kafka's consumers. */
export function withoutMarker(r: OutRecord): OutRecord {
  // The frame path's records: one shape, built without a copy of their headers.
  if (r.headers === GEOIP_ENRICHED) {
    return r.partition === undefined
      ? { key: r.key, value: r.value, timestamp: r.timestamp }
      : { key: r.key, partition: r.partition, value: r.value, timestamp: r.timestamp };
  }
  const out = { ...r };
  const headers = { ...r.headers };
  delete headers[ENRICHED_HEADER];
  if (Object.keys(headers).length > 0) out.headers = headers;
  else delete out.headers;
  return out;
}
