/**
 * The kafka sink on REAL Kafka (`vigil up`, or VIGIL_KAFKA_BROKERS): records a route lets through
 * arrive in the target topic keyed by the configured field; one larger than the target topic's
 * max.message.bytes is dead-lettered with Kafka's refusal, and the partition commits instead of
 * retrying it for ever. Own topics and groups per run, deleted afterwards.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InRecord } from '../../core/bus/index.js';
import { startKafkaSink, withKafkaSinkDefaults } from '../../sinks/kafka/index.js';
import { startSinkBus, type SinkBus } from '../support/sink-bus.js';
import { waitFor as eventually } from '../support/wait.js';
import { sinkTestKafka } from '../support/config.js';

const RUN = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const kafkaConfig = sinkTestKafka('ksit', RUN);
// Under the run's topic prefix, so that closing the sink bus deletes them too.
const OUT = `ksit-${RUN}.out.fw`;
const SMALL = `ksit-${RUN}.small`;

let kafka: SinkBus;
const received = new Map<string, InRecord[]>();

beforeAll(async () => {
  kafka = await startSinkBus(kafkaConfig, 'ksit');
  await kafka.bus.ensureTopics([
    { name: OUT, partitions: 3, replicationFactor: 1, configs: {} },
    { name: SMALL, partitions: 1, replicationFactor: 1, configs: { 'max.message.bytes': '2048' } },
  ]);
  for (const t of [OUT, SMALL]) await kafka.read(t, (r) => received.set(t, [...(received.get(t) ?? []), r]));
}, 120_000);

afterAll(async () => {
  await kafka?.close();
});

describe('kafka sink on real Kafka', () => {
  it('sends what its route lets through to the templated topic, keyed by the configured field', async () => {
    kafka.running.push(
      await startKafkaSink({
        bus: kafka.bus,
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
      await kafka.bus.producer()
    ).send(
      kafka.bus.topics.events,
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
    kafka.running.push(
      await startKafkaSink({
        bus: kafka.bus,
        sink: withKafkaSinkDefaults({ id, topics: ['alerts'], topic: SMALL, compression: 'none', maxRetries: 2 }),
      }),
    );
    const big = { n: 'big', blob: randomBytes(3000).toString('hex') };
    await (
      await kafka.bus.producer()
    ).send(kafka.bus.topics.alerts, [
      { value: JSON.stringify({ n: 'small' }) },
      { value: JSON.stringify(big) },
      { value: JSON.stringify({ n: 'after' }) },
    ]);
    await eventually(
      'committed past all three',
      async () => (await kafka.committed(`sink-${id}`, kafka.bus.topics.alerts)) === '3',
      60_000,
    );
    const letter = await eventually('the dead letter', async () => kafka.letters.find((d) => d.component === id), 30_000);
    expect(letter.code).toBe('SINK_REJECT');
    expect(letter.reason).toMatch(
      new RegExp(`^${id}: RECORD_TOO_LARGE: \\d+ bytes for topic ${SMALL}: Kafka refused it: .*larger than the max message size`),
    );
    expect(JSON.parse(letter.raw.data)).toEqual(big);
    const values = (received.get(SMALL) ?? []).map((r) => (JSON.parse(r.value.toString('utf8')) as { n: string }).n);
    expect(values.sort()).toEqual(['after', 'small']);
    expect(kafka.letters.filter((d) => d.component === id)).toHaveLength(1);
  }, 90_000);

  it('refuses to start, naming the sink, when its fixed topic does not exist on the target', async () => {
    await expect(
      startKafkaSink({ bus: kafka.bus, sink: withKafkaSinkDefaults({ id: `ks-${RUN}-missing`, topic: `ksit-${RUN}.nope` }) }),
    ).rejects.toThrow(new RegExp(`kafka sink ks-${RUN}-missing: topic ksit-${RUN}.nope does not exist`));
  }, 60_000);
});
