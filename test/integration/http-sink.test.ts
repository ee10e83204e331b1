/**
 * The http sink on REAL Kafka, posting to a local HTTP receiver: what its route lets through
 * arrives (transformed), a 400 puts the record in the dead letter with the response body, and
 * the partition commits after both.
 */
import { randomBytes } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bus, type ConsumerLoop } from '../../core/bus/index.js';
import { createKafka } from '../../core/bus/kafka-client.js';
import type { DeadLetterDocument } from '../../core/deadletter/index.js';
import { startHttpSink, withHttpSinkDefaults } from '../../sinks/http/index.js';
import type { RunningSinkLoop } from '../../sinks/runner/index.js';
import { startHttpReceiver, type HttpReceiver } from '../support/http-receiver.js';
import { waitFor as eventually } from '../support/wait.js';
import { sinkTestKafka } from '../support/config.js';

const RUN = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const kafkaConfig = sinkTestKafka('hsit', RUN);

let bus: Bus;
let admin: ReturnType<Kafka['admin']>;
let rx: HttpReceiver;
let dlq: ConsumerLoop;
let sink: RunningSinkLoop | undefined;
const deadLetters: DeadLetterDocument[] = [];

beforeAll(async () => {
  rx = await startHttpReceiver();
  bus = new Bus(kafkaConfig, 'hsit');
  await bus.provision();
  admin = createKafka(kafkaConfig, `hsit-admin-${RUN}`, { silent: true }).admin();
  await admin.connect();
  dlq = await bus.consume('dlq', {
    topics: [bus.topics.deadletter],
    component: 'hsit-dlq',
    handler: async (records) => void records.forEach((r) => deadLetters.push(JSON.parse(r.value.toString('utf8')) as DeadLetterDocument)),
  });
}, 120_000);

afterAll(async () => {
  await sink?.close();
  await dlq?.stop().catch(() => undefined);
  await rx?.close();
  if (bus) {
    await bus.deleteTopics(Object.values(bus.topics)).catch(() => undefined);
    await bus.close();
  }
  if (admin) {
    await admin.deleteGroups([bus.groupId('dlq'), bus.groupId(`sink-hs-${RUN}`)]).catch(() => undefined);
    await admin.disconnect();
  }
});

describe('http sink on real Kafka', () => {
  it('posts what its route lets through, dead-letters a 400 with the body, and commits', async () => {
    rx.answerWith((r) => (r.body.includes('"n":3') ? { status: 400, body: '{"error":"n=3 is not allowed here"}' } : undefined));
    const id = `hs-${RUN}`;
    sink = await startHttpSink({
      bus,
      sink: withHttpSinkDefaults({
        id,
        url: rx.url,
        topics: ['events'],
        batchMaxEvents: 1,
        auth: { header: 'X-Api-Key', value: 'k7Hq2LmP9vX4sT8wR1zN' },
        routes: [{ name: 'auth', match: { selection: { 'event.category': 'authentication' }, condition: 'selection' }, drop: ['secret'] }],
      }),
    });
    const docs = [1, 2, 3].map((n) => ({ n, event: { category: n === 2 ? 'network' : 'authentication' }, secret: 'x' }));
    await (
      await bus.producer()
    ).send(
      bus.topics.events,
      docs.map((d) => ({ value: JSON.stringify(d) })),
    );

    await eventually(
      'committed',
      async () => {
        const [res] = await admin.fetchOffsets({ groupId: bus.groupId(`sink-${id}`), topics: [bus.topics.events] });
        return res?.partitions[0]?.offset === '3';
      },
      60_000,
    );
    const accepted = rx.requests.filter((r) => !r.body.includes('"n":3'));
    expect(accepted.map((r) => JSON.parse(r.body.trim()) as unknown)).toEqual([{ n: 1, event: { category: 'authentication' } }]);
    expect(rx.requests.every((r) => r.headers['x-api-key'] === 'k7Hq2LmP9vX4sT8wR1zN')).toBe(true);
    const letter = await eventually('the dead letter', async () => deadLetters.find((d) => d.component === id), 30_000);
    expect(letter).toMatchObject({ code: 'SINK_REJECT', reason: `${id}: HTTP 400: {"error":"n=3 is not allowed here"}` });
    expect(JSON.parse(letter.raw.data)).toEqual(docs[2]);
  }, 90_000);
});
