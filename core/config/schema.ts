/**
 * The schema of `vigil.yaml`, as data. `types.ts` is the TypeScript view of the same thing;
 * the assertions at the bottom fail to compile when the two drift apart.
 *
 * To add an input or sink type: write its object schema, add one line to `INPUT_TYPES` or
 * `SINK_TYPES`, add its interface to the union in `types.ts`, and document it in
 * `vigil.example.yaml` (a test checks every field appears there).
 */
import { array, boolean, map, number, object, oneOf, string, union, type Infer, type Same } from './dsl.js';
import type {
  DetectionsConfig,
  ElasticsearchConfig,
  InputConfig,
  KafkaConfig,
  OpsConfig,
  PlaybooksConfig,
  RedisConfig,
  SinkConfig,
  VigilConfig,
} from './types.js';

/** The Vigil topics a sink can read: `vigil.<name>`. */
export const VIGIL_TOPICS = ['events', 'alerts', 'incidents', 'actions'] as const;

const componentId = (what: string) =>
  string({
    description: `Unique id of this ${what}, shared by all inputs and sinks. Labels its metrics and logs and names its consumer group.`,
    format: 'id',
    uniqueIn: 'components',
  });

// A port of 0 lets the OS pick a free one, which tests rely on.
const port = (description: string, extra: { default?: number } = {}) =>
  number({ description, int: true, min: 0, max: 65535, ...extra });

const kafka = object({
  description: 'Kafka, the backbone every stage reads from and writes to.',
  fields: {
    brokers: array({
      description: 'Bootstrap brokers, `host:port`.',
      items: string({ description: 'One bootstrap broker.', format: 'host-port' }),
      minItems: 1,
      default: ['127.0.0.1:9092'],
    }),
    clientId: string({ description: 'Client id prefix sent to the brokers.', minLength: 1, default: 'vigil' }),
    topicPrefix: string({
      description: 'Prefix for every topic name, e.g. `prod.` gives `prod.vigil.events`.',
      format: 'kafka-name',
      default: '',
    }),
    groupPrefix: string({
      description: 'Prefix for every consumer group id.',
      minLength: 1,
      format: 'kafka-name',
      default: 'vigil',
    }),
    partitions: number({ description: 'Partitions for topics Vigil creates.', int: true, min: 1, max: 10000, default: 6 }),
    replicationFactor: number({
      description: 'Replication factor for topics Vigil creates; at most the number of brokers.',
      int: true,
      min: 1,
      max: 32767,
      default: 1,
    }),
    eventsRetentionHours: number({
      description: 'Retention of `vigil.events`, in hours.',
      int: true,
      min: 1,
      default: 168,
    }),
    compression: oneOf({ description: 'Producer compression.', values: ['none', 'gzip'], default: 'gzip' }),
  },
});

const redis = object({
  description: 'Redis, which holds playbook runs (BullMQ queues).',
  fields: {
    url: string({ description: 'Redis URL, `redis://host:port/db`.', format: 'redis-url', default: 'redis://127.0.0.1:6379' }),
    prefix: string({ description: 'Key prefix for BullMQ queues.', minLength: 1, default: 'vigil' }),
  },
});

const elasticsearch = object({
  description: 'The Elasticsearch cluster used by elasticsearch sinks and for index setup.',
  fields: {
    node: string({ description: 'URL of an Elasticsearch node.', format: 'http-url', default: 'http://127.0.0.1:9200' }),
    username: string({
      description: 'Basic-auth user name. Leave unset when the cluster has security off or `apiKey` is used.',
      optional: true,
      sensitive: true,
    }),
    password: string({ description: 'Basic-auth password, used with `username`.', optional: true, sensitive: true }),
    apiKey: string({ description: 'API key (base64 `id:key`), instead of `username`/`password`.', optional: true, sensitive: true }),
    indexPrefix: string({
      description: 'Index names are `<indexPrefix>-<events|alerts|incidents|actions>`.',
      format: 'index-prefix',
      default: 'vigil',
    }),
  },
});

const ops = object({
  description: 'The operations HTTP server: `/metrics` (Prometheus) and `/health`.',
  fields: {
    host: string({ description: 'Address the ops server listens on.', minLength: 1, default: '127.0.0.1' }),
    port: port('Port of the ops server; 0 picks a free port.', { default: 9464 }),
  },
});

const syslogInput = object({
  description: 'Receives syslog (RFC 3164 or RFC 5424) over UDP or TCP.',
  fields: {
    id: componentId('input'),
    protocol: oneOf({
      description: 'Transport: `udp` (one message per datagram) or `tcp` (octet-counted or newline-framed, RFC 6587).',
      values: ['udp', 'tcp'],
    }),
    host: string({ description: 'Address to listen on.', minLength: 1, default: '127.0.0.1' }),
    port: port('Port to listen on; 0 picks a free port.'),
    maxMessageBytes: number({
      description: 'Largest accepted message, in bytes; larger ones are dead-lettered.',
      int: true,
      min: 480, // RFC 5424 §6.1: receivers must accept at least 480 octets
      max: 16 * 1024 * 1024,
      default: 65536,
    }),
    timezone: string({
      description: 'IANA time zone for RFC 3164 timestamps, which carry none.',
      format: 'timezone',
      default: 'UTC',
    }),
    keepOriginal: boolean({ description: 'Keep the raw message in `event.original`.', default: true }),
  },
});

/** Input types, keyed by their YAML `type`. One line per type. */
export const INPUT_TYPES = {
  syslog: syslogInput,
} as const;

const elasticsearchSink = object({
  description: 'Indexes Vigil topics into the `elasticsearch` cluster.',
  fields: {
    id: componentId('sink'),
    topics: array({
      description: 'Which Vigil topics to index.',
      items: oneOf({ description: 'A Vigil topic.', values: VIGIL_TOPICS }),
      minItems: 1,
      default: [...VIGIL_TOPICS],
    }),
    batchSize: number({ description: 'Documents per bulk request.', int: true, min: 1, max: 10000, default: 500 }),
    maxRetries: number({
      description: 'Attempts for a retriable failure before the document is dead-lettered.',
      int: true,
      min: 0,
      max: 100,
      default: 8,
    }),
  },
});

/** Sink types, keyed by their YAML `type`. One line per type. */
export const SINK_TYPES = {
  elasticsearch: elasticsearchSink,
} as const;

const detections = object({
  description: 'Detection rules run over `vigil.events`.',
  fields: {
    rules: array({
      description: 'Files or folders of Sigma rules, relative to the working directory.',
      items: string({ description: 'A file or folder.', minLength: 1 }),
      default: ['rules/sigma'],
    }),
  },
});

const playbooks = object({
  description: 'Response playbooks run on BullMQ.',
  fields: {
    paths: array({
      description: 'Files or folders of playbooks, relative to the working directory.',
      items: string({ description: 'A file or folder.', minLength: 1 }),
      default: ['rules/playbooks'],
    }),
    concurrency: number({ description: 'Jobs run at once by one worker.', int: true, min: 1, max: 1000, default: 4 }),
    secrets: map({
      description: 'Named secrets for `${{ secrets.NAME }}` in playbooks; take values from the environment with `${VAR}`.',
      values: string({ description: 'A secret value.', sensitive: true }),
      sensitive: true,
      default: {},
    }),
  },
});

export const vigilSchema = object({
  description: 'Vigil configuration (`vigil.yaml`).',
  fields: {
    kafka,
    redis,
    elasticsearch,
    ops,
    inputs: array({
      description: 'Where telemetry comes in.',
      items: union({
        description: 'One input.',
        typeDescription: 'Input type; decides which other fields apply.',
        variants: INPUT_TYPES,
      }),
      default: [],
    }),
    detections,
    playbooks,
    sinks: array({
      description: 'Where Vigil topics go out.',
      items: union({
        description: 'One sink.',
        typeDescription: 'Sink type; decides which other fields apply.',
        variants: SINK_TYPES,
      }),
      default: [],
    }),
  },
});

// ---- compile-time agreement with types.ts (a `false` here means they drifted) ----
type Assert<T extends true> = T;
export type SchemaAgreesWithTypes = [
  Assert<Same<Infer<typeof kafka>, KafkaConfig>>,
  Assert<Same<Infer<typeof redis>, RedisConfig>>,
  Assert<Same<Infer<typeof elasticsearch>, ElasticsearchConfig>>,
  Assert<Same<Infer<typeof ops>, OpsConfig>>,
  Assert<Same<Infer<typeof detections>, DetectionsConfig>>,
  Assert<Same<Infer<typeof playbooks>, PlaybooksConfig>>,
  Assert<Same<Infer<(typeof vigilSchema)['fields']['inputs']['items']>, InputConfig>>,
  Assert<Same<Infer<(typeof vigilSchema)['fields']['sinks']['items']>, SinkConfig>>,
  Assert<Same<Infer<typeof vigilSchema>, VigilConfig>>,
];
