import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bus } from '../../core/bus/index.js';
import { startStatefulProcessor } from '../../core/state/index.js';
import { registry } from '../../core/telemetry/index.js';
import { exitOf } from '../support/child.js';
import { cleanupTest } from '../support/cleanup.js';
import { testConfig } from '../support/config.js';
import {
  countingProcess,
  countProblems,
  deletePrefixedTopics,
  logLines,
  outputsOf,
  produceEvents,
  spawnCounter,
  startCounter,
  USERS,
  type CounterOptions,
} from '../support/state.js';
import { waitFor } from '../support/wait.js';

/**
 * The stateful runtime (core/state) on the real local Kafka: a counter (repartition by user,
 * count per user, emit the running count for every event) must count every event exactly once
 * across a graceful restart, a SIGKILL of one of two instances, and a rebalance.
 */
describe('core/state on real Kafka', () => {
  const config = testConfig('state');
  const bus = new Bus(config.kafka, 'state-test');
  const out = bus.topics.alerts;
  const counterOptions = (name: string): CounterOptions => ({ name, source: bus.topics.events, out, maxBytesPerPartition: 4096 });

  beforeAll(async () => {
    await bus.provision();
  });
  afterAll(async () => {
    await cleanupTest(config);
    await deletePrefixedTopics(bus);
    await bus.close();
  });

  /** How many transactions of a loop were refused because another instance fenced its producer. */
  const fencedCount = async (id: string) => {
    const metric = await registry.getSingleMetric('vigil_component_errors_total')?.get();
    return (metric?.values ?? []).filter((v) => v.labels.id === id && v.labels.code === 'PRODUCER_FENCED').reduce((n, v) => n + v.value, 0);
  };

  /** Reads the output topic (read committed) until `n` records arrived, then a little longer to catch extras. */
  const readOutputs = async (topic: string, n: number, timeoutMs = 90_000) => {
    const records = await bus.read(topic, { until: (r) => r.length >= n, timeoutMs });
    expect(records.length, `outputs on ${topic}`).toBeGreaterThanOrEqual(n);
    return outputsOf(await bus.read(topic, { idleMs: 3000, timeoutMs }));
  };

  it('continues the counts after a graceful stop mid-stream: none lost, none repeated', async () => {
    const source = `${config.kafka.topicPrefix}restart.source`;
    const sink = `${config.kafka.topicPrefix}restart.out`;
    await bus.ensureTopics([
      { name: source, partitions: 3, replicationFactor: 1, configs: {} },
      { name: sink, partitions: 3, replicationFactor: 1, configs: {} },
    ]);
    // 20 ms a batch: slow enough that the stream is still going when the stop lands, on a busy machine too.
    const opts = { ...counterOptions('restart'), source, out: sink, delayMs: 20 };
    await produceEvents(bus, source, 0, 6000);

    let counter = await startCounter(bus, opts);
    await waitFor('the first 600 events counted', async () => counter.processor.stats().processed >= 600, 60_000, 20);
    await counter.close();
    const first = counter.processor.stats().processed;
    expect(first).toBeLessThan(6000); // stopped mid-stream

    await produceEvents(bus, source, 6000, 1000);
    counter = await startCounter(bus, opts);
    const outputs = await readOutputs(sink, 7000);
    const stats = counter.processor.stats();
    await counter.close();

    expect(countProblems(outputs, 7000)).toEqual([]);
    expect(outputs).toHaveLength(7000);
    // The second run restored the counts of every user rather than starting from zero.
    expect(stats.restores.reduce((n, r) => n + r.keys, 0)).toBe(USERS);
    // The watermark came back with the state: event time of the newest event (seq 6999) − 5 s lateness.
    expect(Math.max(...stats.partitions.map((p) => p.watermark ?? 0))).toBe(1_700_000_000_000 + 6999 * 1000 - 5000);
  });

  it('moves state with the partitions when a second instance joins', async () => {
    const source = `${config.kafka.topicPrefix}join.source`;
    const sink = `${config.kafka.topicPrefix}join.out`;
    await bus.ensureTopics([
      { name: source, partitions: 3, replicationFactor: 1, configs: {} },
      { name: sink, partitions: 3, replicationFactor: 1, configs: {} },
    ]);
    const opts = { ...counterOptions('join'), source, out: sink, delayMs: 5 };
    // A second Bus: other kafkajs clients, another group member, as a second process would be.
    const busB = new Bus(config.kafka, 'state-test-b');
    const a = await startCounter(bus, opts);
    await produceEvents(bus, source, 0, 2000);
    await waitFor('instance A counting', async () => a.processor.stats().processed >= 500, 60_000, 20);
    expect(a.processor.assignment()).toEqual([0, 1, 2]);

    const b = await startCounter(busB, opts);
    await produceEvents(bus, source, 2000, 2000);
    await waitFor(
      'partitions shared between A and B',
      async () => a.processor.assignment().length + b.processor.assignment().length === 3 && b.processor.assignment().length > 0,
      60_000,
    );
    const outputs = await readOutputs(sink, 4000);
    const statsA = a.processor.stats();
    const statsB = b.processor.stats();
    await b.close();
    await busB.close();
    await a.close();

    expect(countProblems(outputs, 4000)).toEqual([]);
    expect(outputs).toHaveLength(4000);
    // B's partitions came with the counts A had built (restored from the changelog, not from zero).
    expect(statsB.restores.length).toBeGreaterThan(0);
    expect(statsB.restores.reduce((n, r) => n + r.keys, 0)).toBeGreaterThan(0);
    expect(statsA.processed + statsB.processed).toBe(4000);
    expect(statsB.processed).toBeGreaterThan(0);
    // A's remaining partitions and B's are disjoint and cover the input.
    expect([...statsA.partitions.map((p) => p.partition), ...statsB.partitions.map((p) => p.partition)].sort()).toEqual([0, 1, 2]);
  });

  it('fences a zombie: an instance stalled past its session cannot commit once its partitions moved', async () => {
    const source = `${config.kafka.topicPrefix}zombie.source`;
    const sink = `${config.kafka.topicPrefix}zombie.out`;
    await bus.ensureTopics([
      { name: source, partitions: 3, replicationFactor: 1, configs: {} },
      { name: sink, partitions: 3, replicationFactor: 1, configs: {} },
    ]);
    const opts = { ...counterOptions('zombie'), source, out: sink, sessionTimeoutMs: 6000 };
    const busB = new Bus(config.kafka, 'state-test-zombie');
    const a = await startCounter(bus, opts);
    // A second processor instance whose process() stalls once for longer than the session: the
    // group evicts it and gives its partitions to A while it still holds a computed batch.
    const counting = countingProcess(sink);
    let stalled = 0;
    const zombie = await startStatefulProcessor<{ count: number }>({
      bus: busB,
      name: 'zombie',
      input: a.repartitioner.topic,
      sessionTimeoutMs: 6000,
      heartbeatIntervalMs: 1000,
      maxBytesPerPartition: 4096,
      process: async (batch, store, ctx) => {
        const result = await counting(batch, store, ctx);
        if (stalled++ === 3) await new Promise((r) => setTimeout(r, 12_000));
        return result;
      },
    });
    await waitFor('partitions shared', async () => zombie.assignment().length > 0 && a.processor.assignment().length > 0, 60_000);
    const fencedBefore = await fencedCount('zombie');
    await produceEvents(bus, source, 0, 3000);
    await readOutputs(sink, 3000, 120_000);
    // Closing waits for the stalled batch: it wakes up and tries to commit what it computed.
    await zombie.close();
    await busB.close();
    const fencedAfter = await fencedCount('zombie');
    await a.close();
    const outputs = await readOutputs(sink, 3000);

    expect(countProblems(outputs, 3000)).toEqual([]);
    expect(outputs).toHaveLength(3000);
    expect(stalled).toBeGreaterThan(3);
    // The zombie's transaction was refused (INVALID_PRODUCER_EPOCH), not committed twice.
    expect(fencedAfter - fencedBefore).toBeGreaterThan(0);
  });

  it('loses nothing and duplicates nothing when one of two instances is SIGKILLed mid-stream', async () => {
    const source = `${config.kafka.topicPrefix}kill.source`;
    const sink = `${config.kafka.topicPrefix}kill.out`;
    await bus.ensureTopics([
      { name: source, partitions: 3, replicationFactor: 1, configs: {} },
      { name: sink, partitions: 3, replicationFactor: 1, configs: {} },
    ]);
    const TOTAL = 6000;
    const dir = mkdtempSync(join(tmpdir(), 'vigil-state-'));
    // Session timeout 6 s (the broker's minimum): how long the group waits for the killed member.
    const env = { kafka: config.kafka, counter: { ...counterOptions('kill'), source, out: sink, sessionTimeoutMs: 6000 } };
    const logA = join(dir, 'a.log');
    const logB = join(dir, 'b.log');
    const a = spawnCounter(env, logA);
    const b = spawnCounter(env, logB);
    try {
      await waitFor(
        'both instances ready',
        async () => logLines(logA, 'runner ready').length > 0 && logLines(logB, 'runner ready').length > 0,
        90_000,
      );
      const restoredBy = (file: string) => logLines(file, 'restored partition state').length;
      await waitFor('partitions shared between the two', async () => restoredBy(logA) > 0 && restoredBy(logB) > 0, 60_000);

      // A backlog keeps both instances busy in back-to-back transactions, so the kill most likely
      // lands inside one (records sent, not committed); the rest of the stream comes after it.
      const BEFORE = 4000;
      await produceEvents(bus, source, 0, BEFORE);
      const repartitioned = `${config.kafka.topicPrefix}vigil.kill-repartition`;
      const committed = async () =>
        (await bus.committedOffsets('kill', repartitioned)).reduce((n, o) => n + Math.max(0, Number(o.offset)), 0);
      await waitFor('the first events counted', async () => (await committed()) >= 600, 60_000, 25);
      const restoredByBBeforeKill = restoredBy(logB);
      a.kill('SIGKILL');
      await exitOf(a);
      const atKill = await committed();
      await produceEvents(bus, source, BEFORE, TOTAL - BEFORE);

      const outputs = await readOutputs(sink, TOTAL, 120_000);
      expect(countProblems(outputs, TOTAL)).toEqual([]);
      expect(outputs).toHaveLength(TOTAL);
      // B took A's partitions over by restoring them from the changelog.
      expect(restoredBy(logB)).toBeGreaterThan(restoredByBBeforeKill);
      // What A left behind: records written in transactions that never committed (aborted by B's fence).
      const raw = await bus.read(sink, { idleMs: 3000, readUncommitted: true });
      const rawRepartitioned = await bus.read(repartitioned, { idleMs: 3000, readUncommitted: true });
      const committedRepartitioned = await bus.read(repartitioned, { idleMs: 3000 });
      console.log(
        `SIGKILL test: killed at ${atKill} of ${TOTAL} counted; records of aborted transactions in the log ` +
          `(invisible to read-committed readers): outputs ${raw.length - outputs.length}, repartition ${rawRepartitioned.length - committedRepartitioned.length}`,
      );
    } finally {
      a.kill('SIGKILL');
      b.kill('SIGTERM');
      await exitOf(b);
    }
  });
});
