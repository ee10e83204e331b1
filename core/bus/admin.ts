import type { Kafka } from 'kafkajs';
import { VigilError } from '../errors/index.js';
import { withRetry } from '../retry/index.js';
import { logger } from '../telemetry/index.js';
import type { TopicSpec } from './topics.js';

const log = logger('bus');

/** Creates the topics that are missing; existing ones are left as they are. Retries while Kafka is down. */
export async function provisionTopics(kafka: Kafka, specs: TopicSpec[], brokers: string[]): Promise<string[]> {
  const admin = kafka.admin();
  try {
    await connectWithRetry(() => admin.connect(), `Kafka at ${brokers.join(',')}`);
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.name));
    if (missing.length > 0) {
      try {
        await admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((s) => ({
            topic: s.name,
            numPartitions: s.partitions,
            replicationFactor: s.replicationFactor,
            configEntries: Object.entries(s.configs).map(([name, value]) => ({ name, value })),
          })),
        });
      } catch (err) {
        // kafkajs's wait for leaders retries only LEADER_NOT_AVAILABLE; a KRaft broker may answer
        // UNKNOWN_TOPIC_OR_PARTITION for a moment after creating the topic. Wait for metadata ourselves.
        if ((err as { type?: string }).type !== 'UNKNOWN_TOPIC_OR_PARTITION') throw err;
        await withRetry(() => admin.fetchTopicMetadata({ topics: missing.map((s) => s.name) }), {
          policy: { initialMs: 100, maxMs: 1000, factor: 2, jitter: 0.2 },
          maxAttempts: 20,
        });
      }
      log.info({ topics: missing.map((s) => s.name) }, 'created topics');
    }
    return missing.map((s) => s.name);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Connects with backoff and a clear message naming the service; gives up after `maxWaitMs`.
 * Used for every first contact with Kafka so that "Kafka down at start" reads as such.
 */
export async function connectWithRetry(connect: () => Promise<void>, what: string, maxWaitMs = 120_000): Promise<void> {
  const started = Date.now();
  await withRetry(connect, {
    policy: { initialMs: 500, maxMs: 5000, factor: 2, jitter: 0.2 },
    shouldRetry: () => Date.now() - started < maxWaitMs,
    onRetry: (err, attempt, delay) => log.warn({ attempt, delayMs: delay, err: String(err) }, `${what} is unreachable; retrying`),
  }).catch((err: unknown) => {
    throw new VigilError('SERVICE_UNAVAILABLE', `${what} is unreachable after ${Math.round((Date.now() - started) / 1000)} s`, {
      cause: err,
    });
  });
}
