/**
 * bench/bus: records/s through core/bus's producer into the real local Kafka, for each
 * compression, with many concurrent callers (as inputs call it).
 *
 *   node --import tsx bench/bus.ts [--records 200000] [--size 600] [--callers 16]
 */
import { parseArgs } from 'node:util';
import { Bus } from '../core/bus/index.js';
import { cleanupTest } from '../test/support/cleanup.js';
import { testConfig } from '../test/support/config.js';
import { num } from './args.js';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '200000' },
    size: { type: 'string', default: '600' },
    callers: { type: 'string', default: '16' },
  },
});
const total = num(values, 'records');
const size = num(values, 'size');
const callers = num(values, 'callers');
const perCall = 100;

async function run(compression: 'gzip' | 'none'): Promise<void> {
  const config = testConfig(`bench-bus-${compression}`);
  config.kafka.compression = compression;
  const bus = new Bus(config.kafka, 'bench');
  await bus.provision();
  const producer = await bus.producer();
  const body = 'x'.repeat(size);
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (next < total) {
        const from = next;
        next += perCall;
        await producer.send(
          bus.topics.events,
          Array.from({ length: perCall }, (_, i) => ({ key: `host-${(from + i) % 50}`, value: `{"n":${from + i},"m":"${body}"}` })),
        );
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  console.log(
    `  compression ${compression.padEnd(4)}: ${Math.round(total / seconds)} records/s (${((total * size) / seconds / 1e6).toFixed(1)} MB/s)`,
  );
  await bus.close();
  await cleanupTest(config);
}

console.log(`bench/bus: ${total} records of ~${size} bytes, ${callers} concurrent callers, ${perCall} per send`);
await run('gzip');
await run('none');
process.exit(0);
