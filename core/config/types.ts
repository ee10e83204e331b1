/**
 * The validated shape of `vigil.yaml`. Defaults are applied by the loader, so every field
 * here that has a default is present after loading. `vigil.example.yaml` documents each one.
 * The schema in `schema.ts` holds the checks and descriptions; a compile-time assertion there
 * fails when it and these interfaces disagree.
 */
export interface VigilConfig {
  kafka: KafkaConfig;
  redis: RedisConfig;
  elasticsearch: ElasticsearchConfig;
  ops: OpsConfig;
  inputs: InputConfig[];
  detections: DetectionsConfig;
  playbooks: PlaybooksConfig;
  sinks: SinkConfig[];
}

export interface KafkaConfig {
  /** Bootstrap brokers, `host:port`. Default `["127.0.0.1:9092"]`. */
  brokers: string[];
  /** Client id prefix. Default `vigil`. */
  clientId: string;
  /** Prefix for every topic name, e.g. `prod.` → `prod.vigil.events`. Default `""`. */
  topicPrefix: string;
  /** Prefix for every consumer group id. Default `vigil`. */
  groupPrefix: string;
  /** Partitions for topics Vigil creates. Default 6. */
  partitions: number;
  /** Replication factor for topics Vigil creates. Default 1. */
  replicationFactor: number;
  /** Retention of `vigil.events` in hours. Default 168. */
  eventsRetentionHours: number;
  /** Producer compression: none, gzip. Default gzip. */
  compression: 'none' | 'gzip';
  /** zlib level of gzip compression, 1–9. Default 1. */
  gzipLevel: number;
  /**
   * Largest record the producer sends, in bytes (key, value and headers, before compression);
   * a larger one is dead-lettered. Keep it under the brokers' `message.max.bytes`. Default 1000000.
   */
  maxRecordBytes: number;
  /** TLS to the brokers (listeners `SSL` or `SASL_SSL`). Off by default. */
  tls?: KafkaTlsConfig;
  /** SASL authentication (listeners `SASL_SSL` or `SASL_PLAINTEXT`). None by default. */
  sasl?: KafkaSaslConfig;
}

export interface KafkaTlsConfig {
  /** Connect with TLS. Default false. */
  enabled: boolean;
  /** CA bundle (PEM) the broker certificates must chain to. Default: Node's public CAs. */
  caFile?: string;
  /** Client certificate (PEM), for brokers with `ssl.client.auth=required`. */
  certFile?: string;
  /** Private key (PEM) of `certFile`. */
  keyFile?: string;
  /** Passphrase of an encrypted `keyFile`. */
  keyPassword?: string;
  /** Refuse brokers whose certificate does not verify. Default true. */
  rejectUnauthorized: boolean;
  /** Name the broker certificates must carry (and SNI), when it is not the broker host. */
  servername?: string;
}

export interface KafkaSaslConfig {
  /** plain, scram-sha-256, scram-sha-512 or oauthbearer; unset, no SASL. */
  mechanism?: 'plain' | 'scram-sha-256' | 'scram-sha-512' | 'oauthbearer';
  /** User name, for plain and scram-*. */
  username?: string;
  /** Password, for plain and scram-*. */
  password?: string;
  /** Token endpoint and client credentials, for oauthbearer. */
  oauth?: KafkaOAuthConfig;
}

/** An OAuth 2.0 client_credentials grant (RFC 6749 §4.4) whose access token is presented to Kafka. */
export interface KafkaOAuthConfig {
  /** Token endpoint URL; required by oauthbearer. */
  tokenEndpoint?: string;
  /** OAuth client id; required by oauthbearer. */
  clientId?: string;
  /** OAuth client secret; required by oauthbearer. */
  clientSecret?: string;
  /** Space-separated scopes requested. */
  scope?: string;
  /** Fetch a new token this many seconds before the current one expires. Default 60. */
  refreshBeforeExpirySeconds: number;
}

export interface RedisConfig {
  /** `redis://host:port/db`. Default `redis://127.0.0.1:6379`. */
  url: string;
  /** Key prefix for BullMQ queues. Default `vigil`. */
  prefix: string;
  /** ACL user (Redis 6+); wins over a user in the URL. */
  username?: string;
  /** Password of the ACL user (or `requirepass`); wins over one in the URL. */
  password?: string;
  /** TLS to Redis; a `rediss://` URL turns it on too. */
  tls?: RedisTlsConfig;
}

export interface RedisTlsConfig {
  /** Connect with TLS. Default false (unless the URL is `rediss://`). */
  enabled: boolean;
  /** CA bundle (PEM) the server certificate must chain to. Default: the system CAs. */
  caFile?: string;
  /** Client certificate (PEM), for `tls-auth-clients`. */
  certFile?: string;
  /** Private key (PEM) of `certFile`. */
  keyFile?: string;
  /** Name the server certificate must carry. Default: the URL host. */
  servername?: string;
}

export interface ElasticsearchConfig {
  /** Default `http://127.0.0.1:9200`. */
  node: string;
  /** Basic-auth user; absent when security is off or `apiKey` is used. */
  username?: string;
  /** Basic-auth password. */
  password?: string;
  /** API key (base64 `id:key`). */
  apiKey?: string;
  /** Index names are `<indexPrefix>-<events|alerts|incidents|actions>`. Default `vigil`. */
  indexPrefix: string;
  /** How to trust the certificate of an `https://` node. */
  tls?: ElasticsearchTlsConfig;
}

export interface ElasticsearchTlsConfig {
  /** CA bundle (PEM) the node certificate must chain to. Default: the system CAs. */
  caFile?: string;
  /** SHA-256 fingerprint (hex, colons allowed) of the CA or node certificate the node presents. */
  caFingerprint?: string;
  /** Refuse a node whose certificate cannot be verified. Default true. */
  rejectUnauthorized: boolean;
}

export interface OpsConfig {
  /** Address of `/metrics` and `/health`. Default `127.0.0.1`. */
  host: string;
  /** Default 9464; 0 picks a free port. */
  port: number;
  /** Readiness thresholds; defaults apply when absent. */
  health?: OpsHealthConfig;
}

export interface OpsHealthConfig {
  /** Not ready while a group lags more than this on one partition; 0 = no lag check. Default 100000. */
  maxConsumerLag: number;
  /** How often lag is measured, in ms. Default 15000. */
  lagIntervalMs: number;
  /** A dependency probe slower than this fails, in ms. Default 2000. */
  checkTimeoutMs: number;
}

/** Connection limits of a network listener (syslog TCP/TLS, HEC, S2S, Firehose, Pub/Sub). */
export interface ConnectionLimitsConfig {
  /** Connections at once; a new one past it is closed at once. Default 1024. */
  maxConnections: number;
  /** Connections at once from one address; a new one past it is closed at once. Default 64 (1024 for Firehose and Pub/Sub). */
  maxConnectionsPerPeer: number;
  /** Close a connection silent this long, in seconds; 0 never. Default 300 (600 for S2S and RELP). */
  idleTimeoutSeconds: number;
}

export interface SyslogInputConfig extends ConnectionLimitsConfig {
  /** Unique across inputs and sinks; labels metrics and logs. Required. */
  id: string;
  type: 'syslog';
  /** `udp`, `tcp` or `tls` (RFC 5425; needs `tls`). */
  protocol: 'udp' | 'tcp' | 'tls';
  /** Default `127.0.0.1`. */
  host: string;
  /** Required; 0 picks a free port. */
  port: number;
  /** Larger messages are dead-lettered. Default 65536. */
  maxMessageBytes: number;
  /** IANA zone for timestamps that carry none (RFC 3164, device times). Default `UTC`. */
  timezone: string;
  /** Keep the raw line in `event.original`. Default true. */
  keepOriginal: boolean;
  /** Schema of the events published on `vigil.events`: always ECS. `ocsf` is refused by the config check. */
  outputSchema?: 'ecs' | 'ocsf';
  /** Worker threads that parse, normalize and serialize large batches; 0 keeps it on the main thread. Default 1. */
  parseWorkers: number;
  /** Certificates for `protocol: tls`. */
  tls?: SyslogTlsConfig;
  /** `none`: run without authentication, on purpose. Unset, the input refuses to start unless it is TLS with verified client certificates. */
  auth?: 'none';
}

/** TLS of a syslog listener (RFC 5425): PEM files read at start. */
export interface SyslogTlsConfig {
  /** Server certificate (PEM, chain allowed). Required. */
  certFile: string;
  /** Its private key (PEM). Required. */
  keyFile: string;
  /** CA bundle (PEM) client certificates must chain to. */
  caFile?: string;
  /** Ask clients for a certificate. Default false. */
  requestCert: boolean;
  /** With `requestCert`: refuse clients whose certificate is missing or does not chain to `caFile`. Default true. */
  rejectUnauthorized: boolean;
  /** A client that has not finished the handshake by then is disconnected, in ms. Default 10000. */
  handshakeTimeoutMs: number;
}

/** TLS of a Splunk listener: PEM files read at start. */
export interface SplunkTlsConfig {
  /** Listen with TLS; `certFile` and `keyFile` are then required. Default false. */
  enabled: boolean;
  /** Server certificate (PEM, chain allowed). */
  certFile?: string;
  /** Private key of the certificate (PEM). */
  keyFile?: string;
  /** CA bundle (PEM) that client certificates must chain to. */
  caFile?: string;
  /** Refuse clients without a certificate signed by `caFile`. Default false. */
  requireClientCert: boolean;
}

/** One HEC token and what it may do. */
export interface SplunkHecTokenConfig {
  /** The value clients send as `Authorization: Splunk <token>`. Required; a secret. */
  token: string;
  /** Shown in logs and metrics instead of the token. */
  name?: string;
  /** Index given to events that name none. */
  index?: string;
  /** Indexes events may name; others get code 7. Unset: any. */
  indexes?: string[];
  /** Sourcetype given to events that name none. */
  sourcetype?: string;
  /** Source given to events that name none. */
  source?: string;
  /** Indexer acknowledgement: requests need a channel and get an ackId. Default false. */
  ack: boolean;
  /** Refuse the token with code 1. Default false. */
  disabled: boolean;
}

export interface SplunkHecInputConfig extends ConnectionLimitsConfig {
  /** Unique across inputs and sinks; labels metrics and logs. Required. */
  id: string;
  type: 'splunk-hec';
  /** Default `127.0.0.1`. */
  host: string;
  /** Required (8088 by convention); 0 picks a free port. */
  port: number;
  /** At least one. */
  tokens: SplunkHecTokenConfig[];
  /** Largest request body, compressed and decompressed, in bytes. Default 16 MiB. */
  maxBodyBytes: number;
  /** Accept `?token=` (Splunk's code 16 when off). Default false. */
  allowQueryStringToken: boolean;
  /** Keep each event's text or JSON in `event.original`. Default true. */
  keepOriginal: boolean;
  /** Unqueried ackIds a channel may hold; past it requests get code 9. Default 10000. */
  ackMaxPerChannel: number;
  /** Ack channels at once; past it requests on new channels get code 9. Default 1000. */
  ackMaxChannels: number;
  /** A channel unused this long is forgotten with its ackIds, in seconds. Default 600. */
  ackIdleTimeoutSeconds: number;
  /** Events accepted but not yet acknowledged by Kafka; past it requests get code 9 and health 503. Default 100000. */
  maxPendingEvents: number;
  /** Bytes of request bodies being read or waiting for Kafka; past it requests get code 9 (503). Default 256 MiB. */
  maxInFlightBytes: number;
  /** HTTPS instead of HTTP. */
  tls?: SplunkTlsConfig;
}

export interface SplunkS2sInputConfig extends ConnectionLimitsConfig {
  /** Unique across inputs and sinks; labels metrics and logs. Required. */
  id: string;
  type: 'splunk-s2s';
  /** Default `127.0.0.1`. */
  host: string;
  /** Required (9997 by convention); 0 picks a free port. */
  port: number;
  /** Largest S2S message, in bytes; a larger one is dead-lettered and its connection closed. Default 4 MiB. */
  maxMessageBytes: number;
  /** Keep each event's `_raw` in `event.original`. Default true. */
  keepOriginal: boolean;
  /** TLS (a forwarder's `useSSL = true`). */
  tls?: SplunkTlsConfig;
  /** `none`: run without authentication, on purpose. Unset, the input refuses to start unless TLS requires client certificates. */
  auth?: 'none';
}

/** RELP (rsyslog's omrelp): each message is acknowledged once Kafka has it or its dead letter. */
export interface RelpInputConfig extends ConnectionLimitsConfig {
  /** Unique across inputs and sinks; labels metrics and logs. Required. */
  id: string;
  type: 'relp';
  /** Default `127.0.0.1`. */
  host: string;
  /** Required (2514 by convention); 0 picks a free port. */
  port: number;
  /** Larger messages are dead-lettered with their first bytes, and acknowledged. Default 65536. */
  maxMessageBytes: number;
  /** IANA zone for timestamps that carry none (RFC 3164, device times). Default `UTC`. */
  timezone: string;
  /** Keep the raw message in `event.original`. Default true. */
  keepOriginal: boolean;
  /** Worker threads that parse, normalize and serialize large batches; 0 keeps it on the main thread. Default 1. */
  parseWorkers: number;
  /** Listen with TLS (omrelp's `tls="on"`) using these PEM files. */
  tls?: SyslogTlsConfig;
  /** `none`: run without authentication, on purpose. Unset, the input refuses to start unless it is TLS with verified client certificates. */
  auth?: 'none';
}

export interface AwsFirehoseInputConfig extends ConnectionLimitsConfig {
  /** Unique across inputs and sinks; labels metrics and logs. Required. */
  id: string;
  type: 'aws-firehose';
  /** Default `127.0.0.1`. */
  host: string;
  /** Required; 0 picks a free port. */
  port: number;
  /** The access key configured on the delivery stream (`X-Amz-Firehose-Access-Key`). Required. */
  accessKey: string;
  /** Largest request body, in bytes; larger gets 413. Default 96 MiB. */
  maxBodyBytes: number;
  /** Bytes of request bodies being read or waiting for Kafka; past it requests get 503. Default 512 MiB. */
  maxInFlightBytes: number;
  /** Largest decoded record, in bytes; larger ones are dead-lettered. Default 1 MiB. */
  maxRecordBytes: number;
  /** Request ids remembered for retry dedup. Default 10000. */
  dedupRequests: number;
  /** Keep each record's text in `event.original`. Default true. */
  keepOriginal: boolean;
}

export interface AwsCloudTrailInputConfig {
  id: string;
  type: 'aws-cloudtrail';
  /** SQS queue receiving the bucket's notifications; one of `queueUrl` or `directory`. */
  queueUrl?: string;
  /** A folder of CloudTrail `.json.gz` files instead of S3. */
  directory?: string;
  /** Default `us-east-1`. */
  region: string;
  /** S3 and SQS endpoint override (S3-compatible stores, local tests). */
  endpoint?: string;
  /** Path-style S3 URLs. Default false. */
  forcePathStyle: boolean;
  /** Static credentials; unset uses the SDK's default chain. */
  accessKeyId?: string;
  secretAccessKey?: string;
  /** SQS long-poll wait, 0–20 s. Default 20. */
  waitTimeSeconds: number;
  /** Messages per receive, 1–10. Default 10. */
  maxMessages: number;
  /** Visibility timeout asked for on receive, in seconds; unset keeps the queue's. */
  visibilityTimeoutSeconds?: number;
  /** Directory mode: seconds between scans. Default 60. */
  scanIntervalSeconds: number;
  /** Directory mode: file remembering which files were done. Default `.vigil/state/<id>.json`. */
  stateFile?: string;
  /** Default true. */
  keepOriginal: boolean;
}

export interface GcpPubSubInputConfig extends ConnectionLimitsConfig {
  id: string;
  type: 'gcp-pubsub';
  /** Default `127.0.0.1`. */
  host: string;
  port: number;
  /** Shared secret the push subscription's URL carries as `?token=`, checked on top of `oidc`. */
  token?: string;
  /** Verify the OIDC token Pub/Sub signs for an authenticated push subscription. */
  oidc?: PubSubOidcConfig;
  /** `none`: run without authentication, on purpose. Unset, the input refuses to start without `oidc`. */
  auth?: 'none';
  /** Largest request body, in bytes. Default 16 MiB. */
  maxBodyBytes: number;
  /** Bytes of request bodies being read or waiting for Kafka; past it requests get 503. Default 256 MiB. */
  maxInFlightBytes: number;
  /** Default true. */
  keepOriginal: boolean;
}

/** The identity an authenticated Pub/Sub push subscription signs its requests with. */
export interface PubSubOidcConfig {
  /** The subscription's `--push-auth-token-audience` (by default, the push endpoint URL). Required. */
  audience: string;
  /** The subscription's `--push-auth-service-account`. Required. */
  serviceAccountEmail: string;
  /** Where Google's signing keys are published (JWKS). Default `https://www.googleapis.com/oauth2/v3/certs`. */
  jwksUrl: string;
}

export interface AzureEventHubsInputConfig {
  id: string;
  type: 'azure-eventhubs';
  /** `<namespace>.servicebus.windows.net:9093`. */
  brokers: string[];
  /** The event hub (Kafka topic). */
  topic: string;
  /** Event Hubs consumer group (Kafka group id). Default `$Default`. */
  consumerGroup: string;
  /** Namespace or hub connection string: SASL PLAIN with user `$ConnectionString`. */
  connectionString?: string;
  /** TLS to the brokers. Default true. */
  tls: boolean;
  /** A new consumer group starts at the oldest event. Default false. */
  fromBeginning: boolean;
  /** Default true. */
  keepOriginal: boolean;
}

export interface OktaInputConfig {
  id: string;
  type: 'okta';
  /** The org URL, `https://<org>.okta.com`. */
  url: string;
  /** API token (`Authorization: SSWS <token>`). */
  token: string;
  /** Checkpoint file. Default `.vigil/state/<id>.json`. */
  stateFile?: string;
  /** Seconds between polls once caught up. Default 60. */
  pollIntervalSeconds: number;
  /** Events per page, 1–1000. Default 1000. */
  limit: number;
  /** How far back the first poll starts, in minutes. Default 60. */
  initialLookbackMinutes: number;
  /** Default true. */
  keepOriginal: boolean;
}

export interface FileInputConfig {
  id: string;
  type: 'file';
  /** Files or directories. */
  paths: string[];
  /** `tail` follows appends and rotation; `read` reads once. Default `tail`. */
  mode: 'tail' | 'read';
  /** Line format. Default `auto`. */
  format: 'auto' | 'json' | 'syslog' | 'windows';
  /** Offsets checkpoint. Default `.vigil/state/<id>.json`. */
  stateFile?: string;
  /** Where a file seen for the first time starts. Default `beginning`. */
  startAt: 'beginning' | 'end';
  /** Milliseconds between checks for growth and rotation. Default 250. */
  pollIntervalMs: number;
  /** Longer lines are dead-lettered. Default 1 MiB. */
  maxLineBytes: number;
  /** IANA zone of syslog timestamps without one. Default `UTC`. */
  timezone: string;
  /** Default true. */
  keepOriginal: boolean;
}

export type InputConfig =
  | SyslogInputConfig
  | SplunkHecInputConfig
  | SplunkS2sInputConfig
  | RelpInputConfig
  | AwsFirehoseInputConfig
  | AwsCloudTrailInputConfig
  | GcpPubSubInputConfig
  | AzureEventHubsInputConfig
  | OktaInputConfig
  | FileInputConfig;

export interface DetectionsConfig {
  /** Files or folders of Sigma rules. Default `["rules/sigma"]`. */
  rules: string[];
  /** How alerts become incidents; absent: the builder's defaults (detections/incidents/options.ts). */
  incidents?: IncidentsConfig;
  correlation: CorrelationConfig;
}

/** `detections.correlation`: event-time lateness and the state bound of correlation windows. */
export interface CorrelationConfig {
  /** Lateness accepted behind a partition's newest event time, in seconds. Default 60. */
  allowedLatenessSeconds: number;
  /** Live groups per correlation per engine. Default 1000000. */
  maxKeysPerCorrelation: number;
  /** Seconds without events after which event time follows the wall clock (0: never). Default 60. */
  idleAdvanceSeconds: number;
}

/** `detections.incidents`: grouping, suppression and risk of the incident builder. */
export interface IncidentsConfig {
  /** Entity fields that tie alerts into one incident, in priority order. Required in the section. */
  groupBy: string[];
  /** Alerts grouped into one incident span less than this, in seconds. Default 3600. */
  windowSeconds: number;
  /** The same rule on the same entity within this many seconds updates its incident. Default 14400. */
  suppressionSeconds: number;
  /** Eviction waits this long for late alerts, in seconds. Default 300. */
  allowedLatenessSeconds: number;
  /** Incidents held in memory per builder. Default 10000. */
  maxIncidents: number;
  /** Risk weight per rule id or name. Default `{}` (the level's score). */
  weights: Record<string, number>;
}

export interface PlaybooksConfig {
  /** Files or folders of playbooks. Default `["rules/playbooks"]`. */
  paths: string[];
  /** Jobs run at once by one worker. Default 4. */
  concurrency: number;
  /** Named secrets for `${{ secrets.NAME }}`; values usually come from `${ENV}`. Default `{}`. */
  secrets: Record<string, string>;
}

export interface ElasticsearchSinkConfig {
  /** Unique across inputs and sinks; labels metrics and logs. Required. */
  id: string;
  type: 'elasticsearch';
  /** Which Vigil topics to index. Default all four: events, alerts, incidents, actions. */
  topics: Array<'events' | 'alerts' | 'incidents' | 'actions'>;
  /** Documents per bulk request. Default 500. */
  batchSize: number;
  /** Attempts for a retriable failure before it is dead-lettered. Default 8. */
  maxRetries: number;
}

export type SinkConfig = ElasticsearchSinkConfig;
