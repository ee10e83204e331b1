/**
 * The opensearch sink against a REAL OpenSearch node (test/support/opensearch.ts starts a private
 * one) and REAL Kafka: documents are indexed under their ids, so a record read twice is one
 * document; a mapping conflict goes to the dead letter with OpenSearch's reason; routes apply.
 * Skips, saying why, only when OpenSearch cannot be installed here (no java/mvn/unzip).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenSearchSink, withOpenSearchSinkDefaults } from '../../sinks/opensearch/index.js';
import { startOpenSearch, type OpenSearchNode } from '../support/opensearch.js';
import { startSinkBus, type SinkBus } from '../support/sink-bus.js';
import { waitFor as eventually } from '../support/wait.js';
import { sinkTestKafka } from '../support/config.js';

const RUN = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const kafkaConfig = sinkTestKafka('osit', RUN);
const PREFIX = `osit-${RUN}`;

const started = await startOpenSearch();
if (!started.ok) console.warn(`opensearch sink test skipped: ${started.reason}`);
let node: OpenSearchNode;
let kafka: SinkBus;

async function os<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${node.url}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return (await res.json()) as T;
}

describe.skipIf(!started.ok)('opensearch sink on real OpenSearch and Kafka', () => {
  beforeAll(async () => {
    if (!started.ok) return;
    node = started.node;
    console.info(`OpenSearch ready in ${node.startMs} ms at ${node.url}`);
    kafka = await startSinkBus(kafkaConfig, 'osit');
    // The alerts index says `count` is a number: a record where it is text conflicts with the mapping.
    await os('PUT', `/${PREFIX}-alerts`, { mappings: { properties: { count: { type: 'long' } } } });
  }, 240_000);

  afterAll(async () => {
    await kafka?.close();
    await node?.stop();
  }, 60_000);

  it('indexes by id (a record read twice is one document), dead-letters a mapping conflict with the reason, applies routes', async () => {
    const id = `os-${RUN}`;
    kafka.running.push(
      await startOpenSearchSink({
        bus: kafka.bus,
        sink: withOpenSearchSinkDefaults({
          id,
          node: node.url,
          indexPrefix: PREFIX,
          topics: ['events', 'alerts'],
          routes: [{ name: 'all', drop: ['user.password'] }],
        }),
      }),
    );
    const producer = await kafka.bus.producer();
    const e1 = { vigil: { id: 'ev-1' }, n: 1, user: { name: 'ann', password: 'hunter2' } };
    const e2 = { vigil: { id: 'ev-2' }, n: 2 };
    // ev-1 twice: a replayed or re-read record.
    await producer.send(
      kafka.bus.topics.events,
      [e1, e2, e1].map((d) => ({ value: JSON.stringify(d) })),
    );
    const good = { vigil: { id: 'al-1' }, count: 5 };
    const conflict = { vigil: { id: 'al-2' }, count: 'many' };
    await producer.send(
      kafka.bus.topics.alerts,
      [good, conflict].map((d) => ({ value: JSON.stringify(d) })),
    );

    const committed = (topic: string) => kafka.committed(`sink-${id}`, topic);
    await eventually(
      'both topics committed',
      async () => (await committed(kafka.bus.topics.events)) === '3' && (await committed(kafka.bus.topics.alerts)) === '2',
      90_000,
    );
    await os('POST', `/${PREFIX}-*/_refresh`);

    const events = await os<{ hits: { total: { value: number }; hits: Array<{ _id: string; _source: Record<string, unknown> }> } }>(
      'GET',
      `/${PREFIX}-events/_search?sort=n:asc`,
    );
    expect(events.hits.total.value).toBe(2);
    expect(events.hits.hits.map((h) => h._id)).toEqual(['ev-1', 'ev-2']);
    expect(events.hits.hits[0]?._source).toEqual({ vigil: { id: 'ev-1' }, n: 1, user: { name: 'ann' } });

    const alerts = await os<{ hits: { hits: Array<{ _id: string }> } }>('GET', `/${PREFIX}-alerts/_search`);
    expect(alerts.hits.hits.map((h) => h._id)).toEqual(['al-1']);
    const letter = await eventually('the dead letter', async () => kafka.letters.find((d) => d.component === id), 30_000);
    expect(letter.code).toBe('SINK_REJECT');
    expect(letter.reason).toMatch(
      new RegExp(`^${id}: HTTP 400 mapper_parsing_exception: failed to parse field \\[count\\] of type \\[long\\]`),
    );
    expect(JSON.parse(letter.raw.data)).toEqual(conflict);
    expect(kafka.letters.filter((d) => d.component === id)).toHaveLength(1);
  }, 180_000);

  it('refuses to start, naming the sink, when the node is unreachable', async () => {
    await expect(
      startOpenSearchSink({ bus: kafka.bus, sink: withOpenSearchSinkDefaults({ id: `os-${RUN}-down`, node: 'http://127.0.0.1:1' }) }),
    ).rejects.toThrow(new RegExp(`opensearch sink os-${RUN}-down: http://127.0.0.1:1 is unreachable`));
  });
});
