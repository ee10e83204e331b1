import { randomBytes } from 'node:crypto';
import { defaultConfig, type VigilConfig } from '../../core/config/index.js';

/** Where the services `npm test` started (or the developer's own) listen. */
export const SERVICES = {
  kafka: (process.env.VIGIL_KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
  redis: process.env.VIGIL_REDIS_URL ?? 'redis://127.0.0.1:6379',
  elasticsearch: process.env.VIGIL_ES_URL ?? 'http://127.0.0.1:9200',
};

/**
 * A complete config for one test: real services, and topic, group, queue and index names of
 * its own so that tests run in parallel and clean up after themselves. Inputs listen on
 * ephemeral ports (read them from `pipeline.ports`).
 */
export function testConfig(name: string, secrets: Record<string, string> = {}): VigilConfig {
  const id = `${name}-${Date.now().toString(36)}${randomBytes(3).toString('hex')}`.toLowerCase();
  const c = defaultConfig();
  c.kafka = { ...c.kafka, brokers: SERVICES.kafka, topicPrefix: `t.${id}.`, groupPrefix: `t-${id}`, partitions: 3 };
  c.redis = { ...c.redis, url: SERVICES.redis, prefix: `t-${id}` };
  c.elasticsearch = { ...c.elasticsearch, node: SERVICES.elasticsearch, indexPrefix: `t-${id}` };
  c.ops = { host: '127.0.0.1', port: 0 };
  const syslog = { type: 'syslog', host: '127.0.0.1', port: 0, maxMessageBytes: 65536, timezone: 'UTC', keepOriginal: true } as const;
  c.inputs = [
    { ...syslog, id: 'syslog-udp', protocol: 'udp' },
    { ...syslog, id: 'syslog-tcp', protocol: 'tcp' },
  ];
  c.detections = { rules: ['rules/sigma'] };
  c.playbooks = { paths: ['rules/playbooks'], concurrency: 4, secrets };
  c.sinks = [{ id: 'es', type: 'elasticsearch', topics: ['events', 'alerts', 'incidents', 'actions'], batchSize: 500, maxRetries: 8 }];
  return c;
}
