/**
 * bench/api-incidents: latency of filtered incident lists, and of the time to acknowledge and to
 * resolve (`/api/incidents/metrics`), through the responder API, served by a real
 * `vigil run --stage respond` process, with N incidents in the real local Elasticsearch (the
 * target: p99 under 50 ms at 10,000). The incidents are the incident builder's own documents
 * (triggering event, rules, entity risk; a third acknowledged, a third closed), bulk-loaded into
 * an index the Elasticsearch sink's templates map. Each query is timed on its own, request by
 * request from this process (HTTP, auth, the API's search, JSON), `--concurrency` at once.
 *
 *   node --import tsx bench/api-incidents.ts [--incidents 10000] [--requests 300] [--seconds 60] [--concurrency 1]
 *
 * Each query stops at `--requests` or after `--seconds`, whichever comes first; Ctrl-C stops the
 * run and still cleans up (the process, the index, the topics).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { elasticsearchIncidents, sha256Hex, type IncidentFilter } from '../api/index.js';
import type { MetricsFilter } from '../api/incident-metrics.js';
import { logger } from '../core/telemetry/index.js';
import { IncidentBuilder } from '../detections/incidents/index.js';
import { buildAlert } from '../detections/model/index.js';
import { esClient, indexDocuments, installTemplates, probeCapabilities, resolveSinkConfig } from '../sinks/elasticsearch/index.js';
import { exitOf, freePort, spawnVigil } from '../test/support/child.js';
import { cleanupTest } from '../test/support/cleanup.js';
import { testConfig } from '../test/support/config.js';
import { num } from './args.js';

const { values } = parseArgs({
  options: {
    incidents: { type: 'string', default: '10000' },
    requests: { type: 'string', default: '300' },
    seconds: { type: 'string', default: '60' },
    concurrency: { type: 'string', default: '1' },
  },
});
const total = num(values, 'incidents');
const requests = num(values, 'requests');
const concurrency = num(values, 'concurrency');
const seconds = num(values, 'seconds');
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => (interrupted = true));

/** Each query as the API takes it, and as its Elasticsearch reader does (timed alone beside it): a list, or time-to-acknowledge figures. */
const QUERIES: ReadonlyArray<{ name: string; url: string; filter?: IncidentFilter; metrics?: MetricsFilter }> = [
  {
    name: 'open, high or critical, newest first, 50',
    url: '?status=open&severity=high,critical&sort=newest&limit=50',
    filter: { status: ['open'], severity: ['high', 'critical'], sort: 'newest', limit: 50, offset: 0 },
  },
  {
    name: 'open, high or critical, riskiest first, 50',
    url: '?status=open&severity=high,critical&sort=risk&limit=50',
    filter: { status: ['open'], severity: ['high', 'critical'], sort: 'risk', limit: 50, offset: 0 },
  },
  {
    name: 'text "brute force", open, newest first, 50',
    url: '?q=brute%20force&status=open&limit=50',
    filter: { q: 'brute force', status: ['open'], limit: 50, offset: 0 },
  },
  { name: 'entity user-4242, any status', url: '?entity=user-4242', filter: { entity: 'user-4242', limit: 50, offset: 0 } },
  { name: 'metrics: MTTA/MTTR of all', url: '/metrics', metrics: { size: 20 } },
  {
    name: 'metrics: MTTA/MTTR by rule, one week',
    url: '/metrics?group_by=rule&from=2026-11-01T00:00:00Z&to=2026-11-08T00:00:00Z',
    metrics: { size: 20, groupBy: 'rule', from: '2026-11-01T00:00:00.000Z', to: '2026-11-08T00:00:00.000Z' },
  },
];

const RULES = [
  ['ssh-brute', 'SSH brute force', 'high', 'T1110', 'credential-access'],
  ['sudo-root', 'Sudo to root by a service account', 'critical', 'T1548.003', 'privilege-escalation'],
  ['ps-cradle', 'PowerShell download cradle', 'medium', 'T1059.001', 'execution'],
  ['c2-out', 'Outbound connection to a known C2 address', 'high', 'T1071', 'command-and-control'],
  ['new-admin', 'New local administrator', 'low', 'T1136.001', 'persistence'],
] as const;

/** `total` incidents as the builder writes them: one alert each, on hosts and users of their own. */
function incidents(): Array<{ id: string; doc: object }> {
  const builder = new IncidentBuilder({ maxIncidents: total + 1 });
  const t0 = Date.parse('2026-11-01T00:00:00Z');
  const docs = new Map<string, object>();
  for (let i = 0; i < total; i++) {
    const [id, title, level, technique, tactic] = RULES[i % RULES.length] as (typeof RULES)[number];
    const at = new Date(t0 + i * 60_000).toISOString();
    const host = `${['web', 'db', 'mail', 'vpn', 'ws'][i % 5]}-${String(i % 1000).padStart(3, '0')}`;
    const event = {
      '@timestamp': at,
      message: `${title}: 12 failures for root from 203.0.113.${i % 250} on ${host}`,
      event: { kind: 'event', category: ['authentication'], outcome: 'failure', action: 'ssh_login' },
      host: { name: `${host}.${i}`, ip: [`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`], os: { type: 'linux' } },
      user: { name: `user-${i}` },
      source: { ip: `203.0.113.${i % 250}`, port: 40_000 + (i % 20_000) },
      process: { name: 'sshd', pid: 1000 + i },
      vigil: { id: `ev-${i}`, input: 'bench', received_at: at, parse_status: 'ok' },
    };
    const rule = {
      id,
      title,
      level,
      tags: [`attack.${tactic}`, `attack.${technique.toLowerCase()}`],
      references: [],
      techniques: [technique],
      tactics: [tactic],
    };
    const r = builder.add(buildAlert(rule, event as never, ['selection'], new Date(at)));
    let doc = r.document;
    if (i % 3 === 1) doc = builder.applyStatus(r.incidentId, 'acknowledged', new Date(t0 + i * 60_000 + 300_000), 'bench') ?? doc;
    if (i % 3 === 2) doc = builder.applyStatus(r.incidentId, 'closed', new Date(t0 + i * 60_000 + 600_000), 'bench', 'benign') ?? doc;
    if (doc) docs.set(r.incidentId, doc);
  }
  return [...docs].map(([id, doc]) => ({ id, doc }));
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;

const config = testConfig('bench-api-inc');
config.inputs = [];
const es = esClient(config.elasticsearch);
const work = mkdtempSync(join(tmpdir(), 'vigil-bench-api-'));
const log = join(work, 'run.log');
let child: Awaited<ReturnType<typeof spawnVigil>> | undefined;
try {
  const sinkCfg = resolveSinkConfig(
    { type: 'elasticsearch', id: 'bench', topics: ['incidents'], batchSize: 500, maxRetries: 3, replicas: 0 } as never,
    config.elasticsearch,
  );
  const quiet = logger('bench');
  await installTemplates(es, sinkCfg, await probeCapabilities(es, quiet), quiet);
  const index = `${config.elasticsearch.indexPrefix}-incidents`;
  const docs = incidents();
  const bytes = docs.reduce((n, d) => n + JSON.stringify(d.doc).length, 0);
  const loadStart = performance.now();
  await indexDocuments(es, index, docs, 1000);
  await es.indices.refresh({ index });
  const loaded = (await es.count({ index })).count;
  console.log(
    `bench/api-incidents: ${loaded} incidents (${(bytes / docs.length / 1024).toFixed(1)} KiB each) bulk-loaded in ${((performance.now() - loadStart) / 1000).toFixed(1)} s`,
  );

  const token = randomBytes(24).toString('hex');
  const [port, opsPort] = [await freePort(), await freePort()];
  const file = join(work, 'vigil.yaml');
  writeFileSync(
    file,
    stringify({
      ...config,
      ops: { host: '127.0.0.1', port: opsPort },
      api: { enabled: true, host: '127.0.0.1', port, tokens: [{ name: 'bench', role: 'viewer', sha256: sha256Hex(token) }] },
    }),
  );
  child = await spawnVigil(['run', '--config', file, '--stage', 'respond'], log, port);
  const base = `http://127.0.0.1:${port}/api/incidents`;
  const get = async (q: string): Promise<{ ms: number; total: number }> => {
    const t = performance.now();
    const res = await fetch(`${base}${q}`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await res.json()) as { total?: number; count?: number };
    if (res.status !== 200) throw new Error(`${q}: ${res.status} ${JSON.stringify(body)}`);
    return { ms: performance.now() - t, total: body.total ?? body.count ?? 0 };
  };
  const reader = elasticsearchIncidents(es, config.elasticsearch.indexPrefix);
  const read = async (q: (typeof QUERIES)[number]): Promise<number> => {
    const t = performance.now();
    if (q.metrics) await reader.metrics(q.metrics);
    else await reader.list(q.filter as IncidentFilter);
    return performance.now() - t;
  };
  for (let i = 0; i < 40; i++) {
    const q = QUERIES[i % QUERIES.length] as (typeof QUERIES)[number];
    await get(q.url); // warm-up: JIT, ES caches
    await read(q);
  }

  const load = () =>
    loadavg()
      .map((l) => l.toFixed(1))
      .join(' ');
  console.log(`  load average before: ${load()} (2 cores)`);
  console.log(`  up to ${requests} requests or ${seconds} s per query, ${concurrency} at once, to a vigil run process; ms:`);
  console.log('  (api: the request through the vigil process; es: the same search by its reader from this process, between requests)');
  for (const query of QUERIES) {
    const { name, url: q } = query;
    if (interrupted) break;
    const times: number[] = [];
    const esTimes: number[] = [];
    let sent = 0;
    let matched = 0;
    const start = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (sent++ < requests && !interrupted && performance.now() - start < seconds * 1000) {
          const r = await get(q);
          times.push(r.ms);
          matched = r.total;
          esTimes.push(await read(query));
        }
      }),
    );
    const took = (performance.now() - start) / 1000;
    times.sort((a, b) => a - b);
    esTimes.sort((a, b) => a - b);
    const f = (t: number[], p: number) => pct(t, p).toFixed(1).padStart(6);
    console.log(`  ${name} (${matched} match, ${times.length} requests, ${Math.round((2 * times.length) / took)} req/s of both)`);
    for (const [what, t] of [
      ['api', times],
      ['es', esTimes],
    ] as const)
      console.log(`    ${what.padEnd(4)} p50 ${f(t, 50)}  p95 ${f(t, 95)}  p99 ${f(t, 99)}  max ${f(t, 100)}`);
  }
  console.log(`  load average after: ${load()}`);
} finally {
  if (child) {
    child.kill('SIGTERM');
    const code = await exitOf(child);
    if (code !== 0) console.error(`vigil run exited with ${code}:\n${readFileSync(log, 'utf8').slice(-2000)}`);
  }
  await es.close();
  await cleanupTest(config);
  rmSync(work, { recursive: true, force: true });
}
