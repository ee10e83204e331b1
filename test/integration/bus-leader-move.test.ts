import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import kafkajs from 'kafkajs';
import { Bus } from '../../core/bus/index.js';
import { testConfig } from '../support/config.js';
import { startKafkaCluster, type KafkaCluster } from '../support/kafka-cluster.js';
import { waitFor } from '../support/wait.js';

/**
 * A send that Kafka acknowledged holds every record it carried, even when a partition's leader
 * moved, on a real 3-node cluster. The producer's metadata is stale on purpose (it learned the
 * leaders before the move): its request to the old leader is refused (NOT_LEADER_OR_FOLLOWER),
 * and the retry must carry that partition's records to the new leader, even though the new
 * leader already answered for its own partitions in the same send. A broker killed under load
 * does the same thing to a send: its partitions move to brokers that already answered.
 */
describe('core/bus producer when a partition leader moves during a send, on a 3-node cluster', () => {
  let cluster: KafkaCluster;
  let admin: kafkajs.Admin;
  let bus: Bus;
  const topic = `leader-move-${process.pid}`;

  beforeAll(async () => {
    cluster = await startKafkaCluster();
    admin = new kafkajs.Kafka({ clientId: 'leader-move-test', brokers: cluster.brokers, logLevel: kafkajs.logLevel.NOTHING }).admin();
    await admin.connect();
    // Partition 0 led by node 1, partition 1 by node 2: one send touches both brokers.
    // Not kafkajs's `waitForLeaders` (on by default): it gives up when a node answers
    // UNKNOWN_TOPIC_OR_PARTITION for a topic it has not learned of yet; the wait below retries
    // until both leaders are known.
    await admin.createTopics({
      waitForLeaders: false,
      topics: [
        {
          topic,
          replicaAssignment: [
            { partition: 0, replicas: [1, 2] },
            { partition: 1, replicas: [2, 3] },
          ],
        },
      ],
    });
    await waitFor(
      'both partitions to have their leaders',
      async () => {
        const meta = await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => undefined);
        return meta?.topics[0]?.partitions.length === 2 && meta.topics[0].partitions.every((p) => p.leader >= 1);
      },
      60_000,
      250,
    );
    bus = new Bus({ ...testConfig('leader-move').kafka, brokers: cluster.brokers }, 'leader-move-test');
  }, 300_000);
  afterAll(async () => {
    await bus?.close().catch(() => undefined);
    await admin?.disconnect().catch(() => undefined);
    await cluster?.close();
  });

  const leaders = async () =>
    Object.fromEntries((await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]!.partitions.map((p) => [p.partitionId, p.leader]));

  it('writes the moved partition’s records to its new leader before the send resolves', async () => {
    const producer = await bus.producer();
    await producer.send(topic, [
      { partition: 0, value: 'before-0' },
      { partition: 1, value: 'before-1' },
    ]);
    await waitFor(
      'partition 0 led by node 1 and partition 1 by node 2, as assigned',
      async () => JSON.stringify(await leaders()) === JSON.stringify({ 0: 1, 1: 2 }),
      30_000,
      250,
    );

    // Node 1 leaves partition 0's replicas: node 2, which leads partition 1, becomes its leader.
    await admin.alterPartitionReassignments({ topics: [{ topic, partitionAssignment: [{ partition: 0, replicas: [2, 3] }] }] });
    await waitFor(
      'partition 0 to move to node 2',
      async () => {
        const moving = await admin.listPartitionReassignments({ topics: [{ topic, partitions: [0] }] });
        return moving.topics.length === 0 && (await leaders())[0] === 2;
      },
      60_000,
      250,
    );

    await producer.send(topic, [
      { partition: 0, value: 'after-0' },
      { partition: 1, value: 'after-1' },
    ]);

    const values = (await bus.read(topic, { idleMs: 2000, timeoutMs: 30_000 })).map((r) => `${r.partition}:${r.value}`);
    expect(values.sort()).toEqual(['0:after-0', '0:before-0', '1:after-1', '1:before-1']);
  });
});
