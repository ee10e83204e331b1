import { CONNECTION_LIMIT_DEFAULTS } from '../ingest/net/index.js';
import { defaultConfig, type VigilConfig } from './config/schema.js';

export interface LocalConfigOptions {
  /** Kafka topics are `<topicPrefix>vigil.*`. */
  topicPrefix: string;
  /** Used for consumer groups, BullMQ keys and Elasticsearch indices. */
  namePrefix: string;
  /** Elasticsearch index prefix; default `namePrefix`. */
  indexPrefix?: string;
  /** `playbooks.secrets`. */
  secrets?: Record<string, string>;
  /** `playbooks.network.allow`: non-public hosts the playbooks may reach. Default none. */
  allowHosts?: string[];
  kafkaBrokers?: string[];
  redisUrl?: string;
  elasticsearchNode?: string;
}

/**
 * A syslog input on loopback, on a port the OS picks (`id` and `protocol` to be added). Plain
 * syslog authenticates nobody, so it says `auth: none`: acceptable on loopback only.
 */
export const LOCAL_SYSLOG = {
  type: 'syslog',
  host: '127.0.0.1',
  port: 0,
  maxMessageBytes: 65536,
  timezone: 'UTC',
  keepOriginal: true,
  parseWorkers: 1,
  auth: 'none',
  ...CONNECTION_LIMIT_DEFAULTS,
} as const;

/**
 * A complete config on local services for the demo, tests and benchmarks: every stage on,
 * syslog over UDP and TCP on ephemeral ports (see `pipeline.ports`), the bundled rules and
 * playbooks, one Elasticsearch sink, and names of its own so that runs do not collide.
 */
export function localConfig(o: LocalConfigOptions): VigilConfig {
  const c = defaultConfig();
  c.kafka = {
    ...c.kafka,
    topicPrefix: o.topicPrefix,
    groupPrefix: o.namePrefix,
    partitions: 3,
    ...(o.kafkaBrokers ? { brokers: o.kafkaBrokers } : {}),
  };
  c.redis = { ...c.redis, prefix: o.namePrefix, ...(o.redisUrl ? { url: o.redisUrl } : {}) };
  c.elasticsearch = {
    ...c.elasticsearch,
    indexPrefix: o.indexPrefix ?? o.namePrefix,
    ...(o.elasticsearchNode ? { node: o.elasticsearchNode } : {}),
  };
  c.ops = { host: '127.0.0.1', port: 0 };
  c.inputs = [
    { ...LOCAL_SYSLOG, id: 'syslog-udp', protocol: 'udp' },
    { ...LOCAL_SYSLOG, id: 'syslog-tcp', protocol: 'tcp' },
  ];
  c.detections = { ...c.detections, rules: ['rules/sigma', 'rules/correlation'] };
  c.playbooks = {
    paths: ['rules/playbooks'],
    concurrency: 4,
    dispatchConcurrency: 32,
    secrets: o.secrets ?? {},
    ...(o.allowHosts ? { network: { allow: o.allowHosts } } : {}),
  };
  c.sinks = [{ id: 'es', type: 'elasticsearch', topics: ['events', 'alerts', 'incidents', 'actions'], batchSize: 500, maxRetries: 8 }];
  return c;
}
