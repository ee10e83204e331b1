/**
 * bench/e2e: sends N syslog lines over TCP at a fixed rate into a running ingest + detect
 * pipeline on the real local Kafka, and measures from each send to its incident on
 * `vigil.incidents`. Prints sustained events/s and p50/p99/max latency.
 *
 *   npm run bench:e2e -- --events 20000 --rate 5000
 *
 * Every line is a sudo-to-root shell, so every event raises one incident; the line's sequence
 * number travels in the message and identifies its incident.
 */
import { parseArgs } from 'node:util';
import { startStages } from '../cli/stages.js';
import { openTcp } from '../ingest/inputs/syslog/sender.js';
import { cleanupTest } from '../test/support/cleanup.js';
import { testConfig } from '../test/support/config.js';
import { num } from './args.js';

const { values } = parseArgs({
  options: { events: { type: 'string', default: '20000' }, rate: { type: 'string', default: '5000' } },
});
const total = num(values, 'events');
const rate = num(values, 'rate');

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function main(): Promise<void> {
  process.env.VIGIL_LOG_LEVEL ??= 'warn';
  const config = testConfig('bench-e2e');
  config.inputs = config.inputs.filter((i) => i.type === 'syslog' && i.protocol === 'tcp');
  const pipeline = await startStages(config, ['ingest', 'detect']);
  const sentAt = new Float64Array(total);
  const latencies: number[] = [];
  const toIngest: number[] = [];
  const seen = new Uint8Array(total);
  let duplicates = 0;
  let lastArrival = 0;
  const done = new Promise<void>((resolve) => {
    void pipeline.bus.consume('bench-reader', {
      topics: [pipeline.bus.topics.incidents],
      component: 'bench',
      handler: async (records) => {
        const now = performance.now();
        for (const r of records) {
          const m = /#(\d+)"/.exec(r.value.toString('utf8'));
          if (!m) continue;
          const seq = Number(m[1]);
          if (seen[seq]) {
            duplicates++;
            continue;
          }
          seen[seq] = 1;
          latencies.push(now - (sentAt[seq] as number));
          const received = /"received_at":"([^"]+)"/.exec(r.value.toString('utf8'));
          if (received) toIngest.push(Date.parse(received[1] as string) - performance.timeOrigin - (sentAt[seq] as number));
          lastArrival = now;
        }
        if (latencies.length >= total) resolve();
      },
    });
  });

  const client = await openTcp('127.0.0.1', pipeline.ports['syslog-tcp'] as number, 'octet-counting');
  const tickMs = 10;
  const perTick = Math.max(1, Math.round((rate * tickMs) / 1000));
  const start = performance.now();
  let seq = 0;
  while (seq < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate) + perTick);
    for (; seq < due; seq++) {
      sentAt[seq] = performance.now();
      await client.write(
        `<86>Nov 21 10:00:00 bench-${seq % 64} sudo: ops : TTY=pts/0 ; PWD=/root ; USER=root ; COMMAND=/bin/bash -i #${seq}`,
      );
    }
    await new Promise((r) => setTimeout(r, tickMs));
  }
  const sendSeconds = (performance.now() - start) / 1000;
  await client.end();
  const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 120_000));
  const outcome = await Promise.race([done, timeout]);
  const seconds = (lastArrival - start) / 1000;
  latencies.sort((a, b) => a - b);
  console.log(`bench/e2e: ${total} events offered at ${rate}/s over TCP (sent in ${sendSeconds.toFixed(1)} s)`);
  console.log(
    `  incidents on Kafka: ${latencies.length}/${total}${outcome === 'timeout' ? ' (timed out)' : ''}, ${duplicates} redelivered duplicates`,
  );
  console.log(`  sustained: ${(latencies.length / seconds).toFixed(0)} events/s end to end`);
  console.log(
    `  latency send → incident on Kafka: p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, max ${(latencies.at(-1) ?? NaN).toFixed(1)} ms`,
  );
  toIngest.sort((a, b) => a - b);
  console.log(
    `  of which send → received by ingest: p50 ${percentile(toIngest, 50).toFixed(1)} ms, p99 ${percentile(toIngest, 99).toFixed(1)} ms`,
  );
  await pipeline.close();
  await cleanupTest(config);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
