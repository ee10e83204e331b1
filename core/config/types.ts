/**
 * The validated shape of `vigil.yaml`. Defaults are applied by the loader, so every field
 * here that has a default is present after loading. `vigil.example.yaml` documents each one.
 * The schemas (`schema.ts`, and each section's beside its owner's code, which `schema.ts` names)
 * hold the checks and descriptions; a compile-time assertion beside each fails when it and these
 * interfaces disagree.
 *
 * Inputs and sinks are typed by their own schemas, beside their code (`ingest/inputs/<type>/config.ts`,
 * `sinks/<type>/config.ts`); core knows only their `id` and `type`. `cli/config/schema.ts` names the
 * whole: `VigilConfig<InputConfig, SinkConfig>`.
 */
export interface VigilConfig<
  I extends ComponentConfig = ComponentConfig,
  S extends ComponentConfig = ComponentConfig,
  X = unknown,
  E = unknown,
> {
  kafka: KafkaConfig;
  redis: RedisConfig;
  elasticsearch: ElasticsearchConfig;
  ops: OpsConfig;
  /** The responder API; absent: not served. */
  api?: ApiConfig;
  inputs: I[];
  detections: DetectionsConfig;
  playbooks: PlaybooksConfig;
  /** Threat-intelligence feeds (`intel/config.ts`); absent: none. */
  intel?: X;
  /** Enrichment at ingest from local databases (`ingest/enrich/config.ts`). */
  enrich: E;
  sinks: S[];
}

/** What every input and sink config has. */
export interface ComponentConfig {
  /** Unique across inputs and sinks; labels metrics and logs. */
  id: string;
  /** Its YAML `type`, the key of its registry entry. */
  type: string;
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
  /** `min.insync.replicas` of topics Vigil creates; unset leaves the broker default. */
  minInsyncReplicas?: number;
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

/** `api`: the responder API served by `vigil run` (schema in `api.ts`). */
export interface ApiConfig {
  /** Serve the API. Default false. */
  enabled: boolean;
  /** Listen address; off loopback, tokens are required. Default `127.0.0.1`. */
  host: string;
  /** Default 8474; 0 picks a free port. */
  port: number;
  /** Base URL of the console for links in incident documents (`vigil.links.console`). */
  publicUrl?: string;
  /** Largest request body, in bytes (413 beyond). Default 65536. */
  maxBodyBytes: number;
  /** HTTPS instead of HTTP. */
  tls?: { certFile: string; keyFile: string };
  /** Callers, by the SHA-256 of their bearer token. Default `[]`. */
  tokens: ApiTokenConfig[];
}

export interface ApiTokenConfig {
  /** Who holds it: the actor in the audit trail. */
  name: string;
  role: 'viewer' | 'analyst' | 'responder' | 'admin';
  /** SHA-256 of the token, hex (colons allowed). */
  sha256: string;
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

export interface DetectionsConfig {
  /** Files or folders of Sigma rules. Default `["rules/sigma"]`. */
  rules: string[];
  /** Field-mapping pipeline: a name in `rules/pipelines/` or a path. Default `ecs`. */
  pipeline: string;
  /** Sigma placeholder values by name. Default `{}`. */
  placeholders: Record<string, string[]>;
  /** Sigma placeholder values by name, from files of one value a line. Default `{}`. */
  placeholderFiles: Record<string, string>;
  /** Run rules whose status is `deprecated` or `unsupported` too. Default false. */
  includeDeprecated: boolean;
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
  /** Incidents of different ids dispatched at once by one respond worker; one incident's versions in order. Default 32. */
  dispatchConcurrency: number;
  /** Named secrets for `${{ secrets.NAME }}`; values usually come from `${ENV}`. Default `{}`. */
  secrets: Record<string, string>;
  /** Rate limits per action name, replacing the actions' own; shared by every worker. Default: the actions' own. */
  rateLimits?: Record<string, ActionRateLimitConfig>;
  /** Where actions may connect beyond public addresses. Default: public addresses only. */
  network?: PlaybooksNetworkConfig;
}

/** `playbooks.network`. */
export interface PlaybooksNetworkConfig {
  /** Non-public host names, addresses and networks every playbook may reach. Default `[]`. */
  allow: string[];
}

/** One action's rate limit: one of the two. */
export interface ActionRateLimitConfig {
  perSecond?: number;
  perMinute?: number;
}
