/**
 * bench/api: latency of a filtered incident list through the responder API, with N incidents in
 * the real local Elasticsearch (the target: p99 under 50 ms at 10,000 incidents).
 *
 *   node --import tsx bench/api.ts [--incidents 10000] [--requests 2000] [--concurrency 4]
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { elasticsearchIncidents, sha256Hex, startApiServer } from '../api/index.js';
import type { RunControl } from '../playbooks/control.js';
import { ecsMappings, esClient, indexDocuments } from '../sinks/elasticsearch/index.js';
import { cleanupTest } from '../test/support/cleanup.js';
import { testConfig } from '../test/support/config.js';

const { values } = parseArgs({
  options: {
    incidents: { type: 'string', default: '10000' },
    requests: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '4' },
  },
});
const total = Number(values.incidents);
const requests = Number(values.requests);
const concurrency = Number(values.concurrency);

const STATUSES = ['open', 'acknowledged', 'closed'];
const SEVERITIES = ['low', 'medium', 'high', 'critical'];
const FILTERS = [
  '?status=open&severity=high,critical',
  '?status=open,acknowledged&limit=100',
  '?rule=rule-7&status=open',
  '?entity=host-42',
  '?severity=critical&from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z',
];

const config = testConfig('bench-api');
const es = esClient(config.elasticsearch);
const index = `${config.elasticsearch.indexPrefix}-incidents`;
try {
  await es.indices.create({ index, mappings: ecsMappings({ matchOnlyText: false, wildcard: false }) as never });
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  const docs = Array.from({ length: total }, (_, i) => {
    const id = `inc-${i}`;
    const at = new Date(t0 + i * 60_000).toISOString();
    return {
      id,
      doc: {
        '@timestamp': at,
        incident: {
          id,
          title: `Incident ${i}`,
          status: STATUSES[i % 3],
          severity: SEVERITIES[i % 4],
          rule: { id: `rule-${i % 50}`, name: `Rule ${i % 50}`, level: SEVERITIES[i % 4], tags: [] },
          rules: [{ id: `rule-${i % 50}`, name: `Rule ${i % 50}` }],
          entities: { hosts: [`host-${i % 500}`], users: [`user-${i % 300}`], ips: [`10.0.${(i >> 8) % 256}.${i % 256}`] },
          first_seen: at,
          last_seen: at,
          alerts: [`alert-${i}`],
        },
      },
    };
  });
  await indexDocuments(es, index, docs, 2000);
  await es.indices.refresh({ index });

  const token = randomBytes(24).toString('hex');
  const api = await startApiServer({
    config: {
      enabled: true,
      host: '127.0.0.1',
      port: 0,
      maxBodyBytes: 65536,
      tokens: [{ name: 'bench', role: 'viewer', sha256: sha256Hex(token) }],
    },
    deps: {
      incidents: elasticsearchIncidents(es, config.elasticsearch.indexPrefix),
      publishStatus: async () => undefined,
      audit: async () => undefined,
      runs: {} as RunControl,
      playbooks: () => [],
    },
  });
  const get = async (q: string) => {
    const t = performance.now();
    const res = await fetch(`${api.url}/api/incidents${q}`, { headers: { authorization: `Bearer ${token}` } });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${q}: ${res.status}`);
    return performance.now() - t;
  };
  for (let i = 0; i < 50; i++) await get(FILTERS[i % FILTERS.length] as string); // warm-up
  const times: number[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests) times.push(await get(FILTERS[next++ % FILTERS.length] as string));
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  times.sort((a, b) => a - b);
  const pct = (p: number) => (times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))] as number).toFixed(1);
  console.log(`bench/api: filtered incident list, ${total} incidents in Elasticsearch, ${requests} requests, ${concurrency} at once`);
  console.log(`  p50 ${pct(50)} ms  p95 ${pct(95)} ms  p99 ${pct(99)} ms  max ${pct(100)} ms  (${Math.round(requests / seconds)} req/s)`);
  await api.close();
} finally {
  await es.close();
  await cleanupTest(config);
}
