/**
 * `redis` in vigil.yaml: the Redis that holds playbook runs (BullMQ queues), which connection.ts
 * connects to (intel's shared lists and the API's lists use the same). Its TypeScript view is
 * `RedisConfig` (core/config/types.ts); the assertion below fails to compile when the two drift apart.
 */
import { boolean, object, string, type Infer, type Same } from '../../core/config/dsl.js';
import type { RedisConfig } from '../../core/config/types.js';

export const redisSchema = object({
  description: 'Redis, which holds playbook runs (BullMQ queues).',
  rule: 'redis-connection',
  fields: {
    url: string({ description: 'Redis URL, `redis://host:port/db`.', format: 'redis-url', default: 'redis://127.0.0.1:6379' }),
    prefix: string({ description: 'Key prefix for BullMQ queues.', minLength: 1, default: 'vigil' }),
    username: string({ description: 'ACL user name (Redis 6+), instead of one in the URL.', optional: true, sensitive: true }),
    password: string({
      description: 'Password of the ACL user (or of `requirepass`), instead of one in the URL.',
      optional: true,
      sensitive: true,
    }),
    tls: object({
      description: 'TLS to Redis. A `rediss://` URL turns it on too.',
      optional: true,
      fields: {
        enabled: boolean({ description: 'Connect with TLS.', default: false }),
        caFile: string({
          description: 'CA bundle (PEM) the server certificate must chain to, instead of the system CAs.',
          minLength: 1,
          optional: true,
        }),
        certFile: string({
          description: 'Client certificate (PEM), when Redis asks for one (`tls-auth-clients`).',
          minLength: 1,
          optional: true,
        }),
        keyFile: string({ description: 'Private key (PEM) of `certFile`.', minLength: 1, optional: true }),
        servername: string({
          description: 'Name the server certificate must carry, when it is not the URL host.',
          minLength: 1,
          optional: true,
        }),
      },
    }),
  },
});

type Assert<T extends true> = T;
export type RedisSchemaAgreesWithType = Assert<Same<Infer<typeof redisSchema>, RedisConfig>>;
