import { Redis } from 'ioredis';
import { SERVICES } from './config.js';

/** Every key under `prefix` with its content (strings, hashes, lists, sets, sorted sets), as one text to search. */
export async function redisText(prefix: string): Promise<string> {
  const redis = new Redis(SERVICES.redis, { maxRetriesPerRequest: 3 });
  try {
    const out: unknown[] = [];
    for await (const batch of redis.scanStream({ match: `${prefix}:*`, count: 500 })) {
      for (const key of batch as string[]) {
        const type = await redis.type(key);
        const value =
          type === 'string'
            ? await redis.get(key)
            : type === 'hash'
              ? await redis.hgetall(key)
              : type === 'list'
                ? await redis.lrange(key, 0, -1)
                : type === 'set'
                  ? await redis.smembers(key)
                  : type === 'zset'
                    ? await redis.zrange(key, 0, -1, 'WITHSCORES')
                    : type === 'stream'
                      ? await redis.xrange(key, '-', '+')
                      : `(type ${type})`;
        out.push([key, value]);
      }
    }
    return JSON.stringify(out);
  } finally {
    await redis.quit();
  }
}
