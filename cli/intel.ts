/**
 * Wires threat intelligence into `vigil run`: one Redis connection for the shared lists, the
 * `intel` Sigma modifier's lists filled from this process's store, and ingest's enrichment (on
 * the frame path as events are built, and a step of the enrichment publisher for the other inputs' events).
 * Nothing starts when `intel.feeds` is empty.
 */
import { Redis } from 'ioredis';
import { provideLookups, type LookupListName } from '../detections/sigma/lookups.js';
import { frameIntel, type FrameIntel } from '../ingest/enrich/intel/frame.js';
import { intelStep } from '../ingest/enrich/intel/step.js';
import type { EnrichmentStep } from '../ingest/enrich/publisher.js';
import { INTEL_LISTS, type IntelList } from '../intel/model.js';
import { startIntel } from '../intel/runtime.js';
import { redisConnection } from '../playbooks/queue/connection.js';
import type { VigilConfig } from './config/schema.js';

// The modifier's list names and the store's must stay one set.
const SAME_LISTS: Record<LookupListName, IntelList> & Record<IntelList, LookupListName> = {
  ip: 'ip',
  domain: 'domain',
  url: 'url',
  hash: 'hash',
  email: 'email',
};

export interface IntelWiring {
  /** The enrichment publisher's step for the other inputs' events, when `intel.enrich`. */
  step: EnrichmentStep | undefined;
  /** Enrichment of the events ingest builds from frames, when `intel.enrich`. */
  frames: FrameIntel | undefined;
  close(): Promise<void>;
}

export async function startIntelWiring(config: Pick<VigilConfig, 'intel' | 'redis'>): Promise<IntelWiring | undefined> {
  const intel = config.intel;
  if (!intel || intel.feeds.length === 0) return undefined;
  const conn = redisConnection(config.redis);
  const redis = new Redis(conn.url, { ...conn.options, maxRetriesPerRequest: 1 });
  const running = await startIntel(intel, redis);
  const restore = provideLookups(Object.fromEntries(INTEL_LISTS.map((l) => [SAME_LISTS[l], running.store.list(l)])));
  return {
    step: intel.enrich ? intelStep(running.store) : undefined,
    frames: intel.enrich ? frameIntel(running.store) : undefined,
    async close() {
      restore();
      running.close();
      redis.disconnect();
    },
  };
}
