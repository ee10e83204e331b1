/**
 * Threat intelligence in a running process: the feed poller (each feed fetched once per period
 * across all processes, `SharedLists.claim`), the reader keeping this process's index in step
 * with the shared lists, and the store rules and enrichment read.
 */
import type { Redis } from 'ioredis';
import type { IntelConfig } from './config.js';
import { FeedPoller } from './poller.js';
import { IntelReader } from './reader.js';
import { SharedLists } from './shared.js';
import { IntelStore } from './store.js';

const FIRST_FETCH_WAIT_MS = 5000;

export interface RunningIntel {
  readonly store: IntelStore;
  readonly poller: FeedPoller;
  readonly reader: IntelReader;
  close(): void;
}

export async function startIntel(config: IntelConfig, redis: Redis): Promise<RunningIntel> {
  const shared = new SharedLists(redis, config.redisPrefix);
  const store = new IntelStore();
  const poller = new FeedPoller(config.feeds, shared);
  const reader = new IntelReader(
    shared,
    config.feeds.map((f) => f.id),
    store,
  );
  // The first events should meet the lists, but a feed that is slow or down must not hold the start.
  await Promise.race([poller.start(), new Promise((resolve) => setTimeout(resolve, FIRST_FETCH_WAIT_MS).unref())]);
  await reader.start(config.checkSeconds * 1000);
  return {
    store,
    poller,
    reader,
    close() {
      poller.close();
      reader.close();
    },
  };
}
