/**
 * bench/state: the stateful runtime (core/state) on the real local Kafka.
 *
 *   node --import tsx bench/state.ts -- --events 300000 --keys 100000 --partitions 3
 *
 * 1. Throughput: `events` records (keyed by an unrelated host) are written first; then a
 *    repartition (by user) and a counting processor (count per user, one output per event, all
 *    exactly-once transactions) start, and the time until every event is counted gives events/s.
 * 2. Restore: the processor stops and a fresh one starts on the same changelog; the time until
 *    every partition is restored is the restore time for `keys` keys.
 */
import { parseArgs } from 'node:util';
import { num } from './args.js';

process.env.VIGIL_LOG_LEVEL ??= 'warn';
const { Bus } = await import('../core/bus/index.js');
const { repartition, startStatefulProcessor } = await import('../core/state/index.js');
const { testConfig } = await import('../test/support/config.js');
const { countingProcess, deletePrefixedTopics } = await import('../test/support/state.js');

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '300000' },
    keys: { type: 'string', default: '100000' },
    partitions: { type: 'string', default: '3' },
    compression: { type: 'string', default: 'gzip' },
    'records-per-transaction': { type: 'string', default: '1000' },
  },
});
const total = num(values, 'events');
const keys = num(values, 'keys');
const partitions = num(values, 'partitions');

const waitUntil = async (probe: () => boolean | Promise<boolean>, timeoutMs: number, what: string) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

const config = testConfig('bench-state');
config.kafka.partitions = partitions;
config.kafka.compression = values.compression === 'none' ? 'none' : 'gzip';
const maxRecordsPerTransaction = num(values, 'records-per-transaction');
const bus = new Bus(config.kafka, 'bench-state');
const source = `${config.kafka.topicPrefix}bench.source`;
const out = `${config.kafka.topicPrefix}bench.out`;
try {
  await bus.ensureTopics([
    { name: source, partitions, replicationFactor: 1, configs: {} },
    { name: out, partitions, replicationFactor: 1, configs: {} },
  ]);
  const producer = await bus.producer();
  let t = performance.now();
  for (let start = 0; start < total; start += 10_000) {
    const n = Math.min(10_000, total - start);
    await producer.send(
      source,
      Array.from({ length: n }, (_, i) => {
        const seq = start + i;
        return { key: `host-${seq % 97}`, value: JSON.stringify({ seq, user: `u${seq % keys}`, ts: 1_700_000_000_000 + seq }) };
      }),
    );
  }
  console.log(`wrote ${total} events in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  t = performance.now();
  const rep = await repartition({
    bus,
    name: 'bench',
    from: source,
    keyOf: (r) => (JSON.parse(r.value.toString('utf8')) as { user?: string }).user ?? null,
    maxRecordsPerTransaction,
  });
  const counter = await startStatefulProcessor<{ count: number }>({
    bus,
    name: 'bench',
    input: rep.topic,
    process: countingProcess(out),
    maxRecordsPerTransaction,
  });
  await waitUntil(() => counter.stats().processed >= total, 600_000, 'every event counted');
  const seconds = (performance.now() - t) / 1000;
  const stats = counter.stats();
  const liveKeys = stats.partitions.reduce((n, p) => n + p.keys, 0);
  console.log(
    `repartition + count: ${total} events in ${seconds.toFixed(1)} s = ${Math.round(total / seconds)} events/s ` +
      `(${partitions} partitions, ${config.kafka.compression}, ${maxRecordsPerTransaction} records per transaction, exactly-once, ${liveKeys} live keys, start-up and group joins included)`,
  );
  await counter.close();
  await rep.close();

  t = performance.now();
  const restored = await startStatefulProcessor<{ count: number }>({ bus, name: 'bench', input: rep.topic, process: countingProcess(out) });
  await waitUntil(() => restored.stats().partitions.length === partitions, 300_000, 'every partition restored');
  const wall = performance.now() - t;
  const r = restored.stats().restores;
  const restoredKeys = r.reduce((n, x) => n + x.keys, 0);
  const records = r.reduce((n, x) => n + x.records, 0);
  console.log(
    `restore: ${restoredKeys} keys (${records} changelog records) in ${Math.round(wall)} ms wall-clock from start, ` +
      `per partition ${r.map((x) => `p${x.partition} ${x.keys} keys ${x.ms} ms`).join(', ')}`,
  );
  await restored.close();
} finally {
  await bus.close();
  await deletePrefixedTopics(bus);
}
