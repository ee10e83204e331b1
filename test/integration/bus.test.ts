import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import kafkajs from 'kafkajs';
import { Bus, workTopicSpec, type InRecord } from '../../core/bus/index.js';
import { createKafka } from '../../core/bus/kafka-client.js';
import { cleanupTest } from '../support/cleanup.js';
import { testConfig } from '../support/config.js';
import { waitFor } from '../support/wait.js';

/** The consumer loop's delivery contract, on the real local Kafka. */
describe('core/bus on real Kafka', () => {
  const config = testConfig('bus');
  const bus = new Bus(config.kafka, 'bus-test');

  beforeAll(async () => {
    await bus.provision();
  });
  afterAll(async () => {
    await bus.close();
    await cleanupTest(config);
  });

  const produce = async (n: number, from = 0) => {
    const producer = await bus.producer();
    await producer.send(
      bus.topics.events,
      Array.from({ length: n }, (_, i) => ({ key: `k${(from + i) % 7}`, value: JSON.stringify({ n: from + i }) })),
    );
  };
  const totalHigh = async () => (await bus.topicOffsets(bus.topics.events)).reduce((s, o) => s + Number(o.high), 0);
  const totalCommitted = async (group: string) =>
    (await bus.committedOffsets(group, bus.topics.events)).reduce((s, o) => s + Math.max(0, Number(o.offset)), 0);

  it('counts a topic’s partitions, null for none, and waits for one that appears meanwhile when asked to', async () => {
    expect(await bus.partitionCount(bus.topics.events)).toBe(config.kafka.partitions);
    const late = `${config.kafka.topicPrefix}late-topic`;
    expect(await bus.partitionCount(late)).toBeNull();
    // Another instance creates it while this one waits (on a cluster: a broker that learns of it late).
    const creating = new Promise((r) => setTimeout(r, 700)).then(() =>
      bus.ensureTopics([{ name: late, partitions: 2, replicationFactor: 1, configs: {} }]),
    );
    expect(await bus.partitionCount(late, { waitMs: 30_000 })).toBe(2);
    await creating;
    expect(await bus.partitionCount(`${config.kafka.topicPrefix}never`, { waitMs: 600 })).toBeNull();
  });

  it('hands every record to the handler once, in partition order, and commits after it', async () => {
    await produce(1000);
    const seen: InRecord[] = [];
    const loop = await bus.consume('once', {
      topics: [bus.topics.events],
      component: 'test',
      handler: async (records) => {
        seen.push(...records);
      },
    });
    await waitFor('1000 records', async () => seen.length >= 1000, 60_000);
    // Give a redelivery the chance to show itself before counting.
    await new Promise((r) => setTimeout(r, 2000));
    expect(seen).toHaveLength(1000);
    expect(new Set(seen.map((r) => `${r.partition}:${r.offset}`)).size).toBe(1000);
    for (const p of new Set(seen.map((r) => r.partition))) {
      const offsets = seen.filter((r) => r.partition === p).map((r) => Number(r.offset));
      expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    }
    await waitFor('offsets committed', async () => (await totalCommitted('once')) === (await totalHigh()), 30_000);
    await loop.stop();
  });

  it('retries a failing batch on the same records and never skips them', async () => {
    const attempts = new Map<string, number>();
    const done = new Set<string>();
    let failuresLeft = 3;
    const loop = await bus.consume('retry', {
      topics: [bus.topics.events],
      component: 'test',
      handler: async (records) => {
        const first = `${records[0]!.partition}:${records[0]!.offset}`;
        attempts.set(first, (attempts.get(first) ?? 0) + 1);
        if (failuresLeft-- > 0) throw new Error('downstream unavailable');
        for (const r of records) done.add(`${r.partition}:${r.offset}`);
      },
    });
    await waitFor('all records handled after failures', async () => done.size >= (await totalHigh()), 60_000);
    expect(Math.max(...attempts.values())).toBeGreaterThan(1);
    expect(done.size).toBe(await totalHigh());
    await loop.stop();
  });

  it('resumes after a stop from the committed offsets, without losing or repeating records', async () => {
    const seen: string[] = [];
    const handler = async (records: InRecord[]) => {
      for (const r of records) seen.push(`${r.partition}:${r.offset}`);
    };
    let loop = await bus.consume('resume', { topics: [bus.topics.events], component: 'test', handler });
    await waitFor('first pass', async () => seen.length >= 1000, 60_000);
    await loop.stop();
    const before = seen.length;
    await produce(200, 1000);
    loop = await bus.consume('resume', { topics: [bus.topics.events], component: 'test', handler });
    await waitFor('second pass', async () => seen.length >= before + 200, 60_000);
    await new Promise((r) => setTimeout(r, 1500));
    await loop.stop();
    expect(seen).toHaveLength(1200);
    expect(new Set(seen).size).toBe(1200);
  });

  it('sends more than Kafka takes in one batch (uncompressed, over message.max.bytes) as several', async () => {
    const plain = new Bus({ ...config.kafka, compression: 'none' }, 'bus-test-plain');
    const topic = `${config.kafka.topicPrefix}bigsend`;
    await plain.ensureTopics([{ name: topic, partitions: 1, replicationFactor: 1, configs: {} }]);
    try {
      const producer = await plain.producer();
      // 4 MB for one partition in one call: four times the broker's default limit per batch.
      const value = 'x'.repeat(2000);
      await producer.send(
        topic,
        Array.from({ length: 2000 }, (_, i) => ({ key: 'one', value: `${i}:${value}` })),
      );
      expect(await plain.countRecords(topic)).toBe(2000);
    } finally {
      await plain.close();
    }
  });

  it('ages the records of a work topic from when they were written, also on a topic created before', async () => {
    const topic = `${config.kafka.topicPrefix}work`;
    // An older Vigil created its work topics with the defaults (CreateTime), and someone set a retention.
    await bus.ensureTopics([{ name: topic, partitions: 1, replicationFactor: 1, configs: { 'retention.ms': '7200000' } }]);
    const admin = createKafka(config.kafka, 'bus-test-admin').admin();
    await admin.connect();
    const configOf = async () => {
      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: kafkajs.ConfigResourceTypes.TOPIC, name: topic }],
      });
      return new Map(resources[0]?.configEntries.map((e) => [e.configName, e.configValue]));
    };
    try {
      expect((await configOf()).get('message.timestamp.type')).toBe('CreateTime');
      const weeksAgo = Date.now() - 14 * 86_400_000;
      const producer = await bus.producer();
      await producer.send(topic, [{ key: 'k', value: 'before', timestamp: weeksAgo }]);

      await bus.ensureTopics([workTopicSpec(topic, config.kafka, 1)]);
      const after = await configOf();
      expect(after.get('message.timestamp.type')).toBe('LogAppendTime');
      expect(after.get('retention.ms')).toBe('7200000'); // the topic's other overrides are kept
      const sentAt = Date.now();
      await producer.send(topic, [{ key: 'k', value: 'after', timestamp: weeksAgo }]);

      const records = await bus.read(topic, { idleMs: 500, timeoutMs: 20_000 });
      const at = new Map(records.map((r) => [String(r.value), r.timestamp]));
      expect(at.get('before')).toBe(weeksAgo);
      expect(at.get('after')).toBeGreaterThanOrEqual(sentAt - 1000);

      // A config the broker refuses (here a bad value; in production, a missing ALTER_CONFIGS ACL) stops with the fix spelled out.
      const bad = { ...workTopicSpec(topic, config.kafka, 1), configs: { 'message.timestamp.type': 'EventTime' } };
      await expect(bus.ensureTopics([bad])).rejects.toThrow(
        /cannot set message\.timestamp\.type=EventTime on topic .*kafka-configs\.sh --alter/,
      );
    } finally {
      await admin.disconnect();
    }
  });

  it('resets a fetch position that fell out of range without overwriting the group offset (no auto-commit)', async () => {
    const topic = `${config.kafka.topicPrefix}outofrange`;
    const groupId = `${config.kafka.groupPrefix}-outofrange`;
    await bus.ensureTopics([{ name: topic, partitions: 1, replicationFactor: 1, configs: {} }]);
    const producer = await bus.producer();
    await producer.send(
      topic,
      Array.from({ length: 100 }, (_, i) => ({ key: 'k', value: String(i) })),
    );
    const kafka = createKafka(config.kafka, 'bus-test-oor');
    const admin = kafka.admin();
    await admin.connect();
    const consumer = kafka.consumer({ groupId, readUncommitted: false });
    try {
      // The group's offset (a transactional producer's, say) is 10; retention then removed offsets below 50.
      await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '10' }] });
      await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '50' }] });
      let first: string | undefined;
      let committedThen: string | undefined;
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          if (first !== undefined) return;
          committedThen = (await admin.fetchOffsets({ groupId, topics: [topic] }))[0]?.partitions[0]?.offset;
          first = batch.messages[0]?.offset;
        },
      });
      await waitFor('the first batch after the reset', async () => first !== undefined, 30_000);
      expect(first).toBe('50');
      expect(committedThen).toBe('10');
    } finally {
      await consumer.disconnect();
      await admin.disconnect();
    }
  });
});
