/**
 * The http sink on REAL Kafka, posting to a local HTTP receiver: what its route lets through
 * arrives (transformed), a 400 puts the record in the dead letter with the response body, and
 * the partition commits after both.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpSink, withHttpSinkDefaults } from '../../sinks/http/index.js';
import { startHttpReceiver, type HttpReceiver } from '../support/http-receiver.js';
import { startSinkBus, type SinkBus } from '../support/sink-bus.js';
import { waitFor as eventually } from '../support/wait.js';
import { sinkTestKafka } from '../support/config.js';

const RUN = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const kafkaConfig = sinkTestKafka('hsit', RUN);

let kafka: SinkBus;
let rx: HttpReceiver;

beforeAll(async () => {
  rx = await startHttpReceiver();
  kafka = await startSinkBus(kafkaConfig, 'hsit');
}, 120_000);

afterAll(async () => {
  await kafka?.close();
  await rx?.close();
});

describe('http sink on real Kafka', () => {
  it('posts what its route lets through, dead-letters a 400 with the body, and commits', async () => {
    rx.answerWith((r) => (r.body.includes('"n":3') ? { status: 400, body: '{"error":"n=3 is not allowed here"}' } : undefined));
    const id = `hs-${RUN}`;
    const sink = await startHttpSink({
      bus: kafka.bus,
      sink: withHttpSinkDefaults({
        id,
        url: rx.url,
        topics: ['events'],
        batchMaxEvents: 1,
        auth: { header: 'X-Api-Key', value: 'k7Hq2LmP9vX4sT8wR1zN' },
        routes: [{ name: 'auth', match: { selection: { 'event.category': 'authentication' }, condition: 'selection' }, drop: ['secret'] }],
      }),
    });
    kafka.running.push(sink);
    const docs = [1, 2, 3].map((n) => ({ n, event: { category: n === 2 ? 'network' : 'authentication' }, secret: 'x' }));
    await kafka.sendEvents(docs);

    await eventually('committed', async () => (await kafka.committed(`sink-${id}`, kafka.bus.topics.events)) === '3', 60_000);
    const accepted = rx.requests.filter((r) => !r.body.includes('"n":3'));
    expect(accepted.map((r) => JSON.parse(r.body.trim()) as unknown)).toEqual([{ n: 1, event: { category: 'authentication' } }]);
    expect(rx.requests.every((r) => r.headers['x-api-key'] === 'k7Hq2LmP9vX4sT8wR1zN')).toBe(true);
    const letter = await eventually('the dead letter', async () => kafka.letters.find((d) => d.component === id), 30_000);
    expect(letter).toMatchObject({ code: 'SINK_REJECT', reason: `${id}: HTTP 400: {"error":"n=3 is not allowed here"}` });
    expect(JSON.parse(letter.raw.data)).toEqual(docs[2]);
  }, 90_000);
});
