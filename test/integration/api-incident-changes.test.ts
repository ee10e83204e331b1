/**
 * Triage through the responder API, end to end on REAL Kafka and Elasticsearch: alerts go to the
 * real incident stage, its incidents reach Elasticsearch through the real ES sink, the API reads
 * them there, and each change (assign, note, severity, merge, close) goes through
 * `vigil.incident-status` to the builder, whose new document appears on `vigil.incidents`, while
 * the API's audit record (who did it) appears on `vigil.actions`.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex, startApiServer, type ChangeAuditDocument, type RunningApi } from '../../api/index.js';
import { elasticsearchIncidents } from '../../api/incidents.js';
import type { VigilConfig } from '../../cli/config/schema.js';
import { Bus, type InRecord } from '../../core/bus/index.js';
import type { EcsEvent } from '../../core/event/index.js';
import {
  changeAuditDocument,
  changeAuditRecord,
  ensureIncidentStatusTopic,
  forIncidents,
  incidentChange,
  incidentInputTopic,
  publishIncidentChanges,
  type IncidentDocument,
} from '../../detections/incidents/index.js';
import { startIncidentStage } from '../../detections/incidents/stage.js';
import { buildAlert } from '../../detections/model/index.js';
import type { RunControl } from '../../playbooks/control.js';
import { esClient, startElasticsearchSink, type RunningElasticsearchSink } from '../../sinks/elasticsearch/index.js';
import type { RunningStage } from '../../core/stage.js';
import { cleanupTest } from '../support/cleanup.js';
import { testConfig } from '../support/config.js';
import { waitFor } from '../support/wait.js';

const ANALYST = `analyst-${randomBytes(16).toString('hex')}`;
const VIEWER = `viewer-${randomBytes(16).toString('hex')}`;
const T0 = Date.now() - 10 * 60_000;

let config: VigilConfig;
let bus: Bus;
let stages: RunningStage[] = [];
let sink: RunningElasticsearchSink | undefined;
let api: RunningApi;
let reader: ReturnType<typeof esClient>;
let statusTopic: string;
let actionsTopic: string;
let producer: Awaited<ReturnType<Bus['producer']>>;
const ids: Record<'a' | 'b' | 'c', string> = { a: '', b: '', c: '' };

function alert(n: number, host: string, rule: string, level = 'medium', minutes = 0): EcsEvent {
  const event: EcsEvent = {
    '@timestamp': new Date(T0 + minutes * 60_000).toISOString(),
    message: `event ${n}`,
    host: { name: host },
    vigil: { id: `ev-chg-${n}`, input: 'test', received_at: new Date(T0).toISOString(), parse_status: 'ok' },
  };
  return buildAlert(
    { id: rule, title: `Rule ${rule}`, level, tags: [], references: [], techniques: [], tactics: [] },
    event,
    ['selection'],
    new Date(T0),
  );
}

const sendAlerts = (alerts: EcsEvent[]) =>
  producer.send(incidentInputTopic(config.kafka.topicPrefix), forIncidents(alerts.map((a) => ({ key: null, value: JSON.stringify(a) }))));

/** The fields of the responses these tests read. */
interface Body {
  change: { id: string; at: string } & Record<string, unknown>;
  incident: IncidentDocument;
  incidents: IncidentDocument[];
  error: { code: string; message: string };
}

async function call(method: string, path: string, body?: unknown, tokenOf = ANALYST) {
  const res = await fetch(`${api.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${tokenOf}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
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
const parse = <T>(rs: InRecord[]) => rs.map((r) => JSON.parse(r.value.toString('utf8')) as T);

/** The newest version of an incident on `vigil.incidents` once `ready` holds for it. */
const incidentWhen = (id: string, ready: (d: IncidentDocument) => boolean) =>
  readUntil(bus.topics.incidents, (rs) =>
    parse<IncidentDocument>(rs)
      .filter((d) => d.incident.id === id)
      .reverse()
      .find(ready),
  );
const auditOf = (action: string, id: string) =>
  readUntil(actionsTopic, (rs) => parse<ChangeAuditDocument>(rs).find((d) => d.event.action === action && d.vigil.incident?.id === id));
/** Waits until the API (reading Elasticsearch) shows the incident with `ready`. */
const apiShows = (id: string, ready: (i: IncidentDocument['incident']) => boolean) =>
  waitFor(
    `incident ${id} in Elasticsearch`,
    async () => {
      const res = await call('GET', `/api/incidents/${id}`, undefined, VIEWER);
      return res.status === 200 && ready(res.body.incident.incident) ? res.body.incident.incident : undefined;
    },
    30_000,
    100,
  );

beforeAll(async () => {
  config = testConfig('apichg');
  config.api = { enabled: false, host: '127.0.0.1', port: 0, maxBodyBytes: 65536, tokens: [], publicUrl: 'https://vigil.example.test' };
  bus = new Bus(config.kafka, 'api-changes-test');
  await bus.provision();
  statusTopic = await ensureIncidentStatusTopic(config.kafka);
  actionsTopic = bus.topics.actions;
  producer = await bus.producer();
  stages = await startIncidentStage({ config, bus });
  sink = await startElasticsearchSink({
    sink: { id: 'es-incidents', type: 'elasticsearch', topics: ['incidents'], batchSize: 100, maxRetries: 3, replicas: 0 },
    es: config.elasticsearch,
    bus,
  });
  reader = esClient(config.elasticsearch);
  api = await startApiServer({
    config: {
      enabled: true,
      host: '127.0.0.1',
      port: 0,
      maxBodyBytes: 65536,
      tokens: [
        { name: 'analyst-bot', role: 'analyst', sha256: sha256Hex(ANALYST) },
        { name: 'viewer-bot', role: 'viewer', sha256: sha256Hex(VIEWER) },
      ],
    },
    deps: {
      incidents: elasticsearchIncidents(reader, config.elasticsearch.indexPrefix),
      publishStatus: (c) => publishIncidentChanges(producer, statusTopic, [c]),
      audit: (e) => producer.send(actionsTopic, [changeAuditRecord(changeAuditDocument(e))]),
      // The incident routes use no run control.
      runs: undefined as unknown as RunControl,
      playbooks: () => [],
    },
  });

  await sendAlerts([alert(1, 'web-a', 'r-a'), alert(2, 'web-b', 'r-b', 'high', 1), alert(3, 'web-c', 'r-c', 'medium', 2)]);
  const docs = await readUntil(bus.topics.incidents, (rs) => {
    const seen = new Map(parse<IncidentDocument>(rs).map((d) => [d.incident.group?.value, d.incident.id]));
    return seen.size >= 3 ? seen : undefined;
  });
  ids.a = docs.get('web-a') as string;
  ids.b = docs.get('web-b') as string;
  ids.c = docs.get('web-c') as string;
  for (const id of Object.values(ids)) await apiShows(id, () => true);
}, 120_000);

afterAll(async () => {
  await api?.close();
  await reader?.close();
  await sink?.close();
  for (const s of stages) await s.close();
  await bus?.close();
  if (config) {
    await bus.deleteTopics([statusTopic]).catch(() => undefined);
    const es = esClient(config.elasticsearch);
    await es.indices.deleteIndexTemplate({ name: config.elasticsearch.indexPrefix }, { ignore: [404] }).catch(() => undefined);
    await es.close();
    await cleanupTest(config);
  }
}, 60_000);

describe('incident changes through the API, the builder and vigil.incidents', () => {
  it('documents link to the console page of the incident', async () => {
    const doc = await incidentWhen(ids.a, () => true);
    expect(doc.vigil.links?.console).toBe(`https://vigil.example.test/console/#/incidents/${ids.a}`);
  });

  it('assign: the builder writes the assignee; the audit says who; the list filters by assignee', async () => {
    const res = await call('POST', `/api/incidents/${ids.a}/assign`, { assignee: 'alice' });
    expect(res.status).toBe(202);
    expect(res.body.change).toMatchObject({ kind: 'assign', assignee: 'alice', by: 'api:analyst-bot', source: 'api' });
    const doc = await incidentWhen(ids.a, (d) => d.incident.assignee === 'alice');
    expect(doc.incident.assignment?.by).toBe('api:analyst-bot');
    const audit = await auditOf('api.incident.assign', ids.a);
    expect(audit.user).toEqual({ name: 'analyst-bot', roles: ['analyst'] });
    expect(audit.vigil.api.details).toEqual({ assignee: 'alice' });
    await apiShows(ids.a, (i) => i.assignee === 'alice');
    await waitFor(
      'the assignee filter',
      async () => {
        const list = await call('GET', '/api/incidents?assignee=alice', undefined, VIEWER);
        const found = list.body.incidents.map((d: IncidentDocument) => d.incident.id);
        return found.length === 1 && found[0] === ids.a ? found : undefined;
      },
      10_000,
    );
    expect((await call('GET', '/api/incidents?assignee=nobody', undefined, VIEWER)).body.incidents).toEqual([]);
  }, 60_000);

  it('note: appended with who and when', async () => {
    const res = await call('POST', `/api/incidents/${ids.a}/notes`, { text: 'scanner from the lab, checking' });
    expect(res.status).toBe(202);
    const doc = await incidentWhen(ids.a, (d) => (d.incident.notes?.length ?? 0) > 0);
    expect(doc.incident.notes).toEqual([
      { id: res.body.change.id, by: 'api:analyst-bot', at: res.body.change.at, text: 'scanner from the lab, checking' },
    ]);
    expect((await auditOf('api.incident.note', ids.a)).vigil.api.details).toEqual({ text: 'scanner from the lab, checking' });
  }, 60_000);

  it('severity: the override is the severity, with what the alerts say beside it', async () => {
    const res = await call('POST', `/api/incidents/${ids.a}/severity`, { severity: 'critical', reason: 'domain controller' });
    expect(res.status).toBe(202);
    const doc = await incidentWhen(ids.a, (d) => d.incident.severity === 'critical');
    expect(doc.incident.severity_override).toMatchObject({
      level: 'critical',
      computed: 'medium',
      by: 'api:analyst-bot',
      reason: 'domain controller',
    });
    expect((await auditOf('api.incident.severity', ids.a)).vigil.api.details).toEqual({
      severity: 'critical',
      reason: 'domain controller',
    });
  }, 60_000);

  it('enrichments (as incident.update writes them) reach Elasticsearch whatever their shape, and the API shows them', async () => {
    // Two reports whose fields clash in type and are many: the index must take both.
    const wide = Object.fromEntries(Array.from({ length: 1200 }, (_, i) => [`f${i}`, i]));
    const send = (source: string, value: unknown) =>
      publishIncidentChanges(producer, statusTopic, [
        incidentChange({
          incidentId: ids.a,
          at: new Date(),
          by: 'playbook',
          source: 'playbook',
          kind: 'enrichment',
          enrichment: { source, value },
        }),
      ]);
    await send('virustotal', { stats: { malicious: 3 }, wide });
    await send('abuseipdb', { stats: 'not an object here' });
    const shown = await apiShows(ids.a, (i) => i.enrichments?.virustotal !== undefined && i.enrichments?.abuseipdb !== undefined);
    expect(shown.enrichments?.virustotal?.value).toMatchObject({ stats: { malicious: 3 } });
    expect(shown.enrichments?.abuseipdb?.value).toEqual({ stats: 'not an object here' });
  }, 60_000);

  it('merge: B is closed as merged into A, A gains its alerts, and a later alert of B goes to A', async () => {
    const res = await call('POST', `/api/incidents/${ids.b}/merge`, { into: ids.a, reason: 'same attacker' });
    expect(res.status).toBe(202);
    const b = await incidentWhen(ids.b, (d) => d.incident.merged_into === ids.a);
    expect(b.incident).toMatchObject({ status: 'closed', status_change: { reason: 'merged', by: 'api:analyst-bot' } });
    const a = await incidentWhen(ids.a, (d) => (d.incident.merged ?? []).includes(ids.b));
    expect(a.incident.alert_count).toBe(2);
    expect(a.incident.entities?.hosts.sort()).toEqual(['web-a', 'web-b']);
    expect((await auditOf('api.incident.merge', ids.b)).vigil.api.details).toEqual({ into: ids.a, reason: 'same attacker' });

    await sendAlerts([alert(4, 'web-b', 'r-b', 'high', 3)]);
    const later = await incidentWhen(ids.a, (d) => d.incident.alert_count === 3);
    expect(later.incident.entities?.hosts).toContain('web-b');
  }, 60_000);

  it('409 with the reason for what the incident state does not allow; the builder refuses it too', async () => {
    expect((await call('POST', `/api/incidents/${ids.c}/close`, { reason: 'false positive' })).status).toBe(202);
    await apiShows(ids.c, (i) => i.status === 'closed');
    await apiShows(ids.b, (i) => i.merged_into === ids.a);
    const refused = [
      [`/api/incidents/${ids.c}/assign`, { assignee: 'bob' }, 'is closed'],
      [`/api/incidents/${ids.a}/merge`, { into: ids.a }, 'into itself'],
      [`/api/incidents/${ids.a}/merge`, { into: ids.c }, 'is closed'],
      [`/api/incidents/${ids.b}/merge`, { into: ids.c }, 'merged into'],
      [`/api/incidents/${ids.b}/reopen`, {}, 'merged into'],
      [`/api/incidents/${ids.c}/close`, { reason: 'again' }, 'is closed'],
    ] as const;
    for (const [path, body, why] of refused) {
      const res = await call('POST', path, body);
      expect(res.status, path).toBe(409);
      expect(res.body.error).toMatchObject({ code: 'API_CONFLICT', message: expect.stringContaining(why) });
    }
    expect((await call('POST', `/api/incidents/${ids.a}/merge`, { into: 'inc-nope' })).status).toBe(404);
    expect((await call('POST', `/api/incidents/${ids.a}/notes`, { text: '' })).status).toBe(400);

    // Sent past the API (a stale client): the builder refuses it, and it is dead-lettered with the reason.
    await publishIncidentChanges(producer, statusTopic, [
      incidentChange({ incidentId: ids.c, at: new Date(), by: 'cli:mallory', source: 'cli', kind: 'assign', assignee: 'mallory' }),
    ]);
    const dead = await readUntil(bus.topics.deadletter, (rs) =>
      parse<{ code: string; reason: string; component: string }>(rs).find((d) => d.code === 'INCIDENT_CONFLICT'),
    );
    expect(dead).toMatchObject({ component: 'incident-status', reason: expect.stringContaining('is closed') });
  }, 90_000);
});
