import { randomBytes } from 'node:crypto';
import type { VigilConfig } from '../../cli/config/schema.js';
import { localConfig } from '../../cli/local-config.js';
import type { KafkaConfig } from '../../core/config/types.js';

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
  return localConfig({
    topicPrefix: `t.${id}.`,
    namePrefix: `t-${id}`,
    secrets,
    // The tests' webhooks and stand-ins listen on loopback.
    allowHosts: ['127.0.0.1'],
    kafkaBrokers: SERVICES.kafka,
    redisUrl: SERVICES.redis,
    elasticsearchNode: SERVICES.elasticsearch,
  });
}

/**
 * Kafka settings of one sink test: the local broker, names of its own (`<tag>-<run>.` topics,
 * `<tag>-<run>` groups), `partitions` partitions, no compression.
 */
export function sinkTestKafka(tag: string, run: string, partitions = 1): KafkaConfig {
  return {
    brokers: SERVICES.kafka.map((b) => b.trim()),
    clientId: `${tag}-${run}`,
    topicPrefix: `${tag}-${run}.`,
    groupPrefix: `${tag}-${run}`,
    partitions,
    replicationFactor: 1,
    eventsRetentionHours: 1,
    compression: 'none',
    gzipLevel: 1,
    maxRecordBytes: 1_000_000,
  };
}
