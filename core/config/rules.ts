/**
 * Named checks over a whole object, for what one field's schema cannot say (one field needed
 * unless another is set). A schema refers to them by name (`rule` in `dsl.ts`), as it does to
 * string formats, so that the schema stays plain data. Each runs only on an object that passed
 * its schema, and returns its problems located at a field of that object.
 */
import { elasticsearchConnectionProblems, redisConnectionProblems } from './connection-rules.js';
import type { FieldProblem } from './dsl.js';
import { kafkaConnectionProblems } from './kafka-rules.js';
import type { ElasticsearchConfig, KafkaConfig, RedisConfig } from './types.js';

export const RULES = {
  /** `elasticsearch`: TLS trust options that fit together and an https:// node for them. */
  'elasticsearch-connection': (value: unknown): FieldProblem[] => elasticsearchConnectionProblems(value as ElasticsearchConfig),
  /** `redis`: no TLS files while TLS is off; a client certificate with its key. */
  'redis-connection': (value: unknown): FieldProblem[] => redisConnectionProblems(value as RedisConfig),
  /** `kafka`: SASL credentials that fit the mechanism; no TLS files while TLS is off. */
  'kafka-connection': (value: unknown): FieldProblem[] => kafkaConnectionProblems(value as KafkaConfig),
} as const satisfies Record<string, (value: unknown) => FieldProblem[]>;

export type RuleName = keyof typeof RULES;
