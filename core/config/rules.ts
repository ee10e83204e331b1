/**
 * Named checks over a whole object, for what one field's schema cannot say (one field needed
 * unless another is set). A schema refers to them by name (`rule` in `dsl.ts`), as it does to
 * string formats, so that the schema stays plain data. Each runs only on an object that passed
 * its schema, and returns its problems located at a field of that object.
 */
import { elasticsearchConnectionProblems, redisConnectionProblems } from './connection-rules.js';
import { inputAuthProblems, type FieldProblem } from './input-auth.js';
import { kafkaConnectionProblems } from './kafka-rules.js';
import type { ElasticsearchConfig, InputConfig, KafkaConfig, RedisConfig } from './types.js';

export const RULES = {
  /** Network inputs authenticate their senders, or say `auth: none`. */
  'input-auth': (value: unknown): FieldProblem[] => inputAuthProblems(value as InputConfig),
  /** A syslog input: `input-auth`, and it publishes ECS, the one schema of `vigil.events`. */
  'syslog-input': (value: unknown): FieldProblem[] => [...inputAuthProblems(value as InputConfig), ...eventsSchemaProblems(value)],
  /** `elasticsearch`: TLS trust options that fit together and an https:// node for them. */
  'elasticsearch-connection': (value: unknown): FieldProblem[] => elasticsearchConnectionProblems(value as ElasticsearchConfig),
  /** `redis`: no TLS files while TLS is off; a client certificate with its key. */
  'redis-connection': (value: unknown): FieldProblem[] => redisConnectionProblems(value as RedisConfig),
  /** `kafka`: SASL credentials that fit the mechanism; no TLS files while TLS is off. */
  'kafka-connection': (value: unknown): FieldProblem[] => kafkaConnectionProblems(value as KafkaConfig),
} as const satisfies Record<string, (value: unknown) => FieldProblem[]>;

export type RuleName = keyof typeof RULES;

/**
 * `outputSchema: ocsf` once put OCSF on `vigil.events`, where the rules and the Elasticsearch
 * template read ECS: that input's events went undetected. Only `ecs` is accepted now.
 */
function eventsSchemaProblems(value: unknown): FieldProblem[] {
  if ((value as { outputSchema?: string }).outputSchema !== 'ocsf') return [];
  return [
    {
      code: 'CONFIG_ENUM',
      field: 'outputSchema',
      message:
        'an input cannot publish OCSF: vigil.events is always ECS, which detection rules and the Elasticsearch template read; remove `outputSchema` (`vigil parse --schema ocsf` shows the OCSF mapping of any log line)',
    },
  ];
}
