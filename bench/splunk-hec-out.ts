/**
 * bench/splunk-hec-out: events/s the splunk-hec SINK delivers into Vigil's own HEC receiver, both
 * on the real local Kafka (goal ≥ 50k/s). The events are on the sender's vigil.events before the
 * sink starts; the clock runs from the sink's start until the receiver's vigil.events holds them
 * all, and every request is counted only after its indexer acknowledgement.
 *
 *   node --import tsx bench/splunk-hec-out.ts -- --events 200000 --channels 4 --concurrency 4 --batch 1000
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { startStages } from '../cli/stages.js';
import { Bus } from '../core/bus/index.js';
import { withHecDefaults } from '../ingest/inputs/splunk-hec/index.js';
import { startSplunkHecSink, withHecSinkDefaults } from '../sinks/splunk-hec/index.js';
import { cleanupTest } from '../test/support/cleanup.js';
import { testConfig } from '../test/support/config.js';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    events: { type: 'string', default: '200000' },
    channels: { type: 'string', default: '4' },
    concurrency: { type: 'string', default: '4' },
    batch: { type: 'string', default: '1000' },
    gzip: { type: 'string', default: 'true' },
  },
});
const N = Number(values.events);
const token = `bench-${randomUUID()}`;

const total = async (bus: Bus, topic: string) => (await bus.topicOffsets(topic)).reduce((n, o) => n + Number(o.high) - Number(o.low), 0);

const receiverConfig = testConfig('bench-hec-recv');
receiverConfig.inputs = [withHecDefaults({ id: 'hec', port: 0, tokens: [{ token, ack: true }], maxPendingEvents: 1_000_000 })];
const senderConfig = testConfig('bench-hec-send');
const receiver = await startStages(receiverConfig, ['ingest']);
const sender = new Bus(senderConfig.kafka);
await sender.provision();
try {
  const producer = await sender.producer();
  for (let i = 0; i < N; i += 10_000) {
    const n = Math.min(10_000, N - i);
    await producer.send(
      sender.topics.events,
      Array.from({ length: n }, (_, j) => {
        const k = i + j;
        const doc = {
          '@timestamp': new Date(1_772_359_200_000 + k).toISOString(),
          message: `Accepted password for user${k % 100} from 10.0.${k % 250}.${k % 200} port 22 ssh2`,
          host: { name: `web${k % 16}` },
          event: { dataset: 'linux.auth', kind: 'event', category: ['authentication'], outcome: 'success' },
          source: { ip: `10.0.${k % 250}.${k % 200}` },
          vigil: { id: `bench-${k}`, input: 'syslog-tcp' },
        };
        return { key: doc.host.name, value: JSON.stringify(doc) };
      }),
    );
  }
  const before = await total(receiver.bus, receiver.bus.topics.events);
  const started = performance.now();
  const sink = await startSplunkHecSink({
    sink: withHecSinkDefaults({
      id: 'bench-out',
      url: `http://127.0.0.1:${receiver.ports.hec as number}`,
      token,
      topics: ['events'],
      batchSize: 5000,
      batchMaxEvents: Number(values.batch),
      channels: Number(values.channels),
      concurrency: Number(values.concurrency),
      gzip: values.gzip === 'true',
      ackPollMs: 20,
    }),
    bus: sender,
  });
  let got = 0;
  while ((got = (await total(receiver.bus, receiver.bus.topics.events)) - before) < N) await new Promise((r) => setTimeout(r, 100));
  const seconds = (performance.now() - started) / 1000;
  await sink.close();
  console.log(
    `splunk-hec-out: ${N} events in ${seconds.toFixed(2)} s = ${Math.round(N / seconds).toLocaleString('en')} events/s ` +
      `(batch ${values.batch}, channels ${values.channels}, concurrency ${values.concurrency}, gzip ${values.gzip}; received ${got})`,
  );
} finally {
  await sender.close();
  await receiver.close();
  await cleanupTest(senderConfig);
  await cleanupTest(receiverConfig);
}
