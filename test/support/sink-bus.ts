/**
 * The Kafka side of a sink's integration test: the bus with its topics provisioned, the offsets
 * its sinks committed, and a reader of the dead-letter topic; closing it stops the sinks and
 * readers the test started and deletes every topic under the run's topic prefix and every
 * consumer group under its group prefix.
 */
import { Bus, type ConsumerLoop, type InRecord } from '../../core/bus/index.js';
import type { KafkaConfig } from '../../core/config/types.js';
import { createKafka } from '../../core/bus/kafka-client.js';
import type { DeadLetterDocument } from '../../core/deadletter/index.js';
import type { RunningSinkLoop } from '../../sinks/runner/index.js';

const DLQ_GROUP = 'dlq';

export interface SinkBus {
  bus: Bus;
  /** Every dead letter read so far. */
  letters: DeadLetterDocument[];
  /** Sinks the test started: closed by `close()`. */
  running: RunningSinkLoop[];
  /** Sends each document, as JSON, to the events topic. */
  sendEvents(docs: unknown[]): Promise<void>;
  /** The offset consumer group `group` (without the group prefix) committed on `topic`'s partition 0. */
  committed(group: string, topic: string): Promise<string | undefined>;
  /** True when `group` committed every non-empty partition of `topic` up to its high watermark. */
  caughtUp(group: string, topic: string): Promise<boolean>;
  /** Hands every record of `topic` (from its start) to `onRecord`, until `close()`. */
  read(topic: string, onRecord: (record: InRecord) => void): Promise<void>;
  close(): Promise<void>;
}

/** `tag` names the bus's clients and the dead-letter reader's component. */
export async function startSinkBus(kafkaConfig: KafkaConfig, tag: string): Promise<SinkBus> {
  const bus = new Bus(kafkaConfig, tag);
  const admin = createKafka(kafkaConfig, `${kafkaConfig.clientId}-admin`, { silent: true }).admin();
  const letters: DeadLetterDocument[] = [];
  let dlq: ConsumerLoop;
  try {
    await bus.provision();
    await admin.connect();
    dlq = await bus.consume(DLQ_GROUP, {
      topics: [bus.topics.deadletter],
      component: `${tag}-dlq`,
      handler: async (records: InRecord[]) => {
        for (const r of records) letters.push(JSON.parse(r.value.toString('utf8')) as DeadLetterDocument);
      },
    });
  } catch (err) {
    await bus.deleteTopics(Object.values(bus.topics)).catch(() => undefined);
    await bus.close().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
    throw err;
  }
  const running: RunningSinkLoop[] = [];
  const readers: ConsumerLoop[] = [];
  let readerCount = 0;
  return {
    bus,
    letters,
    running,
    sendEvents: async (docs) => {
      const producer = await bus.producer();
      await producer.send(
        bus.topics.events,
        docs.map((d) => ({ key: 'k', value: JSON.stringify(d) })),
      );
    },
    committed: async (group, topic) => {
      const [res] = await admin.fetchOffsets({ groupId: `${kafkaConfig.groupPrefix}-${group}`, topics: [topic] });
      return res?.partitions.find((p) => p.partition === 0)?.offset;
    },
    caughtUp: async (group, topic) => {
      const [committed, ends] = await Promise.all([bus.committedOffsets(group, topic), bus.topicOffsets(topic)]);
      const at = new Map(committed.map((c) => [c.partition, c.offset]));
      return ends.every((e) => e.high === '0' || at.get(e.partition) === e.high);
    },
    read: async (topic, onRecord) => {
      const name = `read-${readerCount++}`;
      readers.push(
        await bus.consume(name, {
          topics: [topic],
          component: `${tag}-${name}`,
          handler: async (records: InRecord[]) => records.forEach(onRecord),
        }),
      );
    },
    close: async () => {
      await Promise.allSettled(running.map((r) => r.close()));
      await Promise.allSettled([dlq, ...readers].map((l) => l.stop()));
      await bus.close();
      // Every topic of the run, the sinks' stats topic too; once the bus's producers are gone, so
      // that no metadata request of theirs creates one again.
      const own = (await admin.listTopics().catch(() => [] as string[])).filter((t) => t.startsWith(kafkaConfig.topicPrefix));
      if (own.length > 0) await admin.deleteTopics({ topics: own }).catch(() => undefined);
      // Every group under the run's prefix, those of sinks the test started and closed itself too.
      const { groups } = await admin.listGroups().catch(() => ({ groups: [] as Array<{ groupId: string }> }));
      const ownGroups = groups.map((g) => g.groupId).filter((g) => g.startsWith(`${kafkaConfig.groupPrefix}-`));
      if (ownGroups.length > 0) await admin.deleteGroups(ownGroups).catch(() => undefined);
      await admin.disconnect();
    },
  };
}
