/**
 * bench/incidents: how many alerts per second the incident builder sustains. It reads one
 * partition (`vigil.incident-alerts`), so this is the ceiling of the whole detection side's
 * alert rate whatever the number of instances.
 *
 *   node --import tsx bench/incidents.ts [--alerts 200000] [--entities 5000] [--batch 500]
 *     [--tx-records 5000] [--fetch-mib 4] [--skip-kafka]
 *
 * 1. In process: `IncidentBuilder.addBatch` plus the state changes it hands the changelog, per
 *    batch as the stage calls them, over engine-built alerts (8 rules, `entities` hosts, users
 *    and addresses, so alerts group, suppress and create incidents in a realistic mix). Then the
 *    stage's whole work per batch without Kafka (`foldAlertBatch`: JSON in, documents and state
 *    records out, serialized as they are sent), in CPU µs per alert.
 * 2. The stage on the real local Kafka: the same alerts written to a fresh `vigil.incident-alerts`
 *    first, then `startIncidentStage` (`--tx-records` alerts per transaction at most, `--fetch-mib`
 *    fetched at once; default the stage's own); the time until its group committed every alert (the
 *    exactly-once transactions with their incident documents and changelog writes) gives alerts/s.
 */
import { parseArgs } from 'node:util';

process.env.VIGIL_LOG_LEVEL ??= 'warn';
const { Bus } = await import('../core/bus/index.js');
const { buildAlert } = await import('../detections/model/index.js');
const { IncidentBuilder } = await import('../detections/incidents/builder.js');
const { startIncidentStage, INCIDENT_BATCHING } = await import('../detections/incidents/stage.js');
const { foldAlertBatch } = await import('../detections/incidents/alert-batch.js');
const { incidentStateSerde } = await import('../detections/incidents/state-serde.js');
const { KeyValueStore } = await import('../core/state/index.js');
const { recordBytes } = await import('../core/bus/index.js');
const { incidentInputTopic, forIncidents } = await import('../detections/incidents/input-topic.js');
const { testConfig } = await import('../test/support/config.js');
const { cleanupTest } = await import('../test/support/cleanup.js');
type EcsEvent = import('../core/event/index.js').EcsEvent;

const { values } = parseArgs({
  options: {
    alerts: { type: 'string', default: '200000' },
    entities: { type: 'string', default: '5000' },
    batch: { type: 'string', default: '500' },
    'tx-records': { type: 'string' },
    'fetch-mib': { type: 'string' },
    'skip-kafka': { type: 'boolean', default: false },
  },
});
const total = Number(values.alerts);
const entities = Number(values.entities);
const batchSize = Number(values.batch);

const LEVELS = ['low', 'medium', 'high', 'critical'];
const T0 = Date.now() - 3_600_000;
/** Alert i: rule i%8, a host, user and address out of `entities`, 10 ms apart in event time. */
function alertAt(i: number): EcsEvent {
  const rule = i % 8;
  const e = (i * 7919) % entities;
  return buildAlert(
    {
      id: `bench-rule-${rule}`,
      title: `Bench rule ${rule}`,
      level: LEVELS[rule % 4] as string,
      tags: ['attack.t1110'],
      references: [],
      techniques: ['T1110'],
      tactics: ['credential-access'],
    },
    {
      '@timestamp': new Date(T0 + i * 10).toISOString(),
      message: `event ${i}`,
      host: { name: `host-${e}` },
      user: { name: `user-${(e * 31) % entities}` },
      source: { ip: `10.${(e >> 16) & 255}.${(e >> 8) & 255}.${e & 255}` },
      event: { original: `raw ${i}` },
      vigil: { id: `bench-ev-${i}`, input: 'bench', received_at: new Date(T0 + i * 10).toISOString(), parse_status: 'ok' },
    },
    ['selection'],
    new Date(T0 + i * 10),
  );
}

const alerts = Array.from({ length: total }, (_, i) => alertAt(i));

// 1. In process.
{
  const builder = new IncidentBuilder({});
  let documents = 0;
  let stateWrites = 0;
  const t = process.hrtime.bigint();
  for (let i = 0; i < total; i += batchSize) {
    const result = builder.addBatch(alerts.slice(i, i + batchSize));
    documents += result.documents.length;
    for (const c of builder.changes()) stateWrites += c.value === null ? 0 : c.value.length;
  }
  const s = Number(process.hrtime.bigint() - t) / 1e9;
  const st = builder.stats();
  console.log(
    `builder in process: ${total} alerts in ${s.toFixed(2)} s = ${Math.round(total / s)} alerts/s ` +
      `(${documents} incident documents, ${(stateWrites / 1e6).toFixed(1)} MB of state written, ${JSON.stringify(st)})`,
  );
}

// 1b. The stage's work per batch, without Kafka: what the stage's transactions wait for on its own thread.
{
  const records = alerts.map((a, i) => ({
    topic: 'bench',
    partition: 0,
    offset: String(i),
    key: 'incidents',
    value: Buffer.from(JSON.stringify(a)),
    headers: {},
    timestamp: T0,
  }));
  const builder = new IncidentBuilder({});
  const store = new KeyValueStore<string>();
  const tx = Number(values['tx-records'] ?? INCIDENT_BATCHING.maxRecordsPerTransaction);
  let written = 0;
  let bytes = 0;
  const cpu = process.cpuUsage();
  for (let i = 0; i < total; i += tx) {
    for (const o of foldAlertBatch(builder, records.slice(i, i + tx), store, { incidents: 'incidents', deadletter: 'deadletter' })) {
      bytes += recordBytes(o);
      written++;
    }
    for (const [key, value] of store.drainChanges()) {
      bytes += recordBytes({ key, value: value === undefined ? null : incidentStateSerde.serialize(value) });
      written++;
    }
  }
  const used = process.cpuUsage(cpu);
  const us = (used.user + used.system) / total;
  console.log(
    `stage batch work in process: ${us.toFixed(1)} CPU µs per alert (${Math.round(1e6 / us)} alerts per CPU second) at ${tx} alerts a batch, ` +
      `${written} records of ${(bytes / total).toFixed(0)} bytes per alert out (documents and state)`,
  );
}

// 2. The stage on Kafka.
if (!values['skip-kafka']) {
  const config = testConfig('bench-incidents');
  const bus = new Bus(config.kafka, 'bench-incidents');
  try {
    await bus.provision();
    const input = incidentInputTopic(config.kafka.topicPrefix);
    await bus.ensureTopics([{ name: input, partitions: 1, replicationFactor: 1, configs: {} }]);
    const producer = await bus.producer();
    for (let i = 0; i < total; i += 5000) {
      await producer.send(input, forIncidents(alerts.slice(i, i + 5000).map((a) => ({ value: JSON.stringify(a) }))));
    }
    const t = Date.now();
    const batching = {
      maxRecordsPerTransaction: Number(values['tx-records'] ?? INCIDENT_BATCHING.maxRecordsPerTransaction),
      maxBytesPerPartition: values['fetch-mib'] ? Number(values['fetch-mib']) * 1_048_576 : INCIDENT_BATCHING.maxBytesPerPartition,
    };
    const stages = await startIncidentStage({ config, bus, batching });
    let committed = 0;
    while (committed < total) {
      await new Promise((r) => setTimeout(r, 100));
      committed = (await bus.committedOffsets('incidents', input)).reduce((n, o) => n + Math.max(0, Number(o.offset)), 0);
      if (Date.now() - t > 600_000) throw new Error(`the stage committed ${committed} of ${total} alerts in 10 minutes`);
    }
    const s = (Date.now() - t) / 1000;
    console.log(
      `incidents stage on Kafka: ${total} alerts in ${s.toFixed(2)} s = ${Math.round(total / s)} alerts/s ` +
        `(start, restore of an empty changelog and group join included; ${batching.maxRecordsPerTransaction} alerts per transaction at most, ` +
        `${batching.maxBytesPerPartition / 1_048_576} MiB fetches)`,
    );
    for (const st of stages) await st.close();
  } finally {
    await bus.close();
    await cleanupTest(config);
  }
}
