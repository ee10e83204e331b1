/**
 * bench/es-sink: documents/s the Elasticsearch sink indexes from Kafka, side by side with a plain
 * `_bulk` loader on the same node, the same documents and the same shape of work (as many
 * sequential bulk lanes as the sink has partitions, `--batch` documents per request, `_id` from
 * `vigil.id`, the sink's own index template). Goal: the sink ≥ 90% of the loader.
 *
 *   node --import tsx bench/es-sink.ts [--docs 100000] [--batch N] [--concurrency N] [--partitions 2] [--runs 3]
 *
 * `--batch` and `--concurrency` default to the sink's own defaults. Each row also gives the 1-minute
 * load average and this process's CPU per 1000 documents on either side (ms): on a shared machine
 * the rates move with everything else it runs, the CPU much less.
 *
 * Each run writes the documents to a fresh `vigil.events` first; both clocks run from the first
 * documents visible in the index until all are (the steady rate: start-up is paid once).
 * Runs alternate which goes first, so neither always meets a cold or a warm node.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { Client } from '@elastic/elasticsearch';
import { Bus } from '../core/bus/index.js';
import type { ElasticsearchConfig } from '../core/config/types.js';
import { loadavg } from 'node:os';
import { DEFAULT_BATCH_SIZE, DEFAULT_CONCURRENCY } from '../sinks/elasticsearch/config.js';
import { esClient, indexName, startElasticsearchSink } from '../sinks/elasticsearch/index.js';
import { sinkTestKafka } from '../test/support/config.js';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    docs: { type: 'string', default: '100000' },
    batch: { type: 'string', default: String(DEFAULT_BATCH_SIZE) },
    concurrency: { type: 'string', default: String(DEFAULT_CONCURRENCY) },
    partitions: { type: 'string', default: '2' },
    runs: { type: 'string', default: '3' },
  },
});
const N = Number(values.docs);
const BATCH = Number(values.batch);
const CONCURRENCY = Number(values.concurrency);
const PARTITIONS = Number(values.partitions);
const ES_URL = process.env.VIGIL_ES_URL ?? 'http://127.0.0.1:9200';

function document(i: number, run: string): { id: string; doc: Record<string, unknown> } {
  const ts = new Date(Date.now() - (N - i)).toISOString();
  const id = `es-bench-${run}-${i}`;
  return {
    id,
    doc: {
      '@timestamp': ts,
      message: `Failed password for invalid user admin${i % 97} from 198.51.${(i >> 8) & 255}.${i & 255} port ${40000 + (i % 20000)} ssh2`,
      event: { kind: 'event', category: ['authentication'], type: ['start'], action: 'ssh_login', outcome: 'failure' },
      process: { name: 'sshd', pid: 1000 + (i % 5000) },
      user: { name: `admin${i % 97}` },
      source: { ip: `198.51.${(i >> 8) & 255}.${i & 255}`, port: 40000 + (i % 20000) },
      host: { name: `web-${i % 50}` },
      related: { ip: [`198.51.${(i >> 8) & 255}.${i & 255}`], user: [`admin${i % 97}`] },
      vigil: { id, input: 'bench', received_at: ts, parse_status: 'ok' },
    },
  };
}

async function count(es: Client, index: string): Promise<number> {
  await es.indices.refresh({ index }, { ignore: [404] });
  const res = await es.count({ index }, { ignore: [404] }).catch(() => ({ count: 0 }));
  return res.count ?? 0;
}

async function until(es: Client, index: string, n: number, timeoutMs = 600_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const c = await count(es, index);
    if (c >= n) return c;
    if (Date.now() > deadline) throw new Error(`${index} did not reach ${n} documents`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Steady {
  /** Documents/s. */
  rate: number;
  /** This process's CPU per 1000 documents, in ms. */
  cpuMsPer1k: number;
}

/**
 * Documents/s from the first documents visible until all `n` are: the steady rate, without the
 * start-up either side pays once (the sink's template install and group join, index creation).
 */
async function steadyRate(es: Client, index: string, n: number): Promise<Steady> {
  const first = await until(es, index, 1);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await until(es, index, n);
  const cpu = process.cpuUsage(cpu0);
  return { rate: ((n - first) / (performance.now() - t0)) * 1000, cpuMsPer1k: (cpu.user + cpu.system) / (n - first) };
}

type Mappings = Awaited<ReturnType<Client['indices']['getMapping']>>[string]['mappings'];

/** The sink: from its start until the index holds every document. Also returns the events index's mapping. */
async function sinkRun(run: string, docs: ReturnType<typeof document>[], es: Client): Promise<Steady & { mappings: Mappings }> {
  const bus = new Bus(sinkTestKafka('esbench', run, PARTITIONS), 'bench-es');
  await bus.provision();
  const producer = await bus.producer();
  for (let i = 0; i < docs.length; i += 5000) {
    const slice = docs.slice(i, i + 5000);
    await producer.send(
      bus.topics.events,
      slice.map((d) => ({ key: String((d.doc.host as { name: string }).name), value: JSON.stringify(d.doc) })),
    );
  }
  const cfg: ElasticsearchConfig = { node: ES_URL, indexPrefix: `esbench-sink-${run}` };
  const index = indexName(cfg.indexPrefix, 'events');
  const sink = await startElasticsearchSink({
    sink: {
      id: `esbench-${run}`,
      type: 'elasticsearch',
      topics: ['events'],
      batchSize: BATCH,
      concurrency: CONCURRENCY,
      maxRetries: 8,
      replicas: 0,
    },
    es: cfg,
    bus,
  });
  const steady = await steadyRate(es, index, docs.length);
  await sink.close();
  await bus.close();
  const mappings = Object.values(await es.indices.getMapping({ index }))[0]?.mappings;
  await es.indices.delete({ index }, { ignore: [404] });
  await es.indices.deleteIndexTemplate({ name: cfg.indexPrefix }, { ignore: [404] }).catch(() => undefined);
  return { ...steady, mappings };
}

/** The plain loader: `PARTITIONS` lanes of sequential `_bulk` requests into an index with the sink's mapping. */
async function loaderRun(run: string, docs: ReturnType<typeof document>[], es: Client, mappings: Mappings): Promise<Steady> {
  const index = `esbench-plain-${run}`;
  await es.indices.create({ index, mappings, settings: { number_of_replicas: 0 } });
  const lanes = Array.from({ length: PARTITIONS }, (_, lane) => docs.filter((_, i) => i % PARTITIONS === lane));
  const loading = Promise.all(
    lanes.map(async (lane) => {
      for (let i = 0; i < lane.length; i += BATCH) {
        const operations = lane.slice(i, i + BATCH).flatMap(({ id, doc }) => [{ index: { _index: index, _id: id } }, doc]);
        const res = await es.bulk({ operations });
        if (res.errors) throw new Error(`bulk into ${index} had item errors`);
      }
    }),
  );
  const steady = await steadyRate(es, index, docs.length);
  await loading;
  await es.indices.delete({ index }, { ignore: [404] });
  return steady;
}

const es = esClient({ node: ES_URL });
// The loader writes into an index with the sink's mapping, taken from a ten-document sink run.
const warm = `${Date.now().toString(36)}w`;
const { mappings } = await sinkRun(
  warm,
  Array.from({ length: 10 }, (_, i) => document(i, warm)),
  es,
);
const rows: Array<Record<string, number | boolean>> = [];
for (let r = 0; r < Number(values.runs); r++) {
  const run = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const docs = Array.from({ length: N }, (_, i) => document(i, run));
  const sinkFirst = r % 2 === 0;
  let sink: Steady;
  let loader: Steady;
  if (sinkFirst) {
    sink = await sinkRun(run, docs, es);
    loader = await loaderRun(run, docs, es, mappings);
  } else {
    loader = await loaderRun(run, docs, es, mappings);
    sink = await sinkRun(run, docs, es);
  }
  const row = {
    run: r + 1,
    sinkFirst,
    sinkDocsPerSec: Math.round(sink.rate),
    loaderDocsPerSec: Math.round(loader.rate),
    ratio: Math.round((sink.rate / loader.rate) * 100) / 100,
    sinkCpuMsPer1k: Math.round(sink.cpuMsPer1k * 10) / 10,
    loaderCpuMsPer1k: Math.round(loader.cpuMsPer1k * 10) / 10,
    load1: Math.round((loadavg()[0] ?? 0) * 10) / 10,
  };
  rows.push(row);
  console.error(JSON.stringify(row));
}
console.log(JSON.stringify({ docs: N, batch: BATCH, concurrency: CONCURRENCY, partitions: PARTITIONS, runs: rows }));
await es.close();
process.exit(0);
