import { kafkaConnectionProblems } from '../../core/config/kafka-rules.js';
import { array, number, object, oneOf, string, type FieldProblem, type Infer } from '../../core/config/dsl.js';
import { componentId } from '../../core/config/fields.js';
import { kafkaSecurityFields } from '../../core/bus/config.js';
import type { KafkaSaslConfig, KafkaTlsConfig } from '../../core/config/types.js';
import { runnerFields } from '../runner/config.js';
import { defaultsOf } from '../../core/config/check.js';

export const schema = object({
  description: 'Produces Vigil topics to another Kafka topic or cluster, for tools that read Kafka.',
  fields: {
    id: componentId('sink'),
    ...runnerFields,
    brokers: array({
      description: "Bootstrap brokers of the target cluster, `host:port`. Default: Vigil's own `kafka.brokers`.",
      items: string({ description: 'One bootstrap broker.', format: 'host-port' }),
      minItems: 1,
      optional: true,
    }),
    clientId: string({
      description: "Client id prefix sent to the target brokers, as `<clientId>-sink-<id>`. Default: Vigil's own `kafka.clientId`.",
      minLength: 1,
      optional: true,
    }),
    ...kafkaSecurityFields,
    topic: string({
      description:
        'Target topic, or a template: `{topic}` is the Vigil topic read (events, alerts, incidents, actions), `{route}` the route, `{field.path}` a field of the record (characters Kafka refuses become `_`; a missing field is `unknown`).',
      minLength: 1,
    }),
    key: string({
      description: 'Field whose value keys the record (e.g. `host.name`); a record without it keeps the key it was read with.',
      minLength: 1,
      optional: true,
    }),
    acks: oneOf({
      description:
        '`all`: every in-sync replica acknowledges, with an idempotent producer (no duplicates from its own retries). `leader`: the leader alone (faster, not idempotent).',
      values: ['all', 'leader'],
      default: 'all',
    }),
    compression: oneOf({ description: 'Producer compression.', values: ['none', 'gzip'], default: 'gzip' }),
    maxRecordBytes: number({
      description:
        'Largest record sent, in bytes (key, value and headers, before compression); a larger one is dead-lettered. A record the target topic refuses as larger than its max.message.bytes is dead-lettered too.',
      int: true,
      min: 1024,
      max: 64 * 1024 * 1024,
      default: 1_000_000,
    }),
  },
  check: (value) => securityProblems(value as { tls?: KafkaTlsConfig; sasl?: KafkaSaslConfig; topic: string }),
});

function securityProblems(v: { tls?: KafkaTlsConfig; sasl?: KafkaSaslConfig; topic: string }): FieldProblem[] {
  const problems = kafkaConnectionProblems(v);
  const literal = v.topic.replace(/\{[^}]*\}/g, '');
  if (!/^[A-Za-z0-9._-]*$/.test(literal)) {
    problems.push({ code: 'CONFIG_FORMAT', field: 'topic', message: 'outside `{…}` a topic holds letters, digits, `.`, `_` or `-` only' });
  }
  return problems;
}

/** A `type: kafka` sink, as loaded. */
export type KafkaSinkConfig = { type: 'kafka' } & Infer<typeof schema>;

/** What the schema declares as defaults, for code that builds a `KafkaSinkConfig` without the loader. */
export const KAFKA_SINK_DEFAULTS = defaultsOf(schema) satisfies Partial<KafkaSinkConfig>;

/** Applies the defaults to what a test or a caller wrote. */
export function withKafkaSinkDefaults(cfg: Pick<KafkaSinkConfig, 'id' | 'topic'> & Partial<KafkaSinkConfig>): KafkaSinkConfig {
  return { type: 'kafka', ...KAFKA_SINK_DEFAULTS, topics: [...KAFKA_SINK_DEFAULTS.topics], ...cfg };
}
