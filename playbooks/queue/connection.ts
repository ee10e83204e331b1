import { readFileSync } from 'node:fs';
import { Redis, type RedisOptions } from 'ioredis';
import { redisConnectionProblems } from '../../core/config/connection-rules.js';
import type { RedisConfig } from '../../core/config/types.js';
import { VigilError, type ErrorCode } from '../../core/errors/index.js';

/**
 * The one Redis connection config of the responder. `maxRetriesPerRequest: null` is what
 * BullMQ workers need (a blocking BZPOPMIN must not fail after N retries while Redis is
 * away); commands then wait for Redis to come back instead of failing.
 */
export interface RedisConnection {
  url: string;
  options: RedisOptions & { maxRetriesPerRequest: null };
}

type RedisConnectionConfig = Pick<RedisConfig, 'url' | 'username' | 'password' | 'tls'>;

/**
 * Credentials (an ACL user and its password) and TLS come from `redis` in vigil.yaml and win over
 * any in the URL. TLS is on with `tls.enabled` or a `rediss://` URL; the server certificate is
 * always verified (against `tls.caFile`, else the system CAs). The PEM files are read here, once:
 * a missing one stops the start with its path.
 */
export function redisConnection(config: RedisConnectionConfig): RedisConnection {
  const options: RedisConnection['options'] = { maxRetriesPerRequest: null };
  if (config.username !== undefined) options.username = config.username;
  if (config.password !== undefined) options.password = config.password;
  const problems = redisConnectionProblems(config).map((p) => ({ code: p.code, message: `redis.${p.field}: ${p.message}` }));
  const tls = config.tls;
  const read = (field: 'caFile' | 'certFile' | 'keyFile'): Buffer | undefined => {
    const file = tls?.[field];
    if (file === undefined) return undefined;
    try {
      return readFileSync(file);
    } catch (err) {
      problems.push({
        code: 'CONFIG_READ',
        message: `redis.tls.${field}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      });
      return undefined;
    }
  };
  const on = tls?.enabled === true || config.url.startsWith('rediss:');
  const ca = on ? read('caFile') : undefined;
  const cert = on ? read('certFile') : undefined;
  const key = on ? read('keyFile') : undefined;
  if (problems.length > 0) {
    const [first] = problems as [{ code: ErrorCode; message: string }];
    throw new VigilError(first.code, problems.map((p) => p.message).join('; '), { location: { path: 'redis' } });
  }
  if (on) {
    options.tls = {
      rejectUnauthorized: true,
      ...(ca ? { ca } : {}),
      ...(cert && key ? { cert, key } : {}),
      ...(tls?.servername ? { servername: tls.servername } : {}),
    };
  }
  return { url: config.url, options };
}

/** A client from that config (BullMQ duplicates it for the worker's blocking connection). */
export function createRedisClient(conn: RedisConnection, name: string): Redis {
  return new Redis(conn.url, { ...conn.options, connectionName: name });
}
