import { Redis, type RedisOptions } from 'ioredis';
import type { RedisConfig } from '../../core/config/types.js';

/**
 * The one Redis connection config of the responder. `maxRetriesPerRequest: null` is what
 * BullMQ workers need (a blocking BZPOPMIN must not fail after N retries while Redis is
 * away); commands then wait for Redis to come back instead of failing.
 */
export interface RedisConnection {
  url: string;
  options: RedisOptions & { maxRetriesPerRequest: null };
}

export function redisConnection(config: RedisConfig): RedisConnection {
  return { url: config.url, options: { maxRetriesPerRequest: null } };
}

/** A client from that config (BullMQ duplicates it for the worker's blocking connection). */
export function createRedisClient(conn: RedisConnection, name: string): Redis {
  return new Redis(conn.url, { ...conn.options, connectionName: name });
}
