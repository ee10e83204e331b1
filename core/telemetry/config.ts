/**
 * `ops` in vigil.yaml: the operations server (ops-server.ts) and what readiness checks (health.ts).
 * Its TypeScript view is `OpsConfig` (core/config/types.ts); core/config/schema.ts checks that the two agree.
 */
import { number, object, string } from '../config/dsl.js';
import { port } from '../config/fields.js';

export const opsSchema = object({
  description: 'The operations HTTP server: `/metrics` (Prometheus) and `/health`.',
  fields: {
    host: string({ description: 'Address the ops server listens on.', minLength: 1, default: '127.0.0.1' }),
    port: port('Port of the ops server; 0 picks a free port.', { default: 9464 }),
    health: object({
      description: 'What `/health/ready` checks beyond "every dependency answers and every consumer runs".',
      optional: true,
      fields: {
        maxConsumerLag: number({
          description: 'Not ready while a consumer group lags more than this many records on one partition; 0 turns the lag check off.',
          int: true,
          min: 0,
          default: 100000,
        }),
        lagIntervalMs: number({
          description: 'How often consumer lag is measured (the `vigil_consumer_lag` gauge), in milliseconds.',
          int: true,
          min: 1000,
          default: 15000,
        }),
        checkTimeoutMs: number({
          description: 'A dependency that has not answered a readiness probe by then counts as unreachable, in milliseconds.',
          int: true,
          min: 100,
          default: 2000,
        }),
      },
    }),
  },
});
