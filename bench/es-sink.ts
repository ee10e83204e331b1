/**
 * bench/es-sink: documents/s the Elasticsearch sink indexes from Kafka, side by side with a plain
 * `_bulk` loader on the same node, the same documents and the same shape of work (as many
 * sequential bulk lanes as the sink has partitions, `--batch` documents per request, `_id` from
 * `vigil.id`, the sink's own index template). Goal: the sink ≥ 90% of the loader.
 *
 *   node --import tsx bench/es-sink.ts [--docs 100000] [--batch 500] [--partitions 2] [--runs 3]
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
import { esClient, indexName, startElasticsearchSink } from '../sinks/elasticsearch/index.js';
import { sinkTestKafka } from '../test/support/config.js';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    docs: { type: 'string', default: '100000' },
    batch: { type: 'string', default: '500' },
    partitions: { type: 'string', default: '2' },
    runs: { type: 'string', default: '3' },
  },
});
const N = Number(values.docs);
const BATCH = Number(values.batch);
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

/**
 * Documents/s from the first documents visible until all `n` are: the steady rate, without the
 * start-up either side pays once (the sink's template install and group join, index creation).
 */
async function steadyRate(es: Client, index: string, n: number): Promise<number> {
  const first = await until(es, index, 1);
  const t0 = performance.now();
  await until(es, index, n);
  return ((n - first) / (performance.now() - t0)) * 1000;
}

type Mappings = Awaited<ReturnType<Client['indices']['getMapping']>>[string]['mappings'];

/** The sink: from its start until the index holds every document. Also returns the events index's mapping. */
async function sinkRun(run: string, docs: ReturnType<typeof document>[], es: Client): Promise<{ rate: number; mappings: Mappings }> {
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
    sink: { id: `esbench-${run}`, type: 'elasticsearch', topics: ['events'], batchSize: BATCH, maxRetries: 8, replicas: 0 },
    es: cfg,
    bus,
  });
  const rate = await steadyRate(es, index, docs.length);
  await sink.close();
  await bus.close();
  const mappings = Object.values(await es.indices.getMapping({ index }))[0]?.mappings;
  await es.indices.delete({ index }, { ignore: [404] });
  await es.indices.deleteIndexTemplate({ name: cfg.indexPrefix }, { ignore: [404] }).catch(() => undefined);
  return { rate, mappings };
}

/** The plain loader: `PARTITIONS` lanes of sequential `_bulk` requests into an index with the sink's mapping. */
async function loaderRun(run: string, docs: ReturnType<typeof document>[], es: Client, mappings: Mappings): Promise<number> {
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
  const rate = await steadyRate(es, index, docs.length);
  await loading;
  await es.indices.delete({ index }, { ignore: [404] });
  return rate;
}

const es = esClient({ node: ES_URL });
// The loader writes into an index with the sink's mapping, taken from a ten-document sink run.
const warm = `${Date.now().toString(36)}w`;
const { mappings } = await sinkRun(
  warm,
  Array.from({ length: 10 }, (_, i) => document(i, warm)),
  es,
);
const rows: Array<{ run: number; sinkFirst: boolean; sinkDocsPerSec: number; loaderDocsPerSec: number; ratio: number }> = [];
for (let r = 0; r < Number(values.runs); r++) {
  const run = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const docs = Array.from({ length: N }, (_, i) => document(i, run));
  const sinkFirst = r % 2 === 0;
  let sinkRate = 0;
  let loaderRate = 0;
  if (sinkFirst) {
    sinkRate = Math.round((await sinkRun(run, docs, es)).rate);
    loaderRate = Math.round(await loaderRun(run, docs, es, mappings));
  } else {
    loaderRate = Math.round(await loaderRun(run, docs, es, mappings));
    sinkRate = Math.round((await sinkRun(run, docs, es)).rate);
  }
  const row = {
    run: r + 1,
    sinkFirst,
    sinkDocsPerSec: sinkRate,
    loaderDocsPerSec: loaderRate,
    ratio: Math.round((sinkRate / loaderRate) * 100) / 100,
  };
  rows.push(row);
  console.error(JSON.stringify(row));
}
console.log(JSON.stringify({ docs: N, batch: BATCH, partitions: PARTITIONS, runs: rows }));
await es.close();
process.exit(0);
