import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bus, type InRecord } from '../../core/bus/index.js';
import { cleanupTest } from '../support/cleanup.js';
import { testConfig } from '../support/config.js';
import { waitFor } from '../support/wait.js';

/** The pipelined consumer loop (`inFlightBatches`) with the real kafkajs, on the real local Kafka. */
describe('a pipelined consumer loop on real Kafka', () => {
  const config = testConfig('bus-pipelined');
  const bus = new Bus(config.kafka, 'bus-pipelined-test');

  beforeAll(async () => {
    await bus.provision();
    const producer = await bus.producer();
    // Many small sends: Kafka hands out whole record batches, so one big send would be one batch per partition.
    for (let s = 0; s < 100; s++) {
      await producer.send(
        bus.topics.events,
        Array.from({ length: 15 }, (_, i) => ({ key: `k${i % 5}`, value: JSON.stringify({ n: s * 15 + i, pad: 'x'.repeat(200) }) })),
      );
    }
  });
  afterAll(async () => {
    await bus.close();
    await cleanupTest(config);
  });

  /** Per partition, the offsets delivered (the handler resolved), and the most batches of it in the handler at once. */
  function recorder(delayMs: () => number, failOnce: (first: string) => boolean = () => false) {
    const delivered = new Map<number, Set<number>>();
    const inHandler = new Map<number, number>();
    const most = new Map<number, number>();
    const failed = new Set<string>();
    const handler = async (records: InRecord[]) => {
      const p = records[0]!.partition;
      const first = `${p}:${records[0]!.offset}`;
      inHandler.set(p, (inHandler.get(p) ?? 0) + 1);
      most.set(p, Math.max(most.get(p) ?? 0, inHandler.get(p)!));
      try {
        // Later batches often finish first: the delays differ.
        await new Promise((r) => setTimeout(r, delayMs()));
        if (!failed.has(first) && failOnce(first)) {
          failed.add(first);
          throw new Error('endpoint down');
        }
        const set = delivered.get(p) ?? new Set<number>();
        for (const r of records) set.add(Number(r.offset));
        delivered.set(p, set);
      } finally {
        inHandler.set(p, inHandler.get(p)! - 1);
      }
    };
    /** Per partition: the first offset not delivered (everything below it was). */
    const prefix = () =>
      new Map(
        [...delivered].map(([p, set]) => {
          let n = 0;
          while (set.has(n)) n++;
          return [p, n];
        }),
      );
    return { handler, delivered, most, failed, prefix };
  }

  const committed = async (group: string) =>
    new Map((await bus.committedOffsets(group, bus.topics.events)).map((o) => [o.partition, Math.max(0, Number(o.offset))]));
  const highs = async () => new Map((await bus.topicOffsets(bus.topics.events)).map((o) => [o.partition, Number(o.high)]));

  it('delivers every record with batches of a partition in flight at once, retries a failure, and commits everything in order', async () => {
    const r = recorder(
      () => 20 + Math.random() * 40,
      (first) => first.endsWith(':0'), // each partition's first batch fails once
    );
    const loop = await bus.consume('all', {
      topics: [bus.topics.events],
      component: 'test',
      handler: r.handler,
      inFlightBatches: 3,
      maxBytesPerPartition: 4096, // small batches: many of them
    });
    const high = await highs();
    await waitFor(
      'every record committed',
      async () => {
        const c = await committed('all');
        return [...high].every(([p, h]) => c.get(p) === h);
      },
      60_000,
    );
    await loop.stop();
    for (const [p, h] of high) {
      if (h === 0) continue;
      expect(r.delivered.get(p)?.size).toBe(h);
      expect(r.most.get(p)).toBeLessThanOrEqual(3);
    }
    // Pipelined: more than one batch of a partition in the handler at once (how often depends on
    // when fetches return, so on some partition, not on each: a busy machine serialises some).
    expect(Math.max(...r.most.values())).toBeGreaterThan(1);
    expect(r.failed.size).toBeGreaterThan(0);
  });

  it('stop() waits for the batches in flight and commits exactly what was delivered before them', async () => {
    const r = recorder(() => 150);
    const loop = await bus.consume('stop', {
      topics: [bus.topics.events],
      component: 'test',
      handler: r.handler,
      inFlightBatches: 2,
      maxBytesPerPartition: 4096,
    });
    await waitFor('some batches delivered', async () => [...r.delivered.values()].some((s) => s.size > 0), 30_000);
    await loop.stop();
    const c = await committed('stop');
    const prefix = r.prefix();
    for (const [p, n] of prefix) expect(c.get(p)).toBe(n); // nothing undelivered committed, nothing delivered left uncommitted
    expect([...prefix.values()].some((n) => n > 0)).toBe(true);
  });
});
