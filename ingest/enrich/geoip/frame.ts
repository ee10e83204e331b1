/**
 * GeoIP enrichment where ingest builds events from frames (syslog, RELP): the event object gains
 * `geo`/`as` before it is serialized, on the main thread and on the frame worker threads alike,
 * so the enrichment publisher (`../publisher.ts`) need not parse and serialize it again. The record
 * says so in a header (`../frame-marker.ts`) that the publisher reads, and takes off before the
 * record reaches Kafka.
 */
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

export { ENRICHED_HEADER } from '../frame-marker.js';
