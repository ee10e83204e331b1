/**
 * `kafka` in vigil.yaml: the cluster every stage reads from and writes to, as `core/bus` uses it.
 * Its TypeScript view is `KafkaConfig` (core/config/types.ts); core/config/schema.ts checks that the two agree.
 */
import { array, boolean, number, object, oneOf, string } from '../config/dsl.js';

export const kafkaSchema = object({
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
export const kafkaSecurityFields = { tls: kafkaSchema.fields.tls, sasl: kafkaSchema.fields.sasl } as const;
