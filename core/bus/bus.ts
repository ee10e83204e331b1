import type { Kafka } from 'kafkajs';
import type { KafkaConfig } from '../config/types.js';
import { provisionTopics } from './admin.js';
import { startConsumer, type ConsumeOptions, type ConsumerLoop } from './consumer.js';
import { createKafka } from './kafka-client.js';
import { createProducer, type BusProducer } from './producer.js';
import { readTopic } from './reader.js';
import type { InRecord } from './types.js';
import { topicSpecs, topicsFor, type Topics } from './topics.js';

/**
 * Vigil's interface over Kafka. The rest of the code never imports kafkajs: it gets topics by
 * logical name, a batching idempotent publisher, and commit-after-process consumer loops.
 */
export class Bus {
  readonly topics: Topics;
  private readonly kafka: Kafka;
  private producerPromise: Promise<BusProducer> | null = null;
  private readonly consumers = new Set<ConsumerLoop>();

  constructor(
    readonly config: KafkaConfig,
    role = 'main',
  ) {
    this.kafka = createKafka(config, role);
    this.topics = topicsFor(config.topicPrefix);
  }

  /** Creates missing Vigil topics (partitions, retention, compaction). */
  provision(): Promise<string[]> {
    return provisionTopics(this.kafka, topicSpecs(this.config), this.config.brokers);
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

  /** Reads a topic from the beginning (throwaway group) until `until` holds or the timeout passes. */
  read(topic: string, opts: Parameters<typeof readTopic>[2] = {}): Promise<InRecord[]> {
    return readTopic(this.kafka, topic, opts);
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
