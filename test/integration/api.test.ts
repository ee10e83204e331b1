/**
 * The responder API on REAL Kafka, Redis and Elasticsearch: incidents read from an index, status
 * changes on `vigil.incident-status`, audit records on `vigil.actions`, playbook runs on a real
 * responder (BullMQ on Redis) whose approval step the API decides.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES, sha256Hex, startApiServer, type ChangeAuditDocument, type RunningApi } from '../../api/index.js';
import { elasticsearchIncidents } from '../../api/incidents.js';
import type { VigilConfig } from '../../cli/config/schema.js';
import { Bus, type InRecord } from '../../core/bus/index.js';
import type { ApiConfig } from '../../core/config/types.js';
import {
  changeAuditRecord,
  changeAuditDocument,
  decodeIncidentChange,
  decodeStatusChange,
  ensureIncidentStatusTopic,
  publishStatusChanges,
} from '../../detections/incidents/index.js';
import { runIdOf } from '../../playbooks/index.js';
import { ecsMappings, esClient, indexDocuments } from '../../sinks/elasticsearch/index.js';
import { cleanupTest } from '../support/cleanup.js';
import { testConfig } from '../support/config.js';
import { HIGH, find, harness, incident, runEnded, type Harness } from '../support/playbooks.js';
import { waitFor } from '../support/wait.js';

const ROLES = ['viewer', 'analyst', 'responder', 'admin'] as const;
const token = Object.fromEntries(ROLES.map((r) => [r, `${r}-${randomBytes(16).toString('hex')}`])) as Record<
  (typeof ROLES)[number],
  string
>;

let config: VigilConfig;
let bus: Bus;
let api: RunningApi;
let h: Harness;
let statusTopic: string;
let actionsTopic: string;
let reader: ReturnType<typeof esClient>;
const es = () => esClient(config.elasticsearch);

/** An incident document as the ES sink writes it: first seen as `@timestamp`, the fields the builder sets. */
const incidentDoc = (id: string, status: string, severity = 'high') => ({
  '@timestamp': '2026-01-02T03:04:05.000Z',
  ...incident(id, { status, severity, alerts: [`alert-${id}`], rules: [{ id: 'r-1', name: 'Sudo to root' }] }),
  vigil: { id, emitted_status: status },
});

/** The fields the responses of the routes under test carry, read loosely: each test asserts what it needs. */
interface Operation {
  'x-vigil-role': string;
  requestBody: { content: Record<string, { schema: { required: string[] } }> };
  responses: Record<string, unknown>;
}
interface Body {
  error: { code: string; message: string; fields: Array<{ field: string; message: string }> };
  incidents: Array<{ incident: { id: string } }>;
  alerts: Array<{ vigil: { id: string } }>;
  steps: Array<{ ref: string; status: string }>;
  runs: Array<{ id: string }>;
  run: string;
  status: string;
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
}

async function call(
  method: string,
  path: string,
  opts: { as?: keyof typeof token; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
) {
  const res = await fetch(`${api.url}${path}`, {
    method,
    headers: {
      ...(opts.as ? { authorization: `Bearer ${token[opts.as]}` } : {}),
      ...(opts.body !== undefined || opts.raw !== undefined ? { 'content-type': 'application/json' } : {}),
      ...opts.headers,
    },
    ...(opts.raw !== undefined ? { body: opts.raw } : opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Body };
}

/** Reads `topic` from the beginning until `pick` finds what it looks for. */
async function readUntil<T>(topic: string, pick: (records: InRecord[]) => T | undefined): Promise<T> {
  let found: T | undefined;
  await bus.read(topic, { until: (rs) => (found = pick(rs)) !== undefined, timeoutMs: 30_000 });
  if (found === undefined) throw new Error(`nothing on ${topic} matched`);
  return found;
}
const auditDocs = (rs: InRecord[]) => rs.map((r) => JSON.parse(r.value.toString('utf8')) as ChangeAuditDocument);

const approvalPlaybook = [
  'id: api-approve',
  'secrets: [HOOK]',
  HIGH,
  'inputs: { note: { type: string, default: "-" } }',
  'steps:',
  '  - ref: ok',
  '    approval: { prompt: "Block?", timeout: 10m }',
  '  - ref: block',
  '    needs: [ok]',
  '    action: http.request',
  '    args: { url: "${{ secrets.HOOK }}/block/${{ $.incident.source.ip }}" }',
  '  - ref: confirm',
  '    needs: [block]',
  '    approval: { prompt: "Blocked?", timeout: 10m }',
].join('\n');

beforeAll(async () => {
  config = testConfig('api');
  bus = new Bus(config.kafka, 'api-test');
  await bus.provision();
  statusTopic = await ensureIncidentStatusTopic(config.kafka);
  actionsTopic = `${config.kafka.topicPrefix}vigil.actions`;
  const client = es();
  const prefix = config.elasticsearch.indexPrefix;
  await client.indices.create({ index: `${prefix}-incidents`, mappings: ecsMappings({ matchOnlyText: false, wildcard: false }) as never });
  await client.indices.create({ index: `${prefix}-alerts`, mappings: ecsMappings({ matchOnlyText: false, wildcard: false }) as never });
  await indexDocuments(client, `${prefix}-incidents`, [
    { id: 'inc-open', doc: incidentDoc('inc-open', 'open') },
    { id: 'inc-closed', doc: incidentDoc('inc-closed', 'closed', 'low') },
    { id: 'inc-run', doc: incidentDoc('inc-run', 'open') },
  ]);
  await indexDocuments(client, `${prefix}-alerts`, [
    {
      id: 'alert-inc-open',
      doc: { '@timestamp': '2026-01-02T03:04:05Z', vigil: { id: 'alert-inc-open' }, rule: { name: 'Sudo to root' } },
    },
  ]);
  await client.indices.refresh({ index: `${prefix}-*` });
  await client.close();

  h = await harness({ playbooks: { 'a.yml': approvalPlaybook } });
  reader = esClient(config.elasticsearch);
  const publisher = await bus.producer();
  const apiConfig: ApiConfig = {
    enabled: true,
    host: '127.0.0.1',
    port: 0,
    maxBodyBytes: 4096,
    tokens: ROLES.map((r) => ({ name: `${r}-bot`, role: r, sha256: sha256Hex(token[r]) })),
  };
  api = await startApiServer({
    config: apiConfig,
    deps: {
      incidents: elasticsearchIncidents(reader, prefix),
      publishStatus: (c) => publishStatusChanges(publisher, statusTopic, [c]),
      audit: (e) => publisher.send(actionsTopic, [changeAuditRecord(changeAuditDocument(e))]),
      runs: h.responder.control,
      playbooks: () => h.responder.playbooks,
    },
  });
}, 60_000);

afterAll(async () => {
  await api?.close();
  await reader?.close();
  await h?.close();
  await bus?.close();
  if (config) await cleanupTest(config);
}, 60_000);

describe('authentication and roles', () => {
  // One read and one change per route family, and the least role each change needs.
  const families = [
    { read: '/api/incidents', change: ['POST', '/api/incidents/inc-closed/ack', {}] as const, least: 'analyst' },
    { read: '/api/playbooks', change: ['POST', '/api/playbooks/api-approve/runs', { incident: 'nope' }] as const, least: 'responder' },
    { read: '/api/runs', change: ['POST', '/api/runs/no-such-run/cancel', {}] as const, least: 'responder' },
  ];

  it.each(families)('$read: 401 without a token or with a wrong one, 200 for every role', async ({ read }) => {
    expect((await call('GET', read)).status).toBe(401);
    expect((await call('GET', read, { headers: { authorization: `Bearer ${token.admin}x` } })).status).toBe(401);
    for (const r of ROLES) expect((await call('GET', read, { as: r })).status, r).toBe(200);
  });

  it.each(families)('$change.1: 403 below $least, past the role check at and above it', async ({ change, least }) => {
    const [method, path, body] = change;
    expect((await call(method, path, { body })).status).toBe(401);
    for (const r of ROLES) {
      const res = await call(method, path, { as: r, body });
      if (ROLES.indexOf(r) < ROLES.indexOf(least as (typeof ROLES)[number])) {
        expect(res.status, r).toBe(403);
        expect(res.body.error.code).toBe('API_FORBIDDEN');
      } else expect(res.status, r).not.toBe(403);
    }
  });
});

describe('incidents', () => {
  it('lists with filters from Elasticsearch and gets one with its alerts', async () => {
    const open = await call('GET', '/api/incidents?status=open&severity=high', { as: 'viewer' });
    expect(open.status).toBe(200);
    expect(open.body.incidents.map((d) => d.incident.id).sort()).toEqual(['inc-open', 'inc-run']);
    const closed = await call('GET', '/api/incidents?status=closed', { as: 'viewer' });
    expect(closed.body.incidents.map((d) => d.incident.id)).toEqual(['inc-closed']);
    const ids = async (q: string) =>
      (await call('GET', `/api/incidents${q}`, { as: 'viewer' })).body.incidents.map((d) => d.incident.id).sort();
    expect(await ids('?rule=Sudo%20to%20root&severity=low')).toEqual(['inc-closed']);
    expect(await ids('?rule=other-rule')).toEqual([]);
    expect(await ids('?entity=203.0.113.45&limit=2')).toHaveLength(2);
    expect(await ids('?entity=web-99')).toEqual([]);
    expect(await ids('?from=2026-01-02T03:04:05Z&to=2026-01-02T03:04:06Z')).toEqual(['inc-closed', 'inc-open', 'inc-run']);
    expect(await ids('?from=2026-01-02T03:04:06Z')).toEqual([]);
    // Text: words of the title in any case and order, all of them; or a whole entity.
    expect(await ids('?q=ROOT%20sudo')).toEqual(['inc-closed', 'inc-open', 'inc-run']);
    expect(await ids('?q=sudo%20root&status=closed')).toEqual(['inc-closed']);
    expect(await ids('?q=sudo%20brute')).toEqual([]);
    expect(await ids('?q=198.51.100.7&severity=low')).toEqual(['inc-closed']);
    expect(await ids('?q=%22unbalanced')).toEqual([]);
    const one = await call('GET', '/api/incidents/inc-open', { as: 'viewer' });
    expect(one.status).toBe(200);
    expect(one.body.alerts.map((a) => a.vigil.id)).toEqual(['alert-inc-open']);
    expect((await call('GET', '/api/incidents/nope', { as: 'viewer' })).status).toBe(404);
  });

  it('ack: the status record reaches vigil.incident-status and the audit record vigil.actions, with who did it', async () => {
    const res = await call('POST', '/api/incidents/inc-open/ack', { as: 'analyst', body: { reason: 'looking' } });
    expect(res.status).toBe(202);
    const change = await readUntil(statusTopic, (rs) => rs.map(decodeStatusChange).find((c) => c.incident_id === 'inc-open'));
    expect(change).toMatchObject({ status: 'acknowledged', by: 'api:analyst-bot', reason: 'looking', source: 'api' });
    const audit = await readUntil(actionsTopic, (rs) =>
      auditDocs(rs).find((d) => d.event.action === 'api.incident.status' && d.vigil.incident?.id === 'inc-open'),
    );
    expect(audit.user).toEqual({ name: 'analyst-bot', roles: ['analyst'] });
    expect(audit.vigil.api.details).toEqual({ from: 'open', to: 'acknowledged', reason: 'looking' });
  });

  it('409 for a transition the incident is not in; 400 naming the field for close without a reason', async () => {
    const again = await call('POST', '/api/incidents/inc-closed/close', { as: 'analyst', body: { reason: 'dup' } });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'API_CONFLICT', message: expect.stringContaining('is closed') });
    const noReason = await call('POST', '/api/incidents/inc-run/close', { as: 'analyst', body: {} });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.fields).toEqual([{ field: 'reason', message: 'is required' }]);
  });

  it('assign, notes, severity and merge write change records for the incident builder; 409 where the state refuses', async () => {
    const asks = [
      ['assign', { assignee: 'alice' }, { kind: 'assign', assignee: 'alice' }],
      ['notes', { text: 'seen before' }, { kind: 'note', text: 'seen before' }],
      ['severity', { severity: 'low', reason: 'lab' }, { kind: 'severity', severity: 'low', reason: 'lab' }],
      ['merge', { into: 'inc-run' }, { kind: 'merge', into: 'inc-run' }],
    ] as const;
    for (const [verb, body, expected] of asks) {
      const res = await call('POST', `/api/incidents/inc-open/${verb}`, { as: 'analyst', body });
      expect(res.status, verb).toBe(202);
      const change = await readUntil(statusTopic, (rs) =>
        rs.map(decodeIncidentChange).find((c) => c.incident_id === 'inc-open' && c.kind === expected.kind),
      );
      expect(change).toMatchObject({ ...expected, by: 'api:analyst-bot', source: 'api' });
    }
    const closed = await call('POST', '/api/incidents/inc-closed/assign', { as: 'analyst', body: { assignee: 'alice' } });
    expect(closed.status).toBe(409);
    expect(closed.body.error).toMatchObject({ code: 'API_CONFLICT', message: expect.stringContaining('is closed') });
    expect((await call('POST', '/api/incidents/inc-open/merge', { as: 'analyst', body: { into: 'inc-closed' } })).status).toBe(409);
  });
});

describe('bad input', () => {
  it('400 for malformed JSON, a wrong field type, an unknown field and a bad query value', async () => {
    const bad = await call('POST', '/api/incidents/inc-run/ack', { as: 'analyst', raw: '{"reason":' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields[0].field).toBe('(body)');
    const typed = await call('POST', '/api/playbooks/api-approve/runs', { as: 'responder', body: { incident: 5, extra: true } });
    expect(typed.status).toBe(400);
    expect(typed.body.error.fields).toEqual([
      { field: 'extra', message: 'is not a known field' },
      { field: 'incident', message: 'must be a string' },
    ]);
    const query = await call('GET', '/api/incidents?limit=0&status=bogus', { as: 'viewer' });
    expect(query.status).toBe(400);
    expect(query.body.error.fields).toEqual([{ field: 'limit', message: 'must be at least 1' }]);
  });

  it('413 for a body over api.maxBodyBytes', async () => {
    const res = await call('POST', '/api/incidents/inc-run/ack', { as: 'analyst', body: { reason: 'x'.repeat(5000) } });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('API_BODY_TOO_LARGE');
  });
});

describe('playbook runs', () => {
  it('starts a run, shows it waiting, refuses a step that is not waiting (409), approves the waiting one and the run continues', async () => {
    // The responder knows incidents from vigil.incidents; dispatching one records it.
    await h.responder.dispatch(incident('inc-run'));
    const dispatched = runIdOf('api-approve', 'inc-run');
    await waitFor('approval requested', async () => find(h.audit, 'playbook.approval.requested', { run: dispatched })[0], 10_000, 25);

    const started = await call('POST', '/api/playbooks/api-approve/runs', {
      as: 'responder',
      body: { incident: 'inc-run', inputs: { note: 'by api' } },
    });
    expect(started.status).toBe(202);
    const runId = started.body.run as string;
    await waitFor('manual approval requested', async () => find(h.audit, 'playbook.approval.requested', { run: runId })[0], 10_000, 25);

    const shown = await call('GET', `/api/runs/${runId}`, { as: 'viewer' });
    expect(shown.body).toMatchObject({ status: 'running', trigger: 'manual', by: 'api:responder-bot', inputs: { note: 'by api' } });
    expect(shown.body.steps.map((s) => [s.ref, s.status])).toEqual([
      ['ok', 'awaiting_approval'],
      ['block', 'pending'],
      ['confirm', 'pending'],
    ]);

    const notApproval = await call('POST', `/api/runs/${runId}/steps/block/approve`, { as: 'responder', body: {} });
    expect(notApproval.status).toBe(409);
    expect(notApproval.body.error.message).toContain('not an approval step');
    const notYet = await call('POST', `/api/runs/${runId}/steps/confirm/approve`, { as: 'responder', body: {} });
    expect(notYet.status).toBe(409);
    expect(notYet.body.error.message).toContain('has not begun');
    expect((await call('POST', `/api/runs/${runId}/steps/nope/approve`, { as: 'responder', body: {} })).status).toBe(404);

    const approved = await call('POST', `/api/runs/${runId}/steps/ok/approve`, { as: 'responder', body: { reason: 'known attacker' } });
    expect(approved.status).toBe(200);
    // The run continues: the blocking step runs, then the second approval waits, and approving it ends the run.
    await waitFor(
      'second approval requested',
      async () => find(h.audit, 'playbook.approval.requested', { run: runId, step: 'confirm' })[0],
      10_000,
      25,
    );
    expect(h.hook.calls.map((c) => c.path)).toContain('/block/203.0.113.45');
    expect((await call('POST', `/api/runs/${runId}/steps/confirm/approve`, { as: 'responder', body: {} })).status).toBe(200);
    await runEnded(h, runId);
    const decided = find(h.audit, 'playbook.approval.decided', { run: runId })[0];
    expect(decided?.vigil.playbook.approval).toMatchObject({ decision: 'approved', by: 'api:responder-bot', reason: 'known attacker' });

    const twice = await call('POST', `/api/runs/${runId}/steps/ok/deny`, { as: 'responder', body: {} });
    expect(twice.status).toBe(409);
    const ended = await call('GET', `/api/runs/${runId}`, { as: 'viewer' });
    expect(ended.body.status).toBe('succeeded');

    const cancelled = await call('POST', `/api/runs/${dispatched}/cancel`, { as: 'responder', body: { reason: 'duplicate' } });
    expect(cancelled.status).toBe(202);
    const audit = await readUntil(actionsTopic, (rs) => {
      const mine = auditDocs(rs).filter((d) => d.user?.name === 'responder-bot');
      const actions = new Set(mine.map((d) => d.event.action));
      return actions.has('api.playbook.run.cancel') && actions.has('api.playbook.step.approve') ? mine : undefined;
    });
    expect(new Set(audit.map((d) => d.event.action))).toEqual(
      new Set(['api.playbook.run.start', 'api.playbook.step.approve', 'api.playbook.run.cancel']),
    );
    expect(audit.find((d) => d.event.action === 'api.playbook.step.approve')?.vigil.playbook).toEqual({
      id: 'api-approve',
      run_id: runId,
      step: 'ok',
    });
    expect((await call('GET', `/api/runs?incident=inc-run`, { as: 'viewer' })).body.runs.map((r) => r.id)).toContain(runId);
  }, 60_000);
});

describe('OpenAPI document', () => {
  it('lists every route with its method, role and schemas', async () => {
    const res = await call('GET', '/api/openapi.json', { as: 'viewer' });
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    const listed = Object.entries(res.body.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([m, op]) => `${m.toUpperCase()} ${path} ${op['x-vigil-role']}`),
    );
    expect(listed.sort()).toEqual([...ROUTES.map((r) => `${r.method} ${r.path} ${r.role}`), 'GET /api/openapi.json viewer'].sort());
    const close = res.body.paths['/api/incidents/{incident}/close'].post;
    expect(close.requestBody.content['application/json'].schema.required).toEqual(['reason']);
    expect(Object.keys(close.responses).sort()).toEqual(['202', '400', '401', '403', '404', '409', '413']);
  });
});
