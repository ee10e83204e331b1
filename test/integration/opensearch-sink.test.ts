/**
 * The opensearch sink against a REAL OpenSearch node (test/support/opensearch.ts starts a private
 * one) and REAL Kafka: documents are indexed under their ids, so a record read twice is one
 * document; a mapping conflict goes to the dead letter with OpenSearch's reason; routes apply.
 * Skips, saying why, only when OpenSearch cannot be installed here (no java/mvn/unzip).
 */
import { randomBytes } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bus, type ConsumerLoop } from '../../core/bus/index.js';
import { createKafka } from '../../core/bus/kafka-client.js';
import type { DeadLetterDocument } from '../../core/deadletter/index.js';
import { startOpenSearchSink, withOpenSearchSinkDefaults } from '../../sinks/opensearch/index.js';
import type { RunningSinkLoop } from '../../sinks/runner/index.js';
import { startOpenSearch, type OpenSearchNode } from '../support/opensearch.js';
import { waitFor as eventually } from '../support/wait.js';
import { sinkTestKafka } from '../support/config.js';

const RUN = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const kafkaConfig = sinkTestKafka('osit', RUN);
const PREFIX = `osit-${RUN}`;

const started = await startOpenSearch();
if (!started.ok) console.warn(`opensearch sink test skipped: ${started.reason}`);
let node: OpenSearchNode;
let bus: Bus;
let admin: ReturnType<Kafka['admin']>;
let dlq: ConsumerLoop;
let sink: RunningSinkLoop | undefined;
const deadLetters: DeadLetterDocument[] = [];

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
    bus = new Bus(kafkaConfig, 'osit');
    await bus.provision();
    admin = createKafka(kafkaConfig, `osit-admin-${RUN}`, { silent: true }).admin();
    await admin.connect();
    dlq = await bus.consume('dlq', {
      topics: [bus.topics.deadletter],
      component: 'osit-dlq',
      handler: async (records) => void records.forEach((r) => deadLetters.push(JSON.parse(r.value.toString('utf8')) as DeadLetterDocument)),
    });
    // The alerts index says `count` is a number: a record where it is text conflicts with the mapping.
    await os('PUT', `/${PREFIX}-alerts`, { mappings: { properties: { count: { type: 'long' } } } });
  }, 240_000);

  afterAll(async () => {
    await sink?.close();
    await dlq?.stop().catch(() => undefined);
    if (bus) {
      await bus.deleteTopics(Object.values(bus.topics)).catch(() => undefined);
      await bus.close();
    }
    if (admin) {
      await admin.deleteGroups([bus.groupId('dlq'), bus.groupId(`sink-os-${RUN}`)]).catch(() => undefined);
      await admin.disconnect();
    }
    await node?.stop();
  }, 60_000);

  it('indexes by id (a record read twice is one document), dead-letters a mapping conflict with the reason, applies routes', async () => {
    const id = `os-${RUN}`;
    sink = await startOpenSearchSink({
      bus,
      sink: withOpenSearchSinkDefaults({
        id,
        node: node.url,
        indexPrefix: PREFIX,
        topics: ['events', 'alerts'],
        routes: [{ name: 'all', drop: ['user.password'] }],
      }),
    });
    const producer = await bus.producer();
    const e1 = { vigil: { id: 'ev-1' }, n: 1, user: { name: 'ann', password: 'hunter2' } };
    const e2 = { vigil: { id: 'ev-2' }, n: 2 };
    // ev-1 twice: a replayed or re-read record.
    await producer.send(
      bus.topics.events,
      [e1, e2, e1].map((d) => ({ value: JSON.stringify(d) })),
    );
    const good = { vigil: { id: 'al-1' }, count: 5 };
    const conflict = { vigil: { id: 'al-2' }, count: 'many' };
    await producer.send(
      bus.topics.alerts,
      [good, conflict].map((d) => ({ value: JSON.stringify(d) })),
    );

    const committed = async (topic: string) => {
      const [res] = await admin.fetchOffsets({ groupId: bus.groupId(`sink-${id}`), topics: [topic] });
      return res?.partitions[0]?.offset;
    };
    await eventually(
      'both topics committed',
      async () => (await committed(bus.topics.events)) === '3' && (await committed(bus.topics.alerts)) === '2',
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
    const letter = await eventually('the dead letter', async () => deadLetters.find((d) => d.component === id), 30_000);
    expect(letter.code).toBe('SINK_REJECT');
    expect(letter.reason).toMatch(
      new RegExp(`^${id}: HTTP 400 mapper_parsing_exception: failed to parse field \\[count\\] of type \\[long\\]`),
    );
    expect(JSON.parse(letter.raw.data)).toEqual(conflict);
    expect(deadLetters.filter((d) => d.component === id)).toHaveLength(1);
  }, 180_000);

  it('refuses to start, naming the sink, when the node is unreachable', async () => {
    await expect(
      startOpenSearchSink({ bus, sink: withOpenSearchSinkDefaults({ id: `os-${RUN}-down`, node: 'http://127.0.0.1:1' }) }),
    ).rejects.toThrow(new RegExp(`opensearch sink os-${RUN}-down: http://127.0.0.1:1 is unreachable`));
  });
});
