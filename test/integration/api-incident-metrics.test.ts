/**
 * `GET /api/incidents/metrics` on REAL Elasticsearch: incidents made by the real incident builder,
 * acknowledged and closed at known minutes, indexed with Vigil's mappings; the API's figures
 * (Elasticsearch's aggregations) are checked to the minute.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex, startApiServer, type RunningApi } from '../../api/index.js';
import { elasticsearchIncidents } from '../../api/incidents.js';
import type { VigilConfig } from '../../cli/config/schema.js';
import type { ApiConfig } from '../../core/config/types.js';
import type { RunControl } from '../../playbooks/control.js';
import { ecsMappings, esClient, indexDocuments } from '../../sinks/elasticsearch/index.js';
import { cleanupTest } from '../support/cleanup.js';
import { testConfig } from '../support/config.js';
import { builtIncidents, type IncidentScript } from '../support/incident-docs.js';

const T0 = Date.parse('2026-03-02T09:00:00.000Z');
const VIEWER = `viewer-${randomBytes(16).toString('hex')}`;

/**
 * Minutes to acknowledge: high 2, 4, 6, 8 (alice, alice, bob, bob); medium 10 (then closed at
 * 40), closed unacknowledged at 30, one left open; low: one merged into the other. One more,
 * first seen a day earlier, is outside the range asked.
 */
const SCRIPTS: IncidentScript[] = [
  { host: 'h1', rule: 'r-high', level: 'high', at: 0, assignee: 'alice', changes: [{ at: 2, status: 'acknowledged' }] },
  { host: 'h2', rule: 'r-high', level: 'high', at: 1, assignee: 'alice', changes: [{ at: 5, status: 'acknowledged' }] },
  { host: 'h3', rule: 'r-high', level: 'high', at: 2, assignee: 'bob', changes: [{ at: 8, status: 'acknowledged' }] },
  { host: 'h4', rule: 'r-high', level: 'high', at: 3, assignee: 'bob', changes: [{ at: 11, status: 'acknowledged' }] },
  {
    host: 'm1',
    rule: 'r-medium',
    level: 'medium',
    at: 0,
    changes: [
      { at: 10, status: 'acknowledged' },
      { at: 40, status: 'closed' },
    ],
  },
  { host: 'm2', rule: 'r-medium', level: 'medium', at: 5, changes: [{ at: 35, status: 'closed' }] },
  { host: 'm3', rule: 'r-medium', level: 'medium', at: 6 },
  { host: 'l1', rule: 'r-low', level: 'low', at: 0 },
  { host: 'l2', rule: 'r-low', level: 'low', at: 1, changes: [{ at: 3, mergeInto: 'l1' }] },
  { host: 'old', rule: 'r-high', level: 'high', at: -24 * 60, changes: [{ at: -24 * 60 + 100, status: 'acknowledged' }] },
];
const FROM = new Date(T0 - 60_000).toISOString();
const TO = new Date(T0 + 3_600_000).toISOString();

let config: VigilConfig;
let api: RunningApi;
let reader: ReturnType<typeof esClient>;

interface Stats {
  mean: number | null;
  median: number | null;
  p90: number | null;
}
interface Figures {
  count: number;
  acknowledged: number;
  mtta: Stats;
  resolved: number;
  mttr: Stats;
}
interface Body extends Figures {
  from: string | null;
  to: string | null;
  groups: Array<Figures & { key: string | null; name?: string }>;
  other: number;
  error: { code: string; fields: Array<{ field: string; message: string }> };
  paths: Record<string, Record<string, { operationId: string; 'x-vigil-role': string; parameters: Array<{ name: string }> }>>;
}

async function get(path: string, token: string | null = VIEWER) {
  const res = await fetch(`${api.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, body: (await res.json()) as Body };
}
const range = `from=${encodeURIComponent(FROM)}&to=${encodeURIComponent(TO)}`;
const none: Stats = { mean: null, median: null, p90: null };

beforeAll(async () => {
  config = testConfig('apimetrics');
  const prefix = config.elasticsearch.indexPrefix;
  const es = esClient(config.elasticsearch);
  await es.indices.create({ index: `${prefix}-incidents`, mappings: ecsMappings({ matchOnlyText: false, wildcard: false }) as never });
  const docs = builtIncidents(T0, SCRIPTS);
  await indexDocuments(
    es,
    `${prefix}-incidents`,
    [...docs.values()].map((d) => ({ id: d.incident.id, doc: d })),
  );
  await es.indices.refresh({ index: `${prefix}-incidents` });
  await es.close();
  reader = esClient(config.elasticsearch);
  const apiConfig: ApiConfig = {
    enabled: true,
    host: '127.0.0.1',
    port: 0,
    maxBodyBytes: 4096,
    tokens: [{ name: 'viewer-bot', role: 'viewer', sha256: sha256Hex(VIEWER) }],
  };
  api = await startApiServer({
    config: apiConfig,
    deps: {
      incidents: elasticsearchIncidents(reader, prefix),
      publishStatus: async () => undefined,
      audit: async () => undefined,
      runs: {} as RunControl,
      playbooks: () => [],
    },
  });
}, 60_000);

afterAll(async () => {
  await api?.close();
  await reader?.close();
  if (config) await cleanupTest(config);
}, 60_000);

describe('GET /api/incidents/metrics', () => {
  it('gives count, acknowledged and resolved counts, and mean, median and p90 minutes of the incidents in the range', async () => {
    const res = await get(`/api/incidents/metrics?${range}`);
    expect(res.status).toBe(200);
    // Acknowledged after 2, 4, 6, 8 and 10 minutes; resolved after 40 and 30 (the merge resolves nothing).
    expect(res.body).toEqual({
      from: FROM,
      to: TO,
      count: 9,
      acknowledged: 5,
      mtta: { mean: 6, median: 6, p90: 9.2 },
      resolved: 2,
      mttr: { mean: 35, median: 35, p90: 39 },
    });
  });

  it('counts the incident first seen before `from` only when the range holds it', async () => {
    const all = await get('/api/incidents/metrics');
    expect(all.body).toMatchObject({ from: null, to: null, count: 10, acknowledged: 6, mtta: { mean: 21.667, median: 7 } });
  });

  it('groups by severity, rule (with its name) and assignee (unassigned last, as null)', async () => {
    const bySeverity = await get(`/api/incidents/metrics?${range}&group_by=severity`);
    expect(bySeverity.body.groups).toEqual([
      { key: 'high', count: 4, acknowledged: 4, mtta: { mean: 5, median: 5, p90: 7.4 }, resolved: 0, mttr: none },
      {
        key: 'medium',
        count: 3,
        acknowledged: 1,
        mtta: { mean: 10, median: 10, p90: 10 },
        resolved: 2,
        mttr: { mean: 35, median: 35, p90: 39 },
      },
      { key: 'low', count: 2, acknowledged: 0, mtta: none, resolved: 0, mttr: none },
    ]);
    expect(bySeverity.body.other).toBe(0);

    const byRule = await get(`/api/incidents/metrics?${range}&group_by=rule&size=2`);
    expect(byRule.body.groups.map((g) => [g.key, g.name, g.count])).toEqual([
      ['r-high', 'Rule r-high', 4],
      ['r-medium', 'Rule r-medium', 3],
    ]);
    expect(byRule.body.other).toBe(2);
    expect(byRule.body.count).toBe(9);

    const byAssignee = await get(`/api/incidents/metrics?${range}&group_by=assignee`);
    expect(byAssignee.body.groups.map((g) => [g.key, g.count, g.acknowledged, g.mtta, g.resolved])).toEqual([
      ['alice', 2, 2, { mean: 3, median: 3, p90: 3.8 }, 0],
      ['bob', 2, 2, { mean: 7, median: 7, p90: 7.8 }, 0],
      [null, 5, 1, { mean: 10, median: 10, p90: 10 }, 2],
    ]);
  });

  it('takes the incident list filters', async () => {
    const high = await get(`/api/incidents/metrics?${range}&severity=high,low`);
    expect(high.body).toMatchObject({ count: 6, acknowledged: 4, mtta: { mean: 5 } });
    const bob = await get(`/api/incidents/metrics?${range}&assignee=bob`);
    expect(bob.body).toMatchObject({ count: 2, mtta: { mean: 7 } });
    const rule = await get(`/api/incidents/metrics?${range}&rule=r-medium`);
    expect(rule.body).toMatchObject({ count: 3, resolved: 2 });
  });

  it.each([
    ['group_by=owner', 'group_by', 'must be one of severity, rule, assignee'],
    ['from=yesterday', 'from', 'must be an RFC 3339 time'],
    [`from=${encodeURIComponent(TO)}&to=${encodeURIComponent(FROM)}`, 'to', 'must be after from'],
    ['size=0', 'size', 'must be at least 1'],
    ['size=many', 'size', 'must be a whole number'],
    ['severity=urgent', 'severity', 'takes a comma-separated list of informational, low, medium, high, critical'],
    ['sort=risk', 'sort', 'is not a known field'],
  ])('400 naming the parameter for %s', async (q, field, message) => {
    const res = await get(`/api/incidents/metrics?${q}`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('API_REQUEST_INVALID');
    expect(res.body.error.fields).toEqual([{ field, message }]);
  });

  it('needs a token, as the other incident reads do', async () => {
    expect((await get('/api/incidents/metrics', null)).status).toBe(401);
    expect((await get('/api/incidents/metrics', `${VIEWER}x`)).status).toBe(401);
  });

  it('is in the OpenAPI document with its parameters and role', async () => {
    const doc = await get('/api/openapi.json');
    const op = doc.body.paths['/api/incidents/metrics']?.get;
    expect(op?.operationId).toBe('incidentMetrics');
    expect(op?.['x-vigil-role']).toBe('viewer');
    expect(op?.parameters.map((p) => p.name)).toEqual(['from', 'to', 'group_by', 'size', 'severity', 'rule', 'assignee']);
  });
});
