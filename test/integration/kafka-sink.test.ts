/**
 * The kafka sink on REAL Kafka (`vigil up`, or VIGIL_KAFKA_BROKERS): records a route lets through
 * arrive in the target topic keyed by the configured field; one larger than the target topic's
 * max.message.bytes is dead-lettered with Kafka's refusal, and the partition commits instead of
 * retrying it for ever. Own topics and groups per run, deleted afterwards.
 */
import { randomBytes } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bus, type ConsumerLoop, type InRecord } from '../../core/bus/index.js';
import { createKafka } from '../../core/bus/kafka-client.js';
import type { DeadLetterDocument } from '../../core/deadletter/index.js';
import { startKafkaSink, withKafkaSinkDefaults } from '../../sinks/kafka/index.js';
import type { RunningSinkLoop } from '../../sinks/runner/index.js';
import { waitFor as eventually } from '../support/wait.js';
import { sinkTestKafka } from '../support/config.js';

const RUN = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const kafkaConfig = sinkTestKafka('ksit', RUN);
const OUT = `ksit-${RUN}.out.fw`;
const SMALL = `ksit-${RUN}.small`;

let bus: Bus;
let admin: ReturnType<Kafka['admin']>;
const loops: ConsumerLoop[] = [];
const sinks: RunningSinkLoop[] = [];
const received = new Map<string, InRecord[]>();
const deadLetters: DeadLetterDocument[] = [];

async function read(name: string, topic: string, into: (r: InRecord) => void): Promise<void> {
  loops.push(
    await bus.consume(name, {
      topics: [topic],
      component: `ksit-${name}`,
      handler: async (records) => records.forEach(into),
    }),
  );
}

async function committed(group: string, topic: string): Promise<string> {
  const [res] = await admin.fetchOffsets({ groupId: bus.groupId(group), topics: [topic] });
  return res?.partitions.find((p) => p.partition === 0)?.offset ?? '-1';
}

beforeAll(async () => {
  bus = new Bus(kafkaConfig, 'ksit');
  await bus.provision();
  admin = createKafka(kafkaConfig, `ksit-admin-${RUN}`, { silent: true }).admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      { topic: OUT, numPartitions: 3 },
      { topic: SMALL, numPartitions: 1, configEntries: [{ name: 'max.message.bytes', value: '2048' }] },
    ],
  });
  for (const t of [OUT, SMALL]) await read(`reader-${t}`, t, (r) => received.set(t, [...(received.get(t) ?? []), r]));
  await read('dlq', bus.topics.deadletter, (r) => void deadLetters.push(JSON.parse(r.value.toString('utf8')) as DeadLetterDocument));
}, 120_000);

afterAll(async () => {
  await Promise.allSettled(sinks.map((s) => s.close()));
  await Promise.allSettled(loops.map((l) => l.stop()));
  if (bus) {
    await bus.deleteTopics([...Object.values(bus.topics), OUT, SMALL]).catch(() => undefined);
    await bus.close();
  }
  if (admin) {
    const groups = await admin.listGroups().catch(() => ({ groups: [] }));
    await admin.deleteGroups(groups.groups.map((g) => g.groupId).filter((g) => g.startsWith(`ksit-${RUN}`))).catch(() => undefined);
    await admin.disconnect();
  }
});

describe('kafka sink on real Kafka', () => {
  it('sends what its route lets through to the templated topic, keyed by the configured field', async () => {
    sinks.push(
      await startKafkaSink({
        bus,
        sink: withKafkaSinkDefaults({
          id: `ks-${RUN}-route`,
          topics: ['events'],
          topic: `ksit-${RUN}.out.{route}`,
          key: 'host.name',
          routes: [{ name: 'fw', match: { selection: { 'event.dataset': 'firewall' }, condition: 'selection' } }],
        }),
      }),
    );
    const events = [
      { n: 1, event: { dataset: 'firewall' }, host: { name: 'gw-a' } },
      { n: 2, event: { dataset: 'dns' }, host: { name: 'dns-1' } },
      { n: 3, event: { dataset: 'firewall' }, host: { name: 'gw-b' } },
      { n: 4, event: { dataset: 'firewall' } },
    ];
    await (
      await bus.producer()
    ).send(
      bus.topics.events,
      events.map((e) => ({ key: 'source-key', value: JSON.stringify(e) })),
    );
    const out = await eventually(
      'three records in the target',
      async () => ((received.get(OUT)?.length ?? 0) >= 3 ? received.get(OUT) : undefined),
      60_000,
    );
    const got = out
      .map((r) => [r.key, (JSON.parse(r.value.toString('utf8')) as { n: number }).n])
      .sort((a, b) => Number(a[1]) - Number(b[1]));
    // n=2 is not a firewall event (unrouted); n=4 has no host.name and keeps its own key.
    expect(got).toEqual([
      ['gw-a', 1],
      ['gw-b', 3],
      ['source-key', 4],
    ]);
    // Keyed: gw-a goes where the default partitioner puts gw-a, every time.
    expect(new Set(out.filter((r) => r.key === 'gw-a').map((r) => r.partition)).size).toBe(1);
  }, 90_000);

  it("dead-letters a record over the target topic's max.message.bytes with Kafka's reason, and commits", async () => {
    const id = `ks-${RUN}-small`;
    sinks.push(
      await startKafkaSink({
        bus,
        sink: withKafkaSinkDefaults({ id, topics: ['alerts'], topic: SMALL, compression: 'none', maxRetries: 2 }),
      }),
    );
    const big = { n: 'big', blob: randomBytes(3000).toString('hex') };
    await (
      await bus.producer()
    ).send(bus.topics.alerts, [
      { value: JSON.stringify({ n: 'small' }) },
      { value: JSON.stringify(big) },
      { value: JSON.stringify({ n: 'after' }) },
    ]);
    await eventually('committed past all three', async () => (await committed(`sink-${id}`, bus.topics.alerts)) === '3', 60_000);
    const letter = await eventually('the dead letter', async () => deadLetters.find((d) => d.component === id), 30_000);
    expect(letter.code).toBe('SINK_REJECT');
    expect(letter.reason).toMatch(
      new RegExp(`^${id}: RECORD_TOO_LARGE: \\d+ bytes for topic ${SMALL}: Kafka refused it: .*larger than the max message size`),
    );
    expect(JSON.parse(letter.raw.data)).toEqual(big);
    const values = (received.get(SMALL) ?? []).map((r) => (JSON.parse(r.value.toString('utf8')) as { n: string }).n);
    expect(values.sort()).toEqual(['after', 'small']);
    expect(deadLetters.filter((d) => d.component === id)).toHaveLength(1);
  }, 90_000);

  it('refuses to start, naming the sink, when its fixed topic does not exist on the target', async () => {
    await expect(
      startKafkaSink({ bus, sink: withKafkaSinkDefaults({ id: `ks-${RUN}-missing`, topic: `ksit-${RUN}.nope` }) }),
    ).rejects.toThrow(new RegExp(`kafka sink ks-${RUN}-missing: topic ksit-${RUN}.nope does not exist`));
  }, 60_000);
});
