import kafkajs, { type Admin, type Kafka } from 'kafkajs';
import { errorMessage, VigilError } from '../errors/index.js';
import { withRetry } from '../retry/index.js';
import { logger } from '../telemetry/index.js';
import type { TopicSpec } from './topics.js';

const log = logger('bus');

const { ConfigResourceTypes, ConfigSource } = kafkajs;

/**
 * Creates the topics that are missing; on existing ones only the specs' `enforced` configs are
 * set (when they differ). Retries while Kafka is down.
 */
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
    await enforceConfigs(
      admin,
      specs.filter((s) => existing.has(s.name) && (s.enforced?.length ?? 0) > 0),
    );
    return missing.map((s) => s.name);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Sets the enforced configs of existing topics where they differ. AlterConfigs replaces all of a
 * topic's overrides, so the current ones are read and sent back along with the change.
 */
async function enforceConfigs(admin: Admin, specs: TopicSpec[]): Promise<void> {
  if (specs.length === 0) return;
  const { resources } = await admin
    .describeConfigs({ includeSynonyms: false, resources: specs.map((s) => ({ type: ConfigResourceTypes.TOPIC, name: s.name })) })
    .catch((err: unknown) => {
      const names = specs.map((s) => s.name).join(', ');
      throw new VigilError(
        'TOPIC_CONFIG',
        `cannot read the configs of topics ${names}: ${errorMessage(err)} (Vigil needs DESCRIBE_CONFIGS on its topics)`,
        {
          cause: err,
        },
      );
    });
  for (const spec of specs) {
    const found = resources.find((r) => r.resourceName === spec.name);
    if (!found || found.errorCode !== 0) {
      throw new VigilError('TOPIC_CONFIG', `cannot read the configs of topic ${spec.name}: ${found?.errorMessage ?? 'no answer'}`);
    }
    const current = new Map(found.configEntries.map((e) => [e.configName, e.configValue]));
    const wrong = (spec.enforced ?? []).filter((name) => current.get(name) !== spec.configs[name]);
    if (wrong.length === 0) continue;
    const overrides = new Map(
      found.configEntries.filter((e) => e.configSource === ConfigSource.TOPIC_CONFIG).map((e) => [e.configName, e.configValue]),
    );
    for (const name of wrong) overrides.set(name, spec.configs[name] as string);
    const wanted = wrong.map((n) => `${n}=${spec.configs[n] as string}`).join(',');
    await admin
      .alterConfigs({
        validateOnly: false,
        resources: [
          { type: ConfigResourceTypes.TOPIC, name: spec.name, configEntries: [...overrides].map(([name, value]) => ({ name, value })) },
        ],
      })
      .catch((err: unknown) => {
        throw new VigilError(
          'TOPIC_CONFIG',
          `cannot set ${wanted} on topic ${spec.name}: ${errorMessage(err)}. Vigil needs ALTER_CONFIGS on its topics, or set it yourself: ` +
            `kafka-configs.sh --alter --entity-type topics --entity-name ${spec.name} --add-config ${wanted}`,
          { cause: err },
        );
      });
    log.warn(
      { topic: spec.name, configs: Object.fromEntries(wrong.map((n) => [n, { was: current.get(n), now: spec.configs[n] }])) },
      'topic config changed to what Vigil needs',
    );
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
    // Refused credentials, a missing ACL or a TLS mismatch will not fix themselves: stop and say so.
    shouldRetry: (err) => !(err instanceof VigilError && !err.retriable) && Date.now() - started < maxWaitMs,
    onRetry: (err, attempt, delay) => log.warn({ attempt, delayMs: delay, err: String(err) }, `${what} is unreachable; retrying`),
  }).catch((err: unknown) => {
    if (err instanceof VigilError && !err.retriable) throw err;
    throw new VigilError('SERVICE_UNAVAILABLE', `${what} is unreachable after ${Math.round((Date.now() - started) / 1000)} s`, {
      cause: err,
    });
  });
}
