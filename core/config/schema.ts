/**
 * The core sections of `vigil.yaml` (kafka, redis, elasticsearch, ops, detections, playbooks),
 * as data, and `vigilSchemaWith`, which puts them together with the input and sink registries.
 * Inputs and sinks declare their schemas beside their code; the registries are assembled outside
 * core, which imports nothing of ours (see `cli/config/schema.ts`). `types.ts` is the TypeScript
 * view of the sections here; the assertions at the bottom fail to compile when the two drift apart.
 */
import { array, boolean, map, number, object, oneOf, string, union, type Infer, type ObjectSchema, type Same } from './dsl.js';
import { apiSchema } from './api.js';
import { port } from './fields.js';
import type { ApiConfig, DetectionsConfig, ElasticsearchConfig, KafkaConfig, OpsConfig, PlaybooksConfig, RedisConfig } from './types.js';

/** The Vigil topics a sink can read: `vigil.<name>`. */
export const VIGIL_TOPICS = ['events', 'alerts', 'incidents', 'actions'] as const;

const kafka = object({
  description: 'Kafka, the backbone every stage reads from and writes to.',
  rule: 'kafka-connection',
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
    minInsyncReplicas: number({
      description:
        '`min.insync.replicas` of topics Vigil creates (writes are acks=all, so a write needs this many replicas); unset leaves the broker default. 2 with replicationFactor 3 survives the loss of one broker.',
      int: true,
      min: 1,
      max: 32767,
      optional: true,
    }),
    eventsRetentionHours: number({
      description: 'Retention of `vigil.events`, in hours.',
      int: true,
      min: 1,
      default: 168,
    }),
    compression: oneOf({ description: 'Producer compression.', values: ['none', 'gzip'], default: 'gzip' }),
    gzipLevel: number({
      description:
        "zlib level of gzip compression, 1 (fastest) to 9 (smallest). Level 1 compresses ECS JSON about 2.5 times as fast as zlib's default 6, into batches about 3% larger.",
      int: true,
      min: 1,
      max: 9,
      default: 1,
    }),
    maxRecordBytes: number({
      description:
        "Largest record the producer sends, in bytes (key, value and headers, before compression); a larger one goes to the dead letter. Keep it under the brokers' message.max.bytes (1048588 by default).",
      int: true,
      min: 65536,
      // Under the brokers' socket.request.max.bytes (100 MiB by default): a request past it is dropped, not refused.
      max: 64 * 1024 * 1024,
      default: 1_000_000,
    }),
    tls: object({
      description: 'TLS to the brokers, for listeners `SSL` or `SASL_SSL`.',
      optional: true,
      fields: {
        enabled: boolean({ description: 'Connect with TLS.', default: false }),
        caFile: string({
          description: "CA bundle (PEM) the broker certificates must chain to, instead of Node's public CAs.",
          minLength: 1,
          optional: true,
        }),
        certFile: string({
          description: 'Client certificate (PEM), for brokers that ask for one (`ssl.client.auth=required`).',
          minLength: 1,
          optional: true,
        }),
        keyFile: string({ description: 'Private key (PEM) of `certFile`.', minLength: 1, optional: true }),
        keyPassword: string({ description: 'Passphrase of an encrypted `keyFile`.', optional: true, sensitive: true }),
        rejectUnauthorized: boolean({
          description: 'Refuse brokers whose certificate does not chain to a trusted CA or does not name the broker host.',
          default: true,
        }),
        servername: string({
          description: 'Name the broker certificates must carry (also sent as SNI), when it is not the broker host.',
          minLength: 1,
          optional: true,
        }),
      },
    }),
    sasl: object({
      description: 'SASL authentication, for listeners `SASL_SSL` (or `SASL_PLAINTEXT`, which sends credentials in clear).',
      optional: true,
      fields: {
        mechanism: oneOf({
          description: 'SASL mechanism; `plain` and `scram-*` take `username`/`password`, `oauthbearer` takes `oauth`. Unset, no SASL.',
          values: ['plain', 'scram-sha-256', 'scram-sha-512', 'oauthbearer'],
          optional: true,
        }),
        username: string({ description: 'User name, for `plain` and `scram-*`.', minLength: 1, optional: true }),
        password: string({ description: 'Password, for `plain` and `scram-*`.', optional: true, sensitive: true }),
        oauth: object({
          description: 'For `oauthbearer`: an OAuth 2.0 client_credentials grant (RFC 6749 §4.4) whose access token is sent to Kafka.',
          optional: true,
          fields: {
            tokenEndpoint: string({ description: 'Token endpoint URL.', format: 'http-url', optional: true }),
            clientId: string({ description: 'OAuth client id.', minLength: 1, optional: true }),
            clientSecret: string({ description: 'OAuth client secret.', minLength: 1, sensitive: true, optional: true }),
            scope: string({ description: 'Space-separated scopes to request.', minLength: 1, optional: true }),
            refreshBeforeExpirySeconds: number({
              description: 'Fetch a new token this many seconds before the current one expires, in seconds.',
              int: true,
              min: 0,
              max: 3600,
              default: 60,
            }),
          },
        }),
      },
    }),
  },
});

/** `kafka.tls` and `kafka.sasl`, for a component that talks to another cluster (the kafka sink). */
export const kafkaSecurityFields = { tls: kafka.fields.tls, sasl: kafka.fields.sasl } as const;

const redis = object({
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

const elasticsearch = object({
  description: 'The Elasticsearch cluster used by elasticsearch sinks and for index setup.',
  rule: 'elasticsearch-connection',
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
    tls: object({
      description: 'How to trust the certificate of an `https://` node; set at most one of `caFile` and `caFingerprint`.',
      optional: true,
      fields: {
        caFile: string({
          description: 'CA bundle (PEM) the node certificate must chain to, instead of the system CAs.',
          minLength: 1,
          optional: true,
        }),
        caFingerprint: string({
          description:
            'SHA-256 fingerprint of the CA certificate (or of the node certificate itself) that the node presents, as Elasticsearch prints it at first start; hex, colons allowed.',
          format: 'sha256-fingerprint',
          optional: true,
        }),
        rejectUnauthorized: boolean({
          description: 'Refuse a node whose certificate cannot be verified. Off, anyone on the path can read the data and the credentials.',
          default: true,
        }),
      },
    }),
  },
});

const ops = object({
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

// `groupBy` has no default so that an absent section stays absent (the builder's defaults apply).
const incidents = object({
  description: 'How alerts are grouped into incidents, deduplicated and scored.',
  optional: true,
  fields: {
    groupBy: array({
      description:
        'Entity fields that tie alerts into one incident, in priority order: an alert joins an open incident sharing any of their values within the window (without this section: host.name, user.name, source.ip).',
      items: string({ description: 'A dotted ECS field, e.g. `host.name`.', minLength: 1 }),
      minItems: 1,
    }),
    windowSeconds: number({
      description: 'Grouping window: the alerts of one incident span less than this, in seconds.',
      int: true,
      min: 1,
      max: 2_592_000,
      default: 3600,
    }),
    suppressionSeconds: number({
      description:
        'The same rule on the same entity within this many seconds of its first alert updates that incident, even a closed one; 0 disables.',
      int: true,
      min: 0,
      max: 2_592_000,
      default: 14_400,
    }),
    allowedLatenessSeconds: number({
      description: 'How long eviction waits for late alerts, in seconds of event time.',
      int: true,
      min: 0,
      max: 86_400,
      default: 300,
    }),
    maxIncidents: number({
      description: 'Incidents one builder holds in memory; past it the least recently updated is evicted.',
      int: true,
      min: 1,
      max: 10_000_000,
      default: 10_000,
    }),
    weights: map({
      description: "Risk weight per rule id or rule name; other rules weigh their level's score (low 21, medium 47, high 73, critical 99).",
      values: number({ description: 'A weight.', min: 0, max: 10_000 }),
      default: {},
    }),
  },
});

const correlation = object({
  description: 'Correlation windows (Sigma correlation rules and their extensions).',
  fields: {
    allowedLatenessSeconds: number({
      description:
        'How far behind the newest event time of its partition an event may arrive and still count, in seconds; later events go to vigil.deadletter (CORRELATION_LATE).',
      int: true,
      min: 0,
      max: 86_400,
      default: 60,
    }),
    maxKeysPerCorrelation: number({
      description:
        'Live groups one correlation holds per engine; past it, new groups are refused, counted in a metric, and a state-limit alert is raised once.',
      int: true,
      min: 1,
      max: 100_000_000,
      default: 1_000_000,
    }),
    idleAdvanceSeconds: number({
      description:
        'After this long without an event, event time follows the wall clock from the newest event seen, so windows still close and flatlines fire when every source is silent; 0 turns it off.',
      int: true,
      min: 0,
      max: 86_400,
      default: 60,
    }),
  },
});

const detections = object({
  description: 'Detection rules run over `vigil.events`.',
  fields: {
    correlation,
    rules: array({
      description: 'Files or folders of Sigma rules, relative to the working directory.',
      items: string({ description: 'A file or folder.', minLength: 1 }),
      default: ['rules/sigma'],
    }),
    pipeline: string({
      description: 'Field-mapping pipeline the rules are compiled with: a name in `rules/pipelines/` (ecs, raw, …) or a path to one.',
      minLength: 1,
      default: 'ecs',
    }),
    placeholders: map({
      description: 'Values of Sigma placeholders (`%name%` in rules using the `expand` modifier), by placeholder name.',
      values: array({ description: 'The values of one placeholder.', items: string({ description: 'A value.' }) }),
      default: {},
    }),
    placeholderFiles: map({
      description:
        'Placeholder values kept in files, by placeholder name: one value a line, `#` starts a comment; a file is read again when it changes.',
      values: string({ description: 'A file, relative to the working directory.', minLength: 1 }),
      default: {},
    }),
    includeDeprecated: boolean({
      description:
        'Also run rules whose `status` is `deprecated` or `unsupported`; by default they are skipped (and counted in the load log).',
      default: false,
    }),
    incidents,
  },
  check: (v) =>
    Object.keys((v as DetectionsConfig).placeholderFiles)
      .filter((name) => name in (v as DetectionsConfig).placeholders)
      .map((name) => ({
        code: 'CONFIG_CONFLICT',
        field: `placeholderFiles.${name}`,
        message: `placeholder '${name}' has values in both placeholders and placeholderFiles`,
      })),
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
    rateLimits: map({
      description:
        "Rate limits per action (`slack.post_message`), shared by every worker through Redis; each replaces the action's own default (the vendor's published limit). A call over the limit waits: it is not failed and uses no retry.",
      values: object({
        description: "One action's limit: give perSecond or perMinute.",
        fields: {
          perSecond: number({ description: 'Calls per second (may be below 1, e.g. 0.5).', min: 0.001, optional: true }),
          perMinute: number({ description: 'Calls per minute.', min: 0.001, optional: true }),
        },
      }),
      optional: true,
    }),
  },
});

/** Components of one kind (inputs or sinks), keyed by their YAML `type`. */
export type ComponentSchemas = Readonly<Record<string, ObjectSchema>>;

/** The schema of the whole of `vigil.yaml`, given the schemas of every input and sink type. */
export const vigilSchemaWith = <
  const I extends ComponentSchemas,
  const S extends ComponentSchemas,
  const X extends ObjectSchema,
>(registries: {
  inputs: I;
  sinks: S;
  /** `intel`: declared beside its code (`intel/config.ts`), which `core/` does not import. */
  intel: X;
}) =>
  object({
    description: 'Vigil configuration (`vigil.yaml`).',
    fields: {
      kafka,
      redis,
      elasticsearch,
      ops,
      api: apiSchema,
      inputs: array({
        description: 'Where telemetry comes in.',
        items: union({
          description: 'One input.',
          typeDescription: 'Input type; decides which other fields apply.',
          variants: registries.inputs,
        }),
        default: [],
      }),
      detections,
      playbooks,
      intel: registries.intel,
      sinks: array({
        description: 'Where Vigil topics go out.',
        items: union({
          description: 'One sink.',
          typeDescription: 'Sink type; decides which other fields apply.',
          variants: registries.sinks,
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
  Assert<Same<Infer<typeof apiSchema>, ApiConfig>>,
  Assert<Same<Infer<typeof detections>, DetectionsConfig>>,
  Assert<Same<Infer<typeof playbooks>, PlaybooksConfig>>,
];
