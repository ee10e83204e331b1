/**
 * The sink runner on REAL Kafka (`vigil up`, or VIGIL_KAFKA_BROKERS): commit only after delivery,
 * a refused record in the dead letter with the sink's reason, and one stalled sink that does not
 * stall another. Own topics and groups per run, deleted afterwards.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSinkRunner, type DeliverFn, type Outgoing, type RunningSinkLoop } from '../../sinks/runner/index.js';
import { startSinkBus, type SinkBus } from '../support/sink-bus.js';
import { waitFor as eventually } from '../support/wait.js';
import { sinkTestKafka } from '../support/config.js';

const RUN = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const kafkaConfig = sinkTestKafka('srit', RUN);
const FAST = { initialMs: 20, maxMs: 100, factor: 2, jitter: 0.5 };

let kafka: SinkBus;

async function publish(topic: 'events' | 'alerts', docs: Array<Record<string, unknown> | string>): Promise<void> {
  await (
    await kafka.bus.producer()
  ).send(
    kafka.bus.topics[topic],
    docs.map((d) => ({ key: 'k', value: typeof d === 'string' ? d : JSON.stringify(d) })),
  );
}

/** The group's committed offset on partition 0 of `topic` ('-1' = none). */
const committed = async (group: string, topic: string): Promise<string> => (await kafka.committed(group, topic)) ?? '-1';

async function start(id: string, topics: Array<'events' | 'alerts'>, deliver: DeliverFn, maxRetries = 2): Promise<RunningSinkLoop> {
  const r = await startSinkRunner({
    id,
    type: 'test',
    bus: kafka.bus,
    topics,
    deliver,
    batchSize: 10,
    maxRetries,
    backoff: FAST,
    timeoutMs: 2000,
    statsIntervalMs: 0,
  });
  kafka.running.push(r);
  return r;
}

const n = (o: Outgoing) => (o.doc as { n?: number }).n;

beforeAll(async () => {
  kafka = await startSinkBus(kafkaConfig, 'srit');
}, 120_000);

afterAll(async () => {
  await kafka?.close();
});

describe('sink runner on real Kafka', () => {
  it('commits a batch only after the sink delivered it, and dead-letters what it rejects with its reason', async () => {
    const delivered: number[] = [];
    let open = false; // the far end refuses everything (retriably) until opened
    await start('commit', ['alerts'], async (batch) => {
      if (!open) throw new Error('connection refused');
      return batch.map((o) => {
        if (n(o) === 3) return { outcome: 'reject', reason: 'HTTP 400 mapping conflict on field n' };
        delivered.push(n(o) as number);
        return { outcome: 'ok' };
      });
    });
    await publish(
      'alerts',
      [1, 2, 3, 4].map((i) => ({ n: i })),
    );

    // Down: the records are retried, never committed, never dead-lettered.
    await new Promise((r) => setTimeout(r, 2500));
    expect(await committed('sink-commit', kafka.bus.topics.alerts)).toBe('-1');
    expect(kafka.letters.filter((d) => d.component === 'commit')).toEqual([]);

    open = true;
    await eventually('the batch committed', async () => (await committed('sink-commit', kafka.bus.topics.alerts)) === '4', 30_000);
    expect(delivered.sort()).toEqual([1, 2, 4]);
    const letter = await eventually('the dead letter', async () => kafka.letters.find((d) => d.component === 'commit'), 30_000);
    expect(letter.code).toBe('SINK_REJECT');
    expect(letter.reason).toContain('HTTP 400 mapping conflict on field n');
    expect(JSON.parse(letter.raw.data)).toEqual({ n: 3 });
    expect(letter.origin).toMatchObject({ topic: kafka.bus.topics.alerts, partition: 0, offset: '2' });
  }, 90_000);

  it('dead-letters a record still refused after maxRetries, and one that is not JSON, then commits', async () => {
    await start(
      'retries',
      ['events'],
      async (batch) => batch.map((o) => (n(o) === 2 ? { outcome: 'retry', reason: 'HTTP 503 busy' } : { outcome: 'ok' })),
      2,
    );
    await publish('events', [{ n: 1 }, { n: 2 }, 'not json']);
    await eventually('committed', async () => (await committed('sink-retries', kafka.bus.topics.events)) === '3', 30_000);
    const mine = await eventually('two dead letters', async () => {
      const l = kafka.letters.filter((d) => d.component === 'retries');
      return l.length >= 2 ? l : undefined;
    });
    expect(mine.map((d) => d.code).sort()).toEqual(['EVENT_INVALID', 'SINK_RETRY']);
    expect(mine.find((d) => d.code === 'SINK_RETRY')?.reason).toContain('still refused after 3 attempts: HTTP 503 busy');
  }, 90_000);

  it('a stalled sink does not stall another reading the same topic', async () => {
    await publish('events', [{ n: 100 }]); // both groups start from the beginning of a fresh topic's tail
    const fast: number[] = [];
    await start('stalled', ['events'], () => new Promise(() => undefined)); // never answers
    await start('fast', ['events'], async (batch) => {
      for (const o of batch) fast.push(n(o) as number);
      return batch.map(() => ({ outcome: 'ok' as const }));
    });
    await publish('events', [{ n: 101 }, { n: 102 }]);
    await eventually('the fast sink got everything', async () => [100, 101, 102].every((i) => fast.includes(i)), 30_000);
    const high = (await kafka.bus.topicOffsets(kafka.bus.topics.events)).find((o) => o.partition === 0)?.high;
    await eventually('the fast sink committed', async () => (await committed('sink-fast', kafka.bus.topics.events)) === high, 30_000);
    expect(await committed('sink-stalled', kafka.bus.topics.events)).toBe('-1');
  }, 90_000);
});
