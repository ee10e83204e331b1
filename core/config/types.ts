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
}

export interface RedisConfig {
  /** `redis://host:port/db`. Default `redis://127.0.0.1:6379`. */
  url: string;
  /** Key prefix for BullMQ queues. Default `vigil`. */
  prefix: string;
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
}

export interface OpsConfig {
  /** Address of `/metrics` and `/health`. Default `127.0.0.1`. */
  host: string;
  /** Default 9464; 0 picks a free port. */
  port: number;
}

export interface SyslogInputConfig {
  /** Unique across inputs and sinks; labels metrics and logs. Required. */
  id: string;
  type: 'syslog';
  /** `udp` or `tcp`. */
  protocol: 'udp' | 'tcp';
  /** Default `127.0.0.1`. */
  host: string;
  /** Required; 0 picks a free port. */
  port: number;
  /** Larger messages are dead-lettered. Default 65536. */
  maxMessageBytes: number;
  /** IANA zone for RFC 3164 timestamps, which carry none. Default `UTC`. */
  timezone: string;
  /** Keep the raw line in `event.original`. Default true. */
  keepOriginal: boolean;
}

export type InputConfig = SyslogInputConfig;

export interface DetectionsConfig {
  /** Files or folders of Sigma rules. Default `["rules/sigma"]`. */
  rules: string[];
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
