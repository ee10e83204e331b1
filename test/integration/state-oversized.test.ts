/**
 * A stateful processor (the correlation and incident hops run on one) can write an output larger
 * than the event it read: a correlation alert or an incident gathers several inputs. Such an
 * output is dead-lettered with the reason in the batch's own transaction, and the processor goes
 * on, instead of failing the transaction and offering the same batch for ever.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Bus } from '../../core/bus/index.js';
import { startStatefulProcessor, type StatefulProcessor } from '../../core/state/index.js';
import { cleanupTest } from '../support/cleanup.js';
import { testConfig } from '../support/config.js';

describe('core/state and outputs too large for Kafka (real Kafka)', () => {
  const config = testConfig('statebig');
  // The processor may write records of 64 KiB at most; the test's own producer may write larger ones.
  const stageBus = new Bus({ ...config.kafka, maxRecordBytes: 64 * 1024 }, 'statebig-stage');
  const bus = new Bus({ ...config.kafka, maxRecordBytes: 1_000_000 }, 'statebig-test');
  const input = `${config.kafka.topicPrefix}statebig.in`;
  const output = `${config.kafka.topicPrefix}statebig.out`;
  let processor: StatefulProcessor | undefined;

  afterAll(async () => {
    await processor?.close();
    await cleanupTest(config);
    await stageBus.close();
    await bus.close();
  });

  it('dead-letters the oversized output with the reason in the same transaction and keeps its state and the next outputs', async () => {
    await bus.provision();
    await bus.ensureTopics([
      { name: input, partitions: 1, replicationFactor: 1, configs: {} },
      { name: output, partitions: 1, replicationFactor: 1, configs: {} },
    ]);
    processor = await startStatefulProcessor<number>({
      bus: stageBus,
      name: 'statebig',
      input,
      // Counts records per key and echoes each record's value that many times: the third echo of a
      // 30 KiB value is 90 KiB, over the stage's limit.
      process: (batch, store) => ({
        outputs: batch.map((r) => {
          const n = (store.get(r.key ?? '') ?? 0) + 1;
          store.set(r.key ?? '', n);
          return { topic: output, key: r.key, value: `${n}:${r.value.toString('utf8').repeat(n)}` };
        }),
      }),
    });
    const producer = await bus.producer();
    const v = 'x'.repeat(30 * 1024);
    await producer.send(input, [
      { key: 'k', value: v },
      { key: 'k', value: v },
      { key: 'k', value: v },
      { key: 'k', value: 'y' },
    ]);

    const letters = await bus.read(bus.topics.deadletter, { until: (rs) => rs.length >= 1, timeoutMs: 30_000 });
    const letter = JSON.parse(letters[0]!.value.toString('utf8')) as { stage: string; component: string; code: string; reason: string };
    expect(letter).toMatchObject({ stage: 'detect', component: 'statebig', code: 'RECORD_TOO_LARGE' });
    expect(letter.reason).toContain(output);
    expect(letter.reason).toContain('kafka.maxRecordBytes');
    // The state counted the oversized record too: the fourth output is "4:yyyy", once.
    const outputs = await bus.read(output, { until: (rs) => rs.length >= 3, idleMs: 2000, timeoutMs: 30_000 });
    expect(outputs.map((r) => r.value.toString('utf8').split(':')[0])).toEqual(['1', '2', '4']);
    expect(outputs[2]!.value.toString('utf8')).toBe('4:yyyy');
    expect(processor.stats().processed).toBe(4);
  }, 90_000);
});
