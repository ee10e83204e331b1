import type { Kafka } from 'kafkajs';
import type { KafkaConfig } from '../config/types.js';
import { provisionTopics } from './admin.js';
import { startConsumer, type ConsumeOptions, type ConsumerLoop } from './consumer.js';
import type { ConsumerHealth } from './consumer-state.js';
import { LagMonitor } from './lag.js';
import { createKafka } from './kafka-client.js';
import { createProducer, type BusProducer } from './producer.js';
import { readRange, type ReadRangeOptions } from './range.js';
import { readTopic } from './reader.js';
import { restorePartitions, type RestoreOptions, type RestoreResult } from './restore.js';
import { startTransactionalConsumer, type TransactionalConsumeOptions, type TransactionalLoop } from './transactional.js';
import type { InRecord } from './types.js';
import { topicSpecs, topicsFor, withMinInsyncReplicas, type TopicSpec, type Topics } from './topics.js';

/**
 * Vigil's interface over Kafka. The rest of the code never imports kafkajs: it gets topics by
 * logical name, a batching idempotent publisher, and commit-after-process consumer loops.
 */
export class Bus {
  readonly topics: Topics;
  private readonly kafka: Kafka;
  private txKafka: Kafka | null = null;
  private producerPromise: Promise<BusProducer> | null = null;
  private readonly consumers = new Set<ConsumerLoop | TransactionalLoop>();

  constructor(
    readonly config: KafkaConfig,
    private readonly role = 'main',
  ) {
    this.kafka = createKafka(config, role);
    this.topics = topicsFor(config.topicPrefix);
  }

  /** Creates missing Vigil topics (partitions, retention, compaction). */
  provision(): Promise<string[]> {
    return provisionTopics(this.kafka, withMinInsyncReplicas(topicSpecs(this.config), this.config), this.config.brokers);
  }

  producer(): Promise<BusProducer> {
    this.producerPromise ??= createProducer(this.kafka, this.config);
    return this.producerPromise;
  }

  /** `name` is prefixed with the configured group prefix. */
  async consume(name: string, opts: Omit<ConsumeOptions, 'groupId'>): Promise<ConsumerLoop> {
    const loop = await startConsumer(this.kafka, this.config, { ...opts, groupId: `${this.config.groupPrefix}-${name}` });
    this.consumers.add(loop);
    return {
      ...loop,
      stop: async () => {
        this.consumers.delete(loop);
        await loop.stop();
      },
    };
  }

  /** The full consumer group id of a loop `name` (the group prefix added). */
  groupId(name: string): string {
    return `${this.config.groupPrefix}-${name}`;
  }

  /**
   * A consume-transform-produce loop whose outputs and input offsets are committed in one Kafka
   * transaction per batch (exactly once for read-committed readers). `name` is prefixed with the
   * configured group prefix. See `startTransactionalConsumer`.
   */
  async consumeTransactional(name: string, opts: Omit<TransactionalConsumeOptions, 'groupId'>): Promise<TransactionalLoop> {
    // Transactional producers get a client of their own whose retried protocol errors (every
    // transaction start may meet CONCURRENT_TRANSACTIONS) log at debug; the loop logs real failures.
    this.txKafka ??= createKafka(this.config, `${this.role}-tx`, { quietNamespaces: ['Connection', 'Producer'] });
    const loop = await startTransactionalConsumer(this.kafka, this.txKafka, this.config, { ...opts, groupId: this.groupId(name) });
    this.consumers.add(loop);
    return {
      ...loop,
      stop: async () => {
        this.consumers.delete(loop);
        await loop.stop();
      },
    };
  }

  /** The consumer loops running now, for /health/ready and the lag gauge. */
  consumerHealth(): ConsumerHealth[] {
    return [...this.consumers];
  }

  /** Measures the lag of this bus's consumer groups every `intervalMs` (see LagMonitor); call `start()`. */
  lagMonitor(intervalMs: number): LagMonitor {
    return new LagMonitor(this.kafka, () => this.consumerHealth(), intervalMs);
  }

  /** Asks the cluster for its brokers, once, without retries: the readiness probe of Kafka. */
  async describeCluster(): Promise<{ brokers: number; controller: number | null }> {
    const admin = this.kafka.admin({ retry: { retries: 0 } });
    try {
      await admin.connect();
      const c = await admin.describeCluster();
      return { brokers: c.brokers.length, controller: c.controller };
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  /** Reads partitions of a topic from the beginning to their current end (read committed): state restore. */
  restore(topic: string, partitions: number[], opts: RestoreOptions): Promise<RestoreResult> {
    return restorePartitions(this.kafka, topic, partitions, { groupPrefix: `${this.config.groupPrefix}-restore`, ...opts });
  }

  /** Creates the given topics when missing (existing ones are left as they are); returns those created. */
  ensureTopics(specs: TopicSpec[]): Promise<string[]> {
    return provisionTopics(this.kafka, withMinInsyncReplicas(specs, this.config), this.config.brokers);
  }

  /**
   * Partition count of a topic, or null when it does not exist. With `waitMs`, a topic not (yet)
   * known is asked for again until then: on a cluster of several brokers, the one asked may not
   * have learned of a topic created a moment ago (by this process or another instance).
   */
  async partitionCount(topic: string, opts: { waitMs?: number } = {}): Promise<number | null> {
    const deadline = Date.now() + (opts.waitMs ?? 0);
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      for (;;) {
        const listed = (await admin.listTopics()).includes(topic);
        const count = !listed
          ? null
          : await admin
              .fetchTopicMetadata({ topics: [topic] })
              .then(({ topics }) => topics[0]?.partitions.length || null)
              .catch((err: unknown) => {
                if ((err as { type?: string }).type === 'UNKNOWN_TOPIC_OR_PARTITION') return null;
                throw err;
              });
        if (count !== null || Date.now() >= deadline) return count;
        await new Promise((r) => setTimeout(r, 250));
      }
    } finally {
      await admin.disconnect();
    }
  }

  /** Stops consumers first (they may still produce), then flushes and closes the producer. */
  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((c) => c.stop()));
    this.consumers.clear();
    if (this.producerPromise) {
      const p = await this.producerPromise.catch(() => null);
      await p?.close();
      this.producerPromise = null;
    }
  }

  /** Admin access for tests and tools: offsets per partition of a topic. */
  async topicOffsets(topic: string): Promise<Array<{ partition: number; high: string; low: string }>> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      return (await admin.fetchTopicOffsets(topic)).map((o) => ({ partition: o.partition, high: o.high, low: o.low }));
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * Reads a topic from the beginning (throwaway group) until `until` holds or the timeout passes.
   * Read committed unless `readUncommitted` (to see what aborted transactions left in the log).
   */
  read(topic: string, opts: Parameters<typeof readTopic>[2] = {}): Promise<InRecord[]> {
    return readTopic(this.kafka, topic, opts);
  }

  /** Reads the records of `topic` whose Kafka timestamps fall in [fromMs, toMs) (replays). */
  readRange(topic: string, opts: ReadRangeOptions): ReturnType<typeof readRange> {
    return readRange(this.kafka, topic, opts);
  }

  /** Total records ever written to a topic (sum of high watermarks minus low ones). */
  async countRecords(topic: string): Promise<number> {
    const offsets = await this.topicOffsets(topic);
    return offsets.reduce((n, o) => n + Number(BigInt(o.high) - BigInt(o.low)), 0);
  }

  /** The offsets a consumer group committed on a topic, per partition (-1 when none). */
  async committedOffsets(groupName: string, topic: string): Promise<Array<{ partition: number; offset: string }>> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const [res] = await admin.fetchOffsets({ groupId: `${this.config.groupPrefix}-${groupName}`, topics: [topic] });
      return (res?.partitions ?? []).map((p) => ({ partition: p.partition, offset: p.offset }));
    } finally {
      await admin.disconnect();
    }
  }

  async listTopics(): Promise<string[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      return await admin.listTopics();
    } finally {
      await admin.disconnect();
    }
  }

  async deleteTopics(topics: string[]): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await admin.deleteTopics({ topics });
    } finally {
      await admin.disconnect();
    }
  }
}
