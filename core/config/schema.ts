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

// A network input without authentication must say so (`rules.ts`, `input-auth.ts`).
const authNone = (what: string) =>
  oneOf({
    description: `\`none\` runs this input without authentication, on purpose: anyone who can reach the port can send events. Unset, the input refuses to start unless ${what}.`,
    values: ['none'],
    optional: true,
  });

// A port of 0 lets the OS pick a free one, which tests rely on.
const port = (description: string, extra: { default?: number } = {}) => number({ description, int: true, min: 0, max: 65535, ...extra });

// Connection limits of a network listener, so that silent or piled-up connections cannot lock senders out.
const connectionLimits = (defaults: { perPeer: number; idleSeconds: number }, note = '') => ({
  maxConnections: number({
    description: `Connections at once${note}; a new one past it is closed at once (and counted).`,
    int: true,
    min: 1,
    max: 1_000_000,
    default: 1024,
  }),
  maxConnectionsPerPeer: number({
    description:
      'Connections at once from one address; a new one past it is closed at once. Behind a proxy or load balancer every connection is the proxy’s.',
    int: true,
    min: 1,
    max: 1_000_000,
    default: defaults.perPeer,
  }),
  idleTimeoutSeconds: number({
    description: 'Close a connection silent this long, in seconds (senders reconnect on their next message); 0 never does.',
    int: true,
    min: 0,
    max: 86400,
    default: defaults.idleSeconds,
  }),
});

const maxInFlightBytes = (defaultBytes: number, busy: string) =>
  number({
    description: `Bytes of request bodies being read or waiting for Kafka, all requests together; past it, new requests get ${busy} with Retry-After instead of growing memory. At least \`maxBodyBytes\`.`,
    int: true,
    min: 1024,
    max: 16 * 1024 * 1024 * 1024,
    default: defaultBytes,
  });

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

const syslogTls = object({
  description: 'TLS for `protocol: tls` (RFC 5425): PEM files read at start.',
  optional: true,
  fields: {
    certFile: string({ description: 'Server certificate file (PEM; a chain is allowed).', minLength: 1 }),
    keyFile: string({ description: 'Private key file of the certificate (PEM).', minLength: 1 }),
    caFile: string({ description: 'CA bundle file (PEM) that client certificates must chain to.', minLength: 1, optional: true }),
    requestCert: boolean({ description: 'Ask clients for a certificate (mutual TLS).', default: false }),
    rejectUnauthorized: boolean({
      description: 'With `requestCert`, refuse clients whose certificate is missing or does not chain to `caFile`.',
      default: true,
    }),
    handshakeTimeoutMs: number({
      description: 'A client that has not completed the TLS handshake by then is disconnected, in milliseconds.',
      int: true,
      min: 100,
      max: 600_000,
      default: 10_000,
    }),
  },
});

const syslogInput = object({
  description: 'Receives syslog (RFC 3164 or RFC 5424, with CEF or LEEF inside) over UDP, TCP or TLS.',
  fields: {
    id: componentId('input'),
    protocol: oneOf({
      description:
        'Transport: `udp` (one message per datagram), `tcp` (octet-counted or newline-framed, RFC 6587) or `tls` (the same framings over TLS, RFC 5425; needs `tls`).',
      values: ['udp', 'tcp', 'tls'],
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
      description: 'IANA time zone for timestamps that carry none (RFC 3164 headers, device times in CEF, LEEF and vendor logs).',
      format: 'timezone',
      default: 'UTC',
    }),
    keepOriginal: boolean({ description: 'Keep the raw message in `event.original`.', default: true }),
    outputSchema: oneOf({
      description:
        'Schema of the events this input publishes on `vigil.events`: always `ecs` (Elastic Common Schema), which detection rules and the Elasticsearch template read; `ocsf` is refused. `vigil parse --schema ocsf` shows the OCSF mapping of a log line.',
      values: ['ecs', 'ocsf'],
      optional: true,
    }),
    parseWorkers: number({
      description:
        'Worker threads that parse, normalize and serialize this input’s messages when they come in batches (32 or more), so a busy input uses more than one core; 0 does everything on the main thread.',
      int: true,
      min: 0,
      max: 16,
      default: 1,
    }),
    ...connectionLimits({ perPeer: 64, idleSeconds: 300 }, ' (TCP and TLS)'),
    tls: syslogTls,
    auth: authNone('it is TLS with `tls.caFile` and `tls.requestCert` (mutual TLS)'),
  },
  rule: 'syslog-input',
});

const splunkTls = object({
  description: 'TLS: listen with these PEM files instead of in clear text.',
  optional: true,
  fields: {
    enabled: boolean({ description: 'Listen with TLS; `certFile` and `keyFile` are then required.', default: false }),
    certFile: string({ description: 'Server certificate file (PEM; a chain is allowed).', optional: true }),
    keyFile: string({ description: 'Private key file of the certificate (PEM).', optional: true }),
    caFile: string({ description: 'CA bundle file (PEM) that client certificates must chain to.', optional: true }),
    requireClientCert: boolean({ description: 'Refuse clients without a certificate signed by `caFile`.', default: false }),
  },
});

const splunkHecInput = object({
  description: 'Receives Splunk HTTP Event Collector requests (`/services/collector/*`), as a Splunk indexer does.',
  fields: {
    id: componentId('input'),
    host: string({ description: 'Address to listen on.', minLength: 1, default: '127.0.0.1' }),
    port: port('Port to listen on (8088 by convention); 0 picks a free port.'),
    tokens: array({
      description: 'The HEC tokens clients may send as `Authorization: Splunk <token>`.',
      minItems: 1,
      items: object({
        description: 'One token and what it may do.',
        fields: {
          token: string({
            description: 'The token value: at least 16 characters, not a placeholder.',
            minLength: 1,
            format: 'shared-secret',
            sensitive: true,
          }),
          name: string({ description: 'Shown in logs instead of the token.', minLength: 1, optional: true }),
          index: string({ description: 'Index given to events that name none.', minLength: 1, optional: true }),
          indexes: array({
            description: 'Indexes events may name; any other is refused with code 7. Unset: any.',
            items: string({ description: 'An index name.', minLength: 1 }),
            optional: true,
          }),
          sourcetype: string({ description: 'Sourcetype given to events that name none.', minLength: 1, optional: true }),
          source: string({ description: 'Source given to events that name none.', minLength: 1, optional: true }),
          ack: boolean({
            description:
              'Indexer acknowledgement: requests need a channel, get an ackId at once, and the ackId turns true once Kafka has the events.',
            default: false,
          }),
          disabled: boolean({ description: 'Refuse the token (code 1, Token disabled).', default: false }),
        },
      }),
    }),
    maxBodyBytes: number({
      description: 'Largest request body, in bytes, before and after gzip; larger is refused with 413.',
      int: true,
      min: 1024,
      max: 1024 * 1024 * 1024,
      default: 16 * 1024 * 1024,
    }),
    allowQueryStringToken: boolean({ description: 'Accept the token as `?token=` (refused with code 16 when off).', default: false }),
    keepOriginal: boolean({ description: "Keep each event's text or JSON in `event.original`.", default: true }),
    ackMaxPerChannel: number({
      description: 'ackIds one channel may hold until queried; past it, requests get code 9 (Server is busy).',
      int: true,
      min: 1,
      max: 10_000_000,
      default: 10_000,
    }),
    ackMaxChannels: number({
      description: 'Acknowledgement channels at once; past it, requests on a new channel get code 9.',
      int: true,
      min: 1,
      max: 1_000_000,
      default: 1000,
    }),
    ackIdleTimeoutSeconds: number({
      description: 'A channel unused this long, in seconds, is forgotten with its ackIds.',
      int: true,
      min: 1,
      max: 86400,
      default: 600,
    }),
    maxPendingEvents: number({
      description: 'Events accepted but not yet acknowledged by Kafka; past it, requests get code 9 and health answers 503.',
      int: true,
      min: 1,
      max: 100_000_000,
      default: 100_000,
    }),
    maxInFlightBytes: maxInFlightBytes(256 * 1024 * 1024, 'code 9 (Server is busy, 503)'),
    ...connectionLimits({ perPeer: 64, idleSeconds: 300 }),
    tls: splunkTls,
  },
});

const splunkS2sInput = object({
  description: 'Receives Splunk universal/heavy forwarder traffic over S2S (cooked mode v3), as a Splunk indexer does.',
  fields: {
    id: componentId('input'),
    host: string({ description: 'Address to listen on.', minLength: 1, default: '127.0.0.1' }),
    port: port('Port to listen on (9997 by convention); 0 picks a free port.'),
    maxMessageBytes: number({
      description: 'Largest S2S message, in bytes; a larger one is dead-lettered and its connection closed.',
      int: true,
      min: 4096,
      max: 256 * 1024 * 1024,
      default: 4 * 1024 * 1024,
    }),
    keepOriginal: boolean({ description: "Keep each event's `_raw` in `event.original`.", default: true }),
    ...connectionLimits({ perPeer: 64, idleSeconds: 600 }),
    tls: splunkTls,
    auth: authNone('TLS requires client certificates (`tls.enabled`, `tls.caFile`, `tls.requireClientCert`)'),
  },
  rule: 'input-auth',
});

// Fields of a RELP input; same TLS block as a syslog listener, but TLS is on whenever it is set.
const relpTls = { ...syslogTls, description: 'Listen with TLS (omrelp `tls="on"`) using these PEM files; without it, in clear text.' };

const relpInput = object({
  description:
    'Receives syslog over RELP (rsyslog’s omrelp, librelp): each message is acknowledged only once Kafka holds it or its dead letter, so the sender resends whatever a crash or restart cut off.',
  fields: {
    id: componentId('input'),
    host: string({ description: 'Address to listen on.', minLength: 1, default: '127.0.0.1' }),
    port: port('Port to listen on (2514 by convention); 0 picks a free port.'),
    maxMessageBytes: number({
      description:
        'Largest message taken whole, in bytes (imrelp’s maxDataSize); a larger one is dead-lettered with its first bytes and acknowledged, since resending it would fail again.',
      int: true,
      min: 480,
      max: 16 * 1024 * 1024,
      default: 65536,
    }),
    timezone: string({
      description: 'IANA time zone for timestamps that carry none (RFC 3164 headers, device times in CEF, LEEF and vendor logs).',
      format: 'timezone',
      default: 'UTC',
    }),
    keepOriginal: boolean({ description: 'Keep the raw message in `event.original`.', default: true }),
    parseWorkers: number({
      description:
        'Worker threads that parse, normalize and serialize this input’s messages when they come in batches (32 or more); 0 does everything on the main thread.',
      int: true,
      min: 0,
      max: 16,
      default: 1,
    }),
    ...connectionLimits({ perPeer: 64, idleSeconds: 600 }),
    tls: relpTls,
    auth: authNone('it has `tls` with `tls.caFile` and `tls.requestCert` (mutual TLS)'),
  },
  rule: 'input-auth',
});

const firehoseInput = object({
  description: 'Receives Amazon Data Firehose deliveries (HTTP endpoint destination), CloudWatch Logs subscriptions included.',
  fields: {
    id: componentId('input'),
    host: string({ description: 'Address to listen on.', minLength: 1, default: '127.0.0.1' }),
    port: port('Port to listen on; 0 picks a free port. Firehose needs HTTPS: put a TLS proxy or load balancer in front.'),
    accessKey: string({
      description:
        'The access key set on the delivery stream, checked against `X-Amz-Firehose-Access-Key`: at least 16 characters, not a placeholder.',
      minLength: 1,
      format: 'shared-secret',
      sensitive: true,
    }),
    maxBodyBytes: number({
      description: 'Largest request body, in bytes; larger gets 413 (Firehose buffers up to 64 MiB, which base64 grows by a third).',
      int: true,
      min: 1024,
      max: 1024 * 1024 * 1024,
      default: 96 * 1024 * 1024,
    }),
    maxInFlightBytes: maxInFlightBytes(512 * 1024 * 1024, '503'),
    maxRecordBytes: number({
      description: 'Largest decoded record, in bytes; larger ones are dead-lettered (Firehose records are at most 1000 KiB).',
      int: true,
      min: 1024,
      max: 64 * 1024 * 1024,
      default: 1024 * 1024,
    }),
    dedupRequests: number({
      description: 'Request ids remembered, so that a retried request already written is answered without writing it again.',
      int: true,
      min: 0,
      max: 10_000_000,
      default: 10_000,
    }),
    keepOriginal: boolean({ description: "Keep each record's text in `event.original`.", default: true }),
    ...connectionLimits({ perPeer: 1024, idleSeconds: 300 }),
  },
});

const cloudTrailInput = object({
  description: 'Reads CloudTrail log files from S3 as SQS notifications announce them, or from a directory of `.json.gz` files.',
  fields: {
    id: componentId('input'),
    queueUrl: string({
      description: 'URL of the SQS queue receiving the bucket notifications. Set this or `directory`.',
      format: 'http-url',
      optional: true,
    }),
    directory: string({
      description: 'A folder of CloudTrail `.json.gz` files, read recursively, instead of S3. Set this or `queueUrl`.',
      minLength: 1,
      optional: true,
    }),
    region: string({ description: 'AWS region of the queue and bucket.', minLength: 1, default: 'us-east-1' }),
    endpoint: string({
      description: 'Endpoint for S3 and SQS instead of AWS (an S3-compatible store, a local test server).',
      format: 'http-url',
      optional: true,
    }),
    forcePathStyle: boolean({
      description: 'Address S3 objects as `endpoint/bucket/key` instead of `bucket.endpoint/key`.',
      default: false,
    }),
    accessKeyId: string({
      description: 'Static AWS access key id; unset uses the SDK default credential chain.',
      optional: true,
      sensitive: true,
    }),
    secretAccessKey: string({ description: 'Secret of `accessKeyId`.', optional: true, sensitive: true }),
    waitTimeSeconds: number({ description: 'SQS long-poll wait, in seconds.', int: true, min: 0, max: 20, default: 20 }),
    maxMessages: number({ description: 'SQS messages per receive.', int: true, min: 1, max: 10, default: 10 }),
    visibilityTimeoutSeconds: number({
      description:
        'Visibility timeout asked for on receive, in seconds; it must outlast reading the largest file. Unset keeps the queue setting.',
      int: true,
      min: 0,
      max: 43200,
      optional: true,
    }),
    scanIntervalSeconds: number({
      description: 'Directory mode: seconds between scans for new files.',
      int: true,
      min: 1,
      max: 86400,
      default: 60,
    }),
    stateFile: string({
      description: 'Directory mode: file remembering the files already read. Default `.vigil/state/<id>.json`.',
      minLength: 1,
      optional: true,
    }),
    keepOriginal: boolean({ description: "Keep each record's JSON in `event.original`.", default: true }),
  },
});

const pubSubInput = object({
  description: 'Receives Google Cloud Pub/Sub push deliveries (Cloud Audit Logs through a log sink, or any JSON).',
  fields: {
    id: componentId('input'),
    host: string({ description: 'Address to listen on.', minLength: 1, default: '127.0.0.1' }),
    port: port('Port to listen on; 0 picks a free port. Pub/Sub pushes to HTTPS: put a TLS proxy in front.'),
    token: string({
      description:
        'Shared secret the push endpoint URL carries as `?token=`; requests without it get 401. Checked on top of `oidc`, it does not replace it (URLs end up in logs).',
      format: 'shared-secret',
      optional: true,
      sensitive: true,
    }),
    oidc: object({
      description:
        'Verify the OIDC token (`Authorization: Bearer`, RS256, signed by Google) that an authenticated push subscription sends; other requests get 401, or 403 for another service account.',
      optional: true,
      fields: {
        audience: string({
          description: "The subscription's push auth audience (`--push-auth-token-audience`; by default the push endpoint URL).",
          minLength: 1,
        }),
        serviceAccountEmail: string({
          description: "The subscription's push auth service account (`--push-auth-service-account`); tokens for any other are refused.",
          minLength: 3,
        }),
        jwksUrl: string({
          description: "Where Google's token signing keys are published (JWKS), cached as long as its `Cache-Control: max-age` says.",
          format: 'http-url',
          default: 'https://www.googleapis.com/oauth2/v3/certs',
        }),
      },
    }),
    auth: authNone('`oidc` is set'),
    maxBodyBytes: number({
      description: 'Largest request body, in bytes; larger gets 413.',
      int: true,
      min: 1024,
      max: 256 * 1024 * 1024,
      default: 16 * 1024 * 1024,
    }),
    maxInFlightBytes: maxInFlightBytes(256 * 1024 * 1024, '503'),
    keepOriginal: boolean({ description: "Keep each record's JSON in `event.original`.", default: true }),
    ...connectionLimits({ perPeer: 1024, idleSeconds: 300 }),
  },
  rule: 'input-auth',
});

const eventHubsInput = object({
  description:
    'Consumes an Azure Event Hub through its Kafka endpoint (Azure Monitor diagnostic settings: activity and Entra ID sign-in logs).',
  fields: {
    id: componentId('input'),
    brokers: array({
      description: 'The namespace endpoint, `<namespace>.servicebus.windows.net:9093`.',
      items: string({ description: 'One bootstrap broker.', format: 'host-port' }),
      minItems: 1,
    }),
    topic: string({ description: 'The event hub name (its Kafka topic).', minLength: 1 }),
    consumerGroup: string({ description: 'Event Hubs consumer group, used as the Kafka group id.', minLength: 1, default: '$Default' }),
    connectionString: string({
      description: 'Namespace or hub connection string; sent as SASL PLAIN password with user `$ConnectionString`. Unset: no SASL.',
      optional: true,
      sensitive: true,
    }),
    tls: boolean({ description: 'TLS to the brokers (Event Hubs requires it).', default: true }),
    fromBeginning: boolean({
      description: 'A consumer group with no committed offset starts at the oldest event instead of the newest.',
      default: false,
    }),
    keepOriginal: boolean({ description: "Keep each record's JSON in `event.original`.", default: true }),
  },
});

const oktaInput = object({
  description: 'Polls the Okta System Log API (`/api/v1/logs`).',
  fields: {
    id: componentId('input'),
    url: string({ description: 'The Okta org URL, `https://<org>.okta.com`.', format: 'http-url' }),
    token: string({ description: 'Okta API token, sent as `Authorization: SSWS <token>`.', minLength: 1, sensitive: true }),
    stateFile: string({
      description: 'Checkpoint file (last published time and uuid). Default `.vigil/state/<id>.json`.',
      minLength: 1,
      optional: true,
    }),
    pollIntervalSeconds: number({ description: 'Seconds between polls once caught up.', int: true, min: 1, max: 3600, default: 60 }),
    limit: number({ description: 'Events per page.', int: true, min: 1, max: 1000, default: 1000 }),
    initialLookbackMinutes: number({
      description: 'With no checkpoint, how far back the first poll starts, in minutes.',
      int: true,
      min: 1,
      max: 129600,
      default: 60,
    }),
    keepOriginal: boolean({ description: "Keep each event's JSON in `event.original`.", default: true }),
  },
});

const fileInput = object({
  description: 'Tails files (following appends and rotation) or reads them once: JSON lines, syslog lines, Windows event JSON.',
  fields: {
    id: componentId('input'),
    paths: array({
      description: 'Files or directories (every file in a directory, not recursive).',
      items: string({ description: 'A file or directory.', minLength: 1 }),
      minItems: 1,
    }),
    mode: oneOf({
      description: '`tail` follows appends and rotation (checkpointed); `read` reads each file once from its checkpoint to its end.',
      values: ['tail', 'read'],
      default: 'tail',
    }),
    format: oneOf({
      description:
        'Line format: `json` (JSON lines, vendor records detected), `syslog`, `windows` (evtx_dump or Winlogbeat JSON), or `auto` (by the first character).',
      values: ['auto', 'json', 'syslog', 'windows'],
      default: 'auto',
    }),
    stateFile: string({ description: 'Checkpoint file of read offsets. Default `.vigil/state/<id>.json`.', minLength: 1, optional: true }),
    startAt: oneOf({ description: 'Where a file without a checkpoint starts.', values: ['beginning', 'end'], default: 'beginning' }),
    pollIntervalMs: number({
      description: 'Milliseconds between checks for growth and rotation.',
      int: true,
      min: 10,
      max: 60_000,
      default: 250,
    }),
    maxLineBytes: number({
      description: 'Longest line, in bytes; longer ones are dead-lettered.',
      int: true,
      min: 256,
      max: 64 * 1024 * 1024,
      default: 1024 * 1024,
    }),
    timezone: string({ description: 'IANA time zone for syslog timestamps that carry none.', format: 'timezone', default: 'UTC' }),
    keepOriginal: boolean({ description: 'Keep each line in `event.original`.', default: true }),
  },
});

/** Input types, keyed by their YAML `type`. One line per type. */
export const INPUT_TYPES = {
  syslog: syslogInput,
  'splunk-hec': splunkHecInput,
  'splunk-s2s': splunkS2sInput,
  relp: relpInput,
  'aws-firehose': firehoseInput,
  'aws-cloudtrail': cloudTrailInput,
  'gcp-pubsub': pubSubInput,
  'azure-eventhubs': eventHubsInput,
  okta: oktaInput,
  file: fileInput,
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
    incidents,
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
